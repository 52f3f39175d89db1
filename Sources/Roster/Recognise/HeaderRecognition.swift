import SheetIO

/// Which row of a sheet is the header, and which column holds what.
public struct ColumnMapping: Sendable {
    public struct Match: Sendable {
        public var column: Int
        public var header: String
        /// How it was recognised, in Chinese: "表头“身份证号码”与别名一致" or by key word.
        public var reason: String
    }

    /// Zero-based rows that make up the header (two for a two-row header).
    public var headerRows: [Int]
    public var matches: [ColumnRole: Match] { didSet { columns = Self.columns(of: matches) } }
    /// Rows above the header: titles such as "培训时间：2020年7月15日".
    public var titleRows: [Int]
    /// `matches` without their texts, for `column(_:)`, which importers ask for every row.
    private var columns: [(role: ColumnRole, column: Int)]

    public func column(_ role: ColumnRole) -> Int? {
        // A scan of a dozen pairs costs less than hashing the role and copying its Match.
        for entry in columns where entry.role == role { return entry.column }
        return nil
    }

    private static func columns(of matches: [ColumnRole: Match]) -> [(role: ColumnRole, column: Int)] {
        matches.map { ($0.key, $0.value.column) }
    }

    /// The first row of data.
    public var firstDataRow: Int { (headerRows.last ?? -1) + 1 }

    /// A mapping fixed by the config where recognition cannot find the header.
    /// - Parameters:
    ///   - headerRow: zero-based row of the header (data starts below it).
    ///   - columns: zero-based column of each role.
    public init(headerRow: Int, columns: [ColumnRole: Int]) {
        headerRows = [headerRow]
        matches = columns.mapValues { .init(column: $0, header: CellReference.columnName($0), reason: "由配置指定") }
        titleRows = Array(0..<max(headerRow, 0))
        self.columns = Self.columns(of: matches)
    }

    init(headerRows: [Int], matches: [ColumnRole: Match], titleRows: [Int]) {
        self.headerRows = headerRows
        self.matches = matches
        self.titleRows = titleRows
        columns = Self.columns(of: matches)
    }
}

/// Finds the header among the first rows of a sheet by scoring each against the aliases.
public enum HeaderRecognition {
    /// How many leading rows may be titles before the header.
    public static let searchDepth = 20

    /// The best header, or nil when no row names at least two known columns.
    public static func recognise(_ sheet: some SheetRows) -> ColumnMapping? {
        let candidates = sheet.rows.prefix { $0.index < searchDepth }
        var best: (score: Int, rows: [Int], matches: [ColumnRole: ColumnMapping.Match])?
        for (offset, row) in candidates.enumerated() {
            // A row holding an ID, a phone or a number is data: not worth scoring.
            if looksLikeData(row) { continue }
            var matches = recognise(row, sheet: sheet)
            var rows = [row.index]
            // A two-row header: merged cells in this row (a "学员信息" over 姓名/身份证号, or a
            // 培训日期 spanning both rows) and a row below naming the columns left open.
            let hasMergedHeader = sheet.mergedRanges.contains {
                $0.first.row == row.index && ($0.last.column > $0.first.column || $0.last.row > $0.first.row)
            }
            if hasMergedHeader && offset + 1 < candidates.count {
                let next = candidates[candidates.startIndex + offset + 1]
                if next.index == row.index + 1 && !looksLikeData(next) {
                    let below = recognise(next, sheet: sheet)
                    let taken = Set(matches.values.map(\.column))
                    let added = below.filter { matches[$0.key] == nil && !taken.contains($0.value.column) }
                    if !added.isEmpty {
                        matches.merge(added) { a, _ in a }
                        rows.append(next.index)
                    }
                }
            }
            let score = matches.keys.filter { $0 != .formMetadata && $0 != .submittedAt }.count
            // At equal scores the single row wins: a merged title above adds nothing.
            if score >= 2, score > (best?.score ?? 0) || score == best?.score && rows.count < best!.rows.count {
                best = (score, rows, matches)
            }
        }
        guard let best else { return nil }
        let titles = sheet.rows.prefix { $0.index < best.rows[0] }.map(\.index)
        return ColumnMapping(headerRows: best.rows, matches: best.matches, titleRows: titles)
    }

    /// The mapping a header row chosen by a person gives: the roles its cells name, with the
    /// rows above it as titles.
    public static func mapping(headerRow: Int, in sheet: Sheet) -> ColumnMapping {
        let matches = sheet.rows.first { $0.index == headerRow }.map { recognise($0, sheet: sheet) } ?? [:]
        return ColumnMapping(headerRows: [headerRow], matches: matches, titleRows: sheet.rows.prefix { $0.index < headerRow }.map(\.index))
    }

    /// Roles named by the cells of one row; the first column claiming a role keeps it.
    static func recognise(_ row: Row, sheet: some SheetRows) -> [ColumnRole: ColumnMapping.Match] {
        var matches: [ColumnRole: ColumnMapping.Match] = [:]
        for cell in row.cells {
            guard case .text(let text) = cell.value else { continue }
            let key = HeaderText.normalise(text)
            // "培训地点：乐昌市…" is a title giving a value, not a column header.
            guard !key.isEmpty, key.count <= 16, !key.contains(":") else { continue }
            if let role = ColumnRole.byAlias[key] {
                // An exact name beats a key word met earlier in the row (人员状态 after 脱贫状态).
                if matches[role] == nil || matches[role]!.reason.contains("”含有“") {
                    let reason = text.trimmingWhitespace() == role.label ? "表头就是“\(role.label)”" : "表头“\(text)”是“\(role.label)”的常见写法"
                    matches[role] = .init(column: cell.column, header: text, reason: reason)
                }
            } else if let (word, role) = ColumnRole.keywords.first(where: { key.utf8.contains($0.word.utf8) }), matches[role] == nil {
                // A byte search: Foundation's `contains` on String bridges on every call.
                matches[role] = .init(column: cell.column, header: text, reason: "表头“\(text)”含有“\(word)”")
            }
        }
        return matches
    }

    /// A row holding an identity number or a phone is data, not a header.
    static func looksLikeData(_ row: Row) -> Bool {
        row.cells.contains { cell in
            if case .number = cell.value { return true }
            let digits = cell.text.filter(\.isASCIIDigit).count
            return digits >= 11
        }
    }
}

extension String.UTF8View {
    /// Whether the bytes hold `other` as a contiguous run.
    func contains(_ other: String.UTF8View) -> Bool {
        let needle = Array(other)
        guard let first = needle.first else { return true }
        let hay = Array(self)
        guard hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == first {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
