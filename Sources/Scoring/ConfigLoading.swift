import Foundation
import Roster
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

extension Config {
    /// Reads a config, resolves its template and input files, and checks every value against
    /// the template. All problems found are thrown together (`ConfigErrors`), each naming the
    /// file and line.
    public static func load(path: String) throws -> Config {
        let root = try YAMLValue.parse(file: path, fileKind: "配置文件")
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let errors = ConfigErrorList(root: root)
        let values = try knownKeys(root, errors: errors)
        let county = errors.attempt { () throws -> String in
            guard let v = values["county"] else { throw root.error("缺少 county（县、市、区名称，如“乐昌市”）") }
            let name = try v.string().trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw v.error("county 不能为空") }
            return name
        } ?? ""
        let templateName: String = (errors.attempt { try values["template"]?.string() } ?? nil) ?? "guangdong-2019"
        let resolved = try locateTemplate(templateName, values: values, path: path, directory: directory, errors: errors)

        let cutoff = errors.attempt { try values["cutoff"].map { try $0.date() } } ?? nil
        let population = errors.attempt { try values["population"].map(Self.population) } ?? nil
        let funds = errors.attempt { try values["funds"].map(Self.funds) } ?? nil
        let output = errors.attempt { try values["output"].map { resolve(try $0.string(), in: directory) } } ?? nil
        let (read, scope) = evidenceSources(values, directory: directory, errors: errors)
        var sources = read
        sources.county = county.isEmpty ? nil : county
        var excluded: [String] = []
        if let v = values["excluded"] {
            excluded = errors.attempt { try v.strings().flatMap { pattern -> [String] in
                let full = resolve(pattern, in: directory)
                return Glob.hasWildcard(pattern) ? Glob.expand(full) : [full]
            } } ?? []
        }
        var decisionsFile: String?
        if let v = values["decisions"] {
            _ = errors.attempt {
                let file = resolve(try v.string(), in: directory)
                decisionsFile = file
                sources.decisions = try decisions(file)
            }
        }
        var judgments = Judgments()
        if let template = resolved?.template {
            judgments = readJudgments(values, template: template, cutoff: cutoff, errors: errors)
        }

        guard errors.errors.isEmpty, let resolved else {
            throw errors.errors.count == 1 ? errors.errors[0] as Error : ConfigErrors(errors: errors.errors)
        }
        var config = Config(path: path, county: county, templateName: templateName, templateFile: resolved.file,
                            template: resolved.template, cutoff: cutoff, population: population, funds: funds,
                            inputScope: scope, facts: judgments.facts, manual: judgments.manual, overrides: judgments.overrides,
                            output: output, sources: sources, excluded: excluded, decisionsFile: decisionsFile)
        config.sources.unclaimed = config.unclaimedFiles()
        return config
    }

    /// The top-level values by key; an unknown key is an error with the closest known one.
    private static func knownKeys(_ root: YAMLValue, errors: ConfigErrorList) throws -> [String: YAMLValue] {
        var values: [String: YAMLValue] = [:]
        for (key, line, value) in try root.entries() {
            if topLevelKeys.contains(key) {
                values[key] = value
            } else {
                var message = "未知的配置项“\(key)”"
                if let guess = Suggestion.closest(to: key, in: topLevelKeys) { message += "，是否应为“\(guess)”？" }
                else { message += "；可用的有：\(topLevelKeys.joined(separator: "、"))" }
                errors.errors.append(root.error(message, line: line))
            }
        }
        return values
    }

    /// The template file and the template parsed from it; nil (with the error kept) when it
    /// cannot be found or read.
    private static func locateTemplate(_ name: String, values: [String: YAMLValue], path: String, directory: String,
                                       errors: ConfigErrorList) throws -> (file: String, template: Template)? {
        do {
            let file = try Template.locate(name, configDirectory: directory)
            return (file, try Template.load(path: file))
        } catch let error as ConfigError {
            // The template's own line, under the config's name when the template was not found.
            errors.errors.append(error.fileKind == "模板" ? ConfigError(file: path, line: values["template"]?.line, error.message) : error)
        }
        return nil
    }

    /// What Roster needs to read the inputs: `inputs`, `poor`, `province`, `aliases`, `columns`,
    /// `sheets` (the review `decisions` are read after `excluded`); with which inputs are named.
    private static func evidenceSources(_ values: [String: YAMLValue], directory: String, errors: ConfigErrorList)
        -> (EvidenceSources, InputScope) {
        var sources = EvidenceSources()
        var scope = InputScope()
        if let v = values["inputs"] { scope = errors.attempt { try inputs(v, directory: directory, into: &sources) } ?? InputScope() }
        if let v = values["poor"] { sources.poor = errors.attempt { try poor(v) } ?? PoorSettings() }
        if let v = values["province"] {
            sources.province = errors.attempt { () throws -> String in
                let code = try v.string()
                guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw v.error("province 应是两位省级行政区划代码，如广东为 \"44\"")
                }
                return code
            }
        }
        if let v = values["aliases"] {
            sources.villageAliases = errors.attempt { () throws -> [String: [String: String]] in
                var table: [String: [String: String]] = [:]
                for (town, _, names) in try v.entries() {
                    for (old, _, new) in try names.entries() { table[town, default: [:]][old] = try new.string() }
                }
                return table
            } ?? [:]
        }
        if let v = values["columns"] {
            sources.fixedMappings = errors.attempt { try columns(v, directory: directory, inputs: sources.inputFiles) } ?? [:]
        }
        if let v = values["sheets"] {
            sources.sheetOptions = errors.attempt { try sheets(v, directory: directory) } ?? [:]
        }
        return (sources, scope)
    }

    /// The figures and scores checked against the template: `facts`, `manual`, `overrides`.
    private struct Judgments {
        var facts: [String: Fact] = [:]
        var manual: [String: ManualValue] = [:]
        var overrides: [String: Decimal] = [:]
    }

    private static func readJudgments(_ values: [String: YAMLValue], template: Template, cutoff: CalendarDate?,
                                      errors: ConfigErrorList) -> Judgments {
        var judgments = Judgments()
        if let v = values["facts"] { judgments.facts = errors.attempt { try facts(v, template: template) } ?? [:] }
        if let v = values["manual"] { judgments.manual = errors.attempt { try manual(v, template: template) } ?? [:] }
        if let v = values["overrides"] { judgments.overrides = errors.attempt { try overrides(v, template: template) } ?? [:] }
        for metric in template.derivedMetrics {
            guard case .monthsToCutoff(let key) = metric.formula, judgments.facts[key] != nil, cutoff == nil else { continue }
            errors.errors.append(errors.root.error("填写了 facts.\(key)，但缺少 cutoff（考评截止日期，如 2021-08-31）：\(metric.label)按它计算", line: nil))
        }
        return judgments
    }

    private static func population(_ v: YAMLValue) throws -> Decimal {
        if case .scalar = v.node { return try v.decimal() }
        var resident: Decimal?
        var line = v
        for (_, _, x) in try v.entries(known: ["resident"]) { resident = try x.decimal(); line = x }
        guard let resident else { throw v.error("population 应写作 {resident: 常住人口数}") }
        guard resident > 0 else { throw line.error("常住人口应大于 0") }
        guard resident == resident.rounded(0) else { throw line.error("常住人口是人数，应是整数，如 420000") }
        guard resident >= 100 else {
            throw line.error("常住人口 \(fmt(resident)) 人太少：常住人口以“人”为单位，如 42 万人应写作 420000")
        }
        return resident
    }

    private static func funds(_ v: YAMLValue) throws -> Funds {
        var allocated: Decimal?, disbursed: Decimal?
        var allocatedLine = v, disbursedLine = v
        for (k, _, x) in try v.entries(known: ["allocated", "disbursed"]) {
            let amount = try x.decimal()
            guard amount >= 0 else { throw x.error("金额不能为负数") }
            if k == "allocated" { allocated = amount; allocatedLine = x } else { disbursed = amount; disbursedLine = x }
        }
        guard let allocated, let disbursed else { throw v.error("funds 须同时写 allocated（安排资金）和 disbursed（已支出）") }
        // Money is in 元: 500 written for 500 万元 would make any spending look like a high rate.
        guard allocated == 0 || allocated >= 10_000 else {
            throw allocatedLine.error("安排资金 \(fmt(allocated)) 元太少：金额以“元”为单位，如 500 万元应写作 5000000")
        }
        guard disbursed <= allocated else {
            throw disbursedLine.error("已支出资金 \(fmt(disbursed)) 元多于安排资金 \(fmt(allocated)) 元，支出率不能超过 100%；请核对两个金额（单位都是元）")
        }
        return Funds(allocated: allocated, disbursed: disbursed)
    }

    static let inputKeys = ["villages", "stations", "poor_registry", "signins"]

    /// Reads `inputs:`: the files go into `sources`; which inputs are named and their folders
    /// are returned.
    private static func inputs(_ v: YAMLValue, directory: String, into sources: inout EvidenceSources) throws -> InputScope {
        var inputs = InputScope()
        var errors: [ConfigError] = []
        for (key, _, x) in try v.entries(known: inputKeys) {
            var files: [String] = []
            // A pattern may match nothing (`kaoping init` names *.xlsx, *.xls and *.csv alike);
            // the input as a whole must match something.
            var emptyPatterns: [(item: YAMLValue, pattern: String)] = []
            for item in try x.list() {
                let pattern = try item.string()
                let full = resolve(pattern, in: directory)
                if Glob.hasWildcard(pattern) {
                    let matches = Glob.expand(full)
                    if matches.isEmpty { emptyPatterns.append((item, pattern)) }
                    files += matches
                    inputs.folders.insert(Glob.folder(of: full))
                } else if FileManager.default.fileExists(atPath: full) {
                    files.append(full)
                } else {
                    errors.append(item.error("inputs.\(key) 的文件不存在：\(pattern)（路径相对于配置文件所在的文件夹）"))
                }
            }
            if files.isEmpty, let first = emptyPatterns.first {
                let patterns = emptyPatterns.map { "“\($0.pattern)”" }.joined(separator: "、")
                errors.append(first.item.error("inputs.\(key) 的\(patterns)没有匹配到任何文件；请核对文件夹名称（路径相对于配置文件所在的文件夹）"))
            }
            for file in files { inputs.folders.insert((file as NSString).deletingLastPathComponent) }
            var seen = Set<String>()
            files = files.filter { seen.insert($0).inserted }
            inputs.named.insert(key)
            switch key {
            case "villages": sources.villages = files
            case "stations": sources.stations = files
            case "poor_registry": sources.registry = files
            default: sources.signins = files
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return inputs
    }

    private static func poor(_ v: YAMLValue) throws -> PoorSettings {
        var settings = PoorSettings()
        for (k, _, x) in try v.entries(known: ["labor_values", "migrant_values", "exclude_migrant", "accept_probable", "confirmed_labor_population",
                                               "removed_values"]) {
            switch k {
            case "labor_values": settings.laborValues = try x.strings()
            case "removed_values": settings.removedValues = try x.strings()
            case "migrant_values": settings.migrantValues = try x.strings()
            case "exclude_migrant": settings.excludeMigrant = try x.bool()
            case "accept_probable": settings.acceptProbable = try x.bool()
            default:
                let n = try x.integer()
                guard n > 0 else { throw x.error("confirmed_labor_population 应大于 0") }
                settings.confirmedLaborPopulation = n
            }
        }
        return settings
    }

    private static func facts(_ v: YAMLValue, template: Template) throws -> [String: Fact] {
        var facts: [String: Fact] = [:]
        let known = template.factKeys
        for (key, _, x) in try v.entries(known: known) {
            var tableKeys: [String]?
            for metric in template.derivedMetrics where metric.facts.contains(key) {
                switch metric.formula {
                case .monthsToCutoff:
                    facts[key] = .date(try x.date())
                case .growth:
                    tableKeys = ["previous", "current"]
                default: break
                }
            }
            for leaf in template.leaves {
                if case .levels(let fact, let levels, _, _) = leaf.rule, fact == key { tableKeys = levels.map(\.key) }
            }
            if facts[key] != nil { continue }
            if let tableKeys {
                let isMoney = tableKeys == ["previous", "current"]
                var table: [String: Decimal] = [:]
                for (k, _, n) in try x.entries(known: tableKeys) {
                    let value = try n.decimal()
                    guard value >= 0 else { throw n.error("facts.\(key).\(k) 不能为负数") }
                    if !isMoney, value != value.rounded(0) {
                        throw n.error("facts.\(key).\(k) 是篇数，应是整数，实际是 \(fmt(value))")
                    }
                    table[k] = value
                }
                if isMoney, table.count != 2 {
                    throw x.error("facts.\(key) 须同时写 previous（上年）和 current（本年）")
                }
                facts[key] = .table(table)
            } else {
                let written = x.node.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
                let value = try x.decimal(percent: true)
                guard value >= 0 else { throw x.error("facts.\(key) 不能为负数") }
                let isRate = template.derivedMetrics.contains { $0.isRate && $0.formula == .fact(key) }
                if isRate && value > 1 {
                    throw x.error("facts.\(key) 是比例，应写作 0.85 或 85%，实际是 \(fmt(value))")
                }
                if let counted = template.countedBy(fact: key) {
                    if written.hasSuffix("%") {
                        throw x.error("facts.\(key) 是\(counted)的个数，不是比例；请写个数（如 34），不要写“\(written)”")
                    }
                    guard value == value.rounded(0) else {
                        throw x.error("facts.\(key) 是\(counted)的个数，应是整数，实际是 \(fmt(value))")
                    }
                }
                facts[key] = .number(value)
            }
        }
        return facts
    }

    private static func leafID(_ key: String, line: Int?, in template: Template, _ v: YAMLValue, section: String) throws -> Leaf {
        if let leaf = template.leaf(key) { return leaf }
        var message = "\(section) 中的“\(key)”不是模板 \(template.id) 的评分项"
        if let guess = Suggestion.closest(to: key, in: template.leaves.map(\.id)) { message += "，是否应为“\(guess)”？" }
        throw v.error(message + "（kaoping template show \(template.id) 列出全部评分项）", line: line)
    }

    private static func manual(_ v: YAMLValue, template: Template) throws -> [String: ManualValue] {
        var values: [String: ManualValue] = [:]
        var errors: [ConfigError] = []
        for (key, line, x) in try v.entries() {
            do {
                let leaf = try leafID(key, line: line, in: template, v, section: "manual")
                switch leaf.rule {
                case .veto:
                    values[key] = .flag(try x.bool())
                case .manual(let allowed), .gate(_, _, let allowed, _):
                    let score = try x.decimal()
                    guard allowed.contains(score) else {
                        throw x.error("评分项 \(key)（\(leaf.name)）不能评 \(fmt(score)) 分，可选：\(allowed.map(fmt).joined(separator: "、"))")
                    }
                    values[key] = .number(score)
                default:
                    throw x.error("评分项 \(key)（\(leaf.name)）由数据计算，不在 manual 中填写；确需人工改分请写在 overrides 中")
                }
            } catch let error as ConfigError {
                errors.append(error)
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return values
    }

    private static func overrides(_ v: YAMLValue, template: Template) throws -> [String: Decimal] {
        var values: [String: Decimal] = [:]
        for (key, line, x) in try v.entries() {
            let leaf = try leafID(key, line: line, in: template, v, section: "overrides")
            switch leaf.rule {
            case .manual: throw x.error("评分项 \(key) 本来就是人工评分，请写在 manual 中")
            case .veto: throw x.error("一票否决项 \(key) 请在 manual 中写 true 或 false")
            default: break
            }
            let score = try x.decimal()
            guard score >= 0 && score <= leaf.max else { throw x.error("评分项 \(key) 的改分应在 0 到 \(fmt(leaf.max)) 之间") }
            values[key] = score
        }
        return values
    }

    /// Short names a clerk may use for a column's role, besides the role's own name and label.
    static let roleWords: [String: ColumnRole] = [
        "身份证号码": .idNumber, "证件号码": .idNumber, "手机": .phone, "手机号": .phone, "电话": .phone,
        "乡镇": .town, "镇": .town, "村": .village, "行政村": .village, "村委会": .village, "日期": .date,
    ]

    static func role(_ word: String) -> ColumnRole? {
        if let role = ColumnRole(rawValue: word) ?? roleWords[word] { return role }
        return ColumnRole.allCases.first { $0.label == word || $0.label.split(separator: "（").first.map(String.init) == word }
    }

    private static func columns(_ v: YAMLValue, directory: String, inputs: [String]) throws -> [String: ColumnMapping] {
        var mappings: [String: ColumnMapping] = [:]
        let allInputs = Set(inputs)
        for (file, line, spec) in try v.entries() {
            let path = resolve(file, in: directory)
            guard allInputs.contains(path) else { throw v.error("columns 中的“\(file)”不是 inputs 列出的文件", line: line) }
            var headerRow: Int?
            var roles: [ColumnRole: Int] = [:]
            for (key, keyLine, x) in try spec.entries() {
                if key == "header_row" {
                    let row = try x.integer()
                    guard row >= 1 else { throw x.error("header_row 从 1 起计") }
                    headerRow = row - 1
                    continue
                }
                guard let role = role(key) else {
                    let words = ColumnRole.allCases.map(\.label)
                    var message = "columns 中的“\(key)”不是已知的列"
                    if let guess = Suggestion.closest(to: key, in: words + ColumnRole.allCases.map(\.rawValue)) { message += "，是否应为“\(guess)”？" }
                    throw spec.error(message, line: keyLine)
                }
                let letters = try x.string().uppercased()
                guard let column = CellReference.columnIndex(letters) else { throw x.error("“\(key)”的列应写作字母，如 B 或 AA") }
                roles[role] = column
            }
            guard let headerRow else { throw spec.error("columns 中的“\(file)”缺少 header_row（表头所在行，从 1 起计）") }
            mappings[path] = ColumnMapping(headerRow: headerRow, columns: roles)
        }
        return mappings
    }

    /// `sheets: {FILE: {SHEET: {skip: true, split_by_date: false}}}`: per-sheet choices.
    private static func sheets(_ v: YAMLValue, directory: String) throws -> [String: [String: SheetOptions]] {
        var table: [String: [String: SheetOptions]] = [:]
        for (file, _, sheets) in try v.entries() {
            let path = resolve(file, in: directory)
            for (sheet, _, spec) in try sheets.entries() {
                var options = SheetOptions()
                for (key, _, x) in try spec.entries(known: ["skip", "split_by_date"]) {
                    if key == "skip" { options.skip = try x.bool() } else { options.splitByDate = try x.bool() }
                }
                table[path, default: [:]][sheet] = options
            }
        }
        return table
    }

    /// The review decisions file: `KEY: same|different` per line (是同一人 / 不是同一人 too).
    /// A file not made yet holds no decisions.
    static func decisions(_ file: String) throws -> [String: ReviewDecision] {
        guard FileManager.default.fileExists(atPath: file) else { return [:] }
        let root = try YAMLValue.parse(file: file, fileKind: "核查决定文件")
        var table: [String: ReviewDecision] = [:]
        if root.isNull { return table }
        for (key, line, x) in try root.entries() {
            guard ReviewKey.isValid(key) else { throw root.error("“\(key)”不是待核查的编号（形如 r3-0123456789abcdef）", line: line) }
            if x.isNull { continue }
            switch try x.string() {
            case "same", "是同一人": table[key] = .same
            case "different", "不是同一人": table[key] = .different
            case let other: throw x.error("核查决定应写 same（是同一人）或 different（不是同一人），实际是“\(other)”")
            }
        }
        return table
    }

    static func resolve(_ path: String, in directory: String) -> String {
        var full = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        if !full.hasPrefix("/") { full = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(full) }
        return (full as NSString).standardizingPath
    }
}

extension Config {
    /// Files in the folders the inputs read from that no input takes, sorted. The config,
    /// other YAML or Markdown files, the output workbook, hidden files and Excel's lock files
    /// (`~$…`) are not data; nor are files the config's `excluded:` names (left out on purpose).
    /// Subfolders count: sign-in sheets kept per month (`签到表/7月/…`) that a pattern does not
    /// reach are named too. The output's folder is not searched.
    func unclaimedFiles() -> [String] {
        let taken = Set(sources.inputFiles + excluded)
        let skipped = Set([path, output].compactMap { $0 }.map { (($0 as NSString).standardizingPath) })
        let outputFolder = output.map { (($0 as NSString).deletingLastPathComponent as NSString).standardizingPath }
        var found = Set<String>()
        var seenFolders = Set<String>()
        func walk(_ folder: String, depth: Int) {
            guard depth <= 6, found.count < 10_000, seenFolders.insert(folder).inserted,
                  folder != outputFolder || inputScope.folders.contains(folder),
                  let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
            for name in names.sorted() where !name.hasPrefix(".") && !name.hasPrefix("~$") {
                let file = ((folder as NSString).appendingPathComponent(name) as NSString).standardizingPath
                let ext = (name as NSString).pathExtension.lowercased()
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    walk(file, depth: depth + 1)
                } else if !taken.contains(file), !skipped.contains(file), !["yaml", "yml", "md"].contains(ext) {
                    found.insert(file)
                }
            }
        }
        for folder in inputScope.folders.sorted() { walk((folder as NSString).standardizingPath, depth: 0) }
        return found.sorted()
    }
}

/// Shell-style file patterns: `*` and `?` within a name, `[...]` sets, `**` for any depth.
enum Glob {
    static func hasWildcard(_ pattern: String) -> Bool { pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// Regular files matching an absolute pattern, sorted. Hidden files and Excel's lock files
    /// (`~$签到表.xlsx`) match only a pattern that names them so.
    static func expand(_ pattern: String) -> [String] {
        var paths = ["/"]
        for component in pattern.split(separator: "/").map(String.init) {
            var next: [String] = []
            for base in paths {
                if component == "**" {
                    next += [base] + descendants(of: base)
                } else if hasWildcard(component) {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
                    for name in names where matches(component, name) {
                        next.append((base as NSString).appendingPathComponent(name))
                    }
                } else {
                    next.append((base as NSString).appendingPathComponent(component))
                }
            }
            paths = next
        }
        var isDirectory: ObjCBool = false
        let files = paths.filter { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
        return Array(Set(files)).sorted()
    }

    /// Letter case is ignored, as Windows, where the files come from, ignores it: `*.xls`
    /// takes 签到.XLS.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        if (name.hasPrefix(".") && !pattern.hasPrefix(".")) || (name.hasPrefix("~$") && !pattern.hasPrefix("~$")) { return false }
        return fnmatch(pattern, name, 1 << 4) == 0   // FNM_CASEFOLD (a GNU extension)
    }

    /// The folder a pattern reads from: its path up to the first component with a wildcard.
    static func folder(of pattern: String) -> String {
        var parts: [String] = []
        for component in pattern.split(separator: "/").map(String.init) {
            if hasWildcard(component) { break }
            parts.append(component)
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func descendants(of directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var out: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                out.append(path)
                out += descendants(of: path)
            }
        }
        return out
    }
}

/// A config's errors as they are found, so every problem is reported at once.
final class ConfigErrorList {
    let root: YAMLValue
    var errors: [ConfigError] = []

    init(root: YAMLValue) { self.root = root }

    /// Runs one part, keeping its error and going on with the next.
    func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as ConfigError {
            errors.append(error)
        } catch let many as ConfigErrors {
            errors += many.errors
        } catch {
            errors.append(root.error("\(error)"))
        }
        return nil
    }
}
