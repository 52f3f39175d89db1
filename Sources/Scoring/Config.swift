import Foundation
import SheetIO
import Roster

/// A county's evaluation config (DESIGN §5): figures, input files, facts and judgment scores.
/// Paths are resolved against the config file's directory and globs are expanded.
public struct Config: Sendable {
    /// The config file.
    public var path: String
    public var county: String
    /// The template as written: an id (guangdong-2019) or a path.
    public var templateName: String
    /// The template file it resolved to.
    public var templateFile: String
    /// The template, parsed once when the config is loaded.
    public var template: Template
    /// The date the index's durations are measured at (中心运行满 6 个月, 截至 …).
    public var cutoff: CalendarDate?
    /// Resident population (常住人口).
    public var population: Decimal?
    public var funds: Funds?
    /// Which inputs the config names and the folders they read from; the files themselves
    /// are in `sources`.
    public var inputScope: InputScope
    /// Other figures the template's rules read, by key.
    public var facts: [String: Fact]
    /// Judgment scores by leaf id (a number, or true/false for a veto).
    public var manual: [String: ManualValue]
    /// Scores replacing computed leaves, by leaf id; the report marks them.
    public var overrides: [String: Decimal]
    /// The workbook to write when the command line names none.
    public var output: String?
    /// Everything Roster needs to read the inputs: the input files (resolved, globs expanded,
    /// sorted) and the poor settings are held here only.
    public var sources: EvidenceSources
    /// Files deliberately left out (`excluded:`), resolved: not data, or excluded by hand.
    public var excluded: [String] = []
    /// The review decisions file (`decisions:`), resolved; its decisions are in `sources.decisions`.
    public var decisionsFile: String?

    public struct Funds: Sendable, Equatable {
        /// 下达（安排）资金
        public var allocated: Decimal
        /// 已支出资金
        public var disbursed: Decimal
    }

    /// What the config's `inputs:` says beyond the files (which are in `sources`).
    public struct InputScope: Sendable, Equatable {
        /// Which inputs the config names at all (an empty list names none).
        public var named: Set<String> = []
        /// The folders the inputs read from (each named file's folder, each pattern's folder).
        public var folders: Set<String> = []
    }

    /// Every config key, for the unknown-key suggestion.
    static let topLevelKeys = ["county", "template", "cutoff", "population", "funds", "inputs", "poor", "facts",
                               "manual", "overrides", "output", "aliases", "province", "columns",
                               "sheets", "decisions", "excluded"]
}

/// A date without a time zone (YYYY-MM-DD).
public struct CalendarDate: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...CalendarDate.days(inMonth: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2021-08-31`, `2021/8/31` or `2021.8.31`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4 else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func days(inMonth month: Int, year: Int) -> Int { LocalDateTime.daysInMonth(year: year, month: month) }

    /// Whole months from this date to a later one: 2020-01-15 → 2020-07-15 is 6, → 2020-07-14 is 5.
    /// A start on the 31st reaches a shorter month on its last day.
    public func wholeMonths(to end: CalendarDate) -> Int {
        var months = (end.year - year) * 12 + (end.month - month)
        let dayNeeded = min(day, CalendarDate.days(inMonth: end.month, year: end.year))
        if end.day < dayNeeded { months -= 1 }
        return months
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }
}

/// A value of `facts:`.
public enum Fact: Sendable, Equatable {
    case number(Decimal)
    case date(CalendarDate)
    /// A small table of numbers: `online_retail: {previous, current}`, `media: {provincial: 1}`.
    case table([String: Decimal])
}

/// A value of `manual:`.
public enum ManualValue: Sendable, Equatable {
    case number(Decimal)
    /// A veto leaf: true when the veto applies.
    case flag(Bool)
}

/// A config or template that cannot be used; `description` is Chinese and names the file and,
/// where known, the line.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var message: String
    /// 配置文件 or 模板文件.
    public var fileKind: String

    public init(file: String, line: Int? = nil, _ message: String, fileKind: String = "配置文件") {
        self.file = file
        self.line = line
        self.message = message
        self.fileKind = fileKind
    }

    public var description: String {
        let name = (file as NSString).lastPathComponent
        if let line { return "\(fileKind)「\(name)」第 \(line) 行：\(message)" }
        return "\(fileKind)「\(name)」：\(message)"
    }
}

/// Several config problems at once, so a clerk fixes them in one pass.
public struct ConfigErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [ConfigError]
    /// A count, then one line per problem.
    public var description: String { "配置有 \(errors.count) 处问题：\n" + errors.map(\.description).joined(separator: "\n") }
}
