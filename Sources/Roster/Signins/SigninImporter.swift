import Foundation
import SheetIO

/// One training session: a sheet, or the rows of one date when a sheet holds several.
public struct TrainingSession: Hashable, Sendable {
    public var date: LocalDateTime?
    public var topic: String?
    public var place: String?
    public var source: Provenance
    /// Where the date came from, in Chinese ("日期列", "标题行", "工作表名称", "文件名").
    public var dateSource: String?
}

/// One row of a sign-in sheet that names somebody.
public struct SigninRecord: Sendable {
    public var provenance: Provenance
    /// Index into `SigninImport.sessions`.
    public var session: Int
    public var name: PersonName?
    public var id: IDNumber?
    public var phone: Phone?
    public var sex: String?
    public var town: String?
    public var village: String?
    /// The 是否贫困户 column as written: true for 是/贫困户, false for 否.
    public var markedPoor: Bool?
}

/// What one sign-in sheet holds.
public struct SigninImport: Sendable {
    public var sessions: [TrainingSession] = []
    public var records: [SigninRecord] = []
    public var findings: [Finding] = []
    public var mapping: ColumnMapping?
}

/// Reads sign-in sheets as people fill them: title rows, totals rows, blank and signature-only
/// rows, the session's date, topic and place wherever they were written.
public enum SigninImporter {
    /// - Parameter fixed: the config's mapping for this sheet, when recognition cannot find it.
    public static func read(_ sheet: some SheetRows, file: String, uses1904: Bool = false, mapping fixed: ColumnMapping? = nil) -> SigninImport {
        var result = SigninImport()
        let here = Provenance(file: file, sheet: sheet.name)
        guard let mapping = fixed ?? HeaderRecognition.recognise(sheet) else {
            result.findings.append(Finding(.error, .sheetNoHeader,
                "前 \(HeaderRecognition.searchDepth) 行中找不到表头（至少要有“姓名”“身份证号”等两列），整张表未导入；如这是签到表，请在配置中为它指定列",
                at: here, remedy: .fixColumns))
            return result
        }
        result.mapping = mapping
        if let missing = missingPersonColumns(sheet, mapping: mapping, at: here) {
            result.findings.append(missing)
            return result
        }
        var sessions = SessionSplitter(context: SessionContext(sheet: sheet, mapping: mapping, file: file), mapping: mapping,
                                       uses1904: uses1904, at: here)
        // Rows holding only a serial number or a signature: a form's unused lines.
        var emptyRows: [Int] = []
        for row in sheet.rows where row.index >= mapping.firstDataRow {
            readRow(row, mapping: mapping, at: Provenance(file: file, sheet: sheet.name, row: row.index),
                    sessions: &sessions, emptyRows: &emptyRows, into: &result)
        }
        result.findings += closingNotes(mapping: mapping, sessions: result.sessions, emptyRows: emptyRows, at: here)
        return result
    }

    /// The finding for a sheet whose header has neither a name nor an ID column. A list of
    /// people (phones or ID numbers below the header) whose name column was not recognised
    /// loses people: an error. A summary of sessions (日期, 主题, 人数) is not a list of
    /// people: a warning naming it. The first rows tell.
    private static func missingPersonColumns(_ sheet: some SheetRows, mapping: ColumnMapping, at here: Provenance) -> Finding? {
        guard mapping.column(.name) == nil && mapping.column(.idNumber) == nil else { return nil }
        let people = sheet.rows.prefix(60).contains { row in
            row.index >= mapping.firstDataRow && row.cells.contains { $0.text.filter(\.isASCIIDigit).count >= 11 }
        }
        if people {
            return Finding(.error, .sheetNoPersonColumn,
                "表头中既没有“姓名”列也没有“身份证号”列，整张表未导入；请在配置中为该文件指定姓名、身份证号所在的列", at: here,
                remedy: .fixColumns)
        }
        return Finding(.warning, .sheetNotAList,
            "这个工作表有表头但没有姓名、身份证号列，也没有电话或证件号码，不是签到名单（像是汇总表），未计入培训人次；如它是签到表，请在配置中为该文件指定列",
            at: here, remedy: .fixColumns)
    }

    /// One data row: skipped with a note (totals, sign-off, blank), or a record with its findings.
    private static func readRow(_ row: Row, mapping: ColumnMapping, at: Provenance, sessions: inout SessionSplitter,
                                emptyRows: inout [Int], into result: inout SigninImport) {
        func text(_ role: ColumnRole) -> String? {
            guard let column = mapping.column(role), let cell = row[column] else { return nil }
            let value = cell.text.trimmingWhitespace()
            return value.isEmpty ? nil : value
        }
        func cell(_ role: ColumnRole) -> Cell? { mapping.column(role).flatMap { row[$0] } }

        if row.isTotals {
            result.findings.append(Finding(.note, .rowTotal, "合计行，已跳过", at: at))
            return
        }
        if row.isSignOff {
            result.findings.append(Finding(.note, .rowSignOff, "表尾签字行（制表人、审核人等），不是学员，已跳过", at: at))
            return
        }
        let name = text(.name).flatMap(PersonName.init)
        let id = cell(.idNumber).flatMap { IDNumber(cell: $0) }
        guard name != nil || id != nil else {
            let other = row.cells.contains { c in
                ![mapping.column(.serial), mapping.column(.signature)].contains(c.column)
            }
            if other {
                result.findings.append(Finding(.warning, .rowNoPerson, "这一行没有姓名也没有身份证号，不计入培训人次", at: at))
            } else {
                emptyRows.append(row.index)
            }
            return
        }
        let session = sessions.session(for: row, topic: text(.topic), place: text(.place), into: &result)
        var record = SigninRecord(provenance: at, session: session, name: name, id: id, phone: cell(.phone).flatMap { Phone(cell: $0) },
                                  sex: text(.sex), town: text(.town), village: text(.village),
                                  markedPoor: text(.isPoor).map { $0.hasPrefix("是") || $0.contains("贫困户") })
        if let name, let note = name.annotation {
            result.findings.append(Finding(.warning, .nameAnnotation, "姓名后附有“\(Redaction.mask(note))”，已按“\(name.key)”计，请核实是否代签", at: at))
        }
        if let id { result.findings.append(contentsOf: IDFindings.check(id, at: at)) }
        if record.phone?.kind == .invalid {
            result.findings.append(Finding(.warning, .phoneInvalid, "联系电话格式不对（不是 11 位手机号或带区号的座机）", at: at))
            record.phone = nil
        }
        result.records.append(record)
    }

    /// The sheet-level notes after its rows: an online form's sessions by submission date, and
    /// the blank form lines skipped.
    private static func closingNotes(mapping: ColumnMapping, sessions: [TrainingSession], emptyRows: [Int], at here: Provenance) -> [Finding] {
        var findings: [Finding] = []
        if mapping.column(.date) == nil, let submitted = mapping.matches[.submittedAt], !sessions.isEmpty {
            let days = sessions.compactMap(\.date).map(\.description)
            let shown = days.prefix(5).joined(separator: "、") + (days.count > 5 ? " 等" : "")
            findings.append(Finding(.note, .sessionBySubmission,
                "在线问卷导出表：按每行“\(submitted.header)”（\(CellReference.columnName(submitted.column)) 列）的日期确定培训场次，"
                + "共 \(days.count) 天计 \(days.count) 场（\(shown)）；同一人在不同日期的签到分别计入培训人次",
                at: here))
        }
        if !emptyRows.isEmpty {
            let shown = emptyRows.prefix(10).map { "\($0 + 1)" }.joined(separator: "、") + (emptyRows.count > 10 ? " 等" : "")
            findings.append(Finding(.note, .rowBlank,
                "有 \(emptyRows.count) 行只有序号或签名、没有姓名和身份证号（第 \(shown) 行），是未用的空行，已跳过", at: here))
        }
        return findings
    }
}

/// The session of each row: a date column (or else an online form's submission time, one
/// export holding every day the form was open) splits a sheet by date; otherwise the sheet is
/// one session.
struct SessionSplitter {
    let context: SessionContext
    let mapping: ColumnMapping
    let uses1904: Bool
    let here: Provenance
    private let dateColumn: Int?
    private let dateSource: String
    private var sessionByDate: [LocalDateTime?: Int] = [:]

    init(context: SessionContext, mapping: ColumnMapping, uses1904: Bool, at here: Provenance) {
        self.context = context
        self.mapping = mapping
        self.uses1904 = uses1904
        self.here = here
        dateColumn = mapping.column(.date) ?? mapping.column(.submittedAt)
        dateSource = mapping.column(.date) != nil ? "日期列" : "提交时间"
    }

    /// The index in `result.sessions` of the row's session, made (with its finding when it has
    /// no date) the first time its date is seen.
    mutating func session(for row: Row, topic: String?, place: String?, into result: inout SigninImport) -> Int {
        // A date column holding only times (签到时间 09:12) leaves the export's submission date.
        let rowDate = dateColumn.flatMap { row[$0] }.flatMap { DateText.date(in: $0, uses1904: uses1904) }
            ?? mapping.column(.submittedAt).flatMap { row[$0] }.flatMap { DateText.date(in: $0, uses1904: uses1904) }
        let key = dateColumn != nil ? rowDate : nil
        if let known = sessionByDate[key] { return known }
        var made = context.session
        if let rowDate {
            made.date = rowDate
            made.dateSource = dateSource
        }
        if let topic { made.topic = topic }
        if let place { made.place = place }
        let session = result.sessions.count
        result.sessions.append(made)
        sessionByDate[key] = session
        if made.date == nil {
            let message = mapping.column(.date) == nil && mapping.column(.submittedAt) != nil
                ? "有的行“\(mapping.matches[.submittedAt]!.header)”不是日期，这些行找不到培训日期，同一人在这些行的签到按一场计；请核对导出文件中的提交时间"
                : "找不到培训日期（日期列、标题行、工作表名称和文件名中都没有），同一人在这张表的签到仍按一场计；请在标题行写明培训日期（如“培训时间：2020年7月15日”）或加一列培训日期"
            result.findings.append(Finding(.warning, .sessionNoDate, message, at: here))
        }
        return session
    }
}

/// The session facts a sheet states once: in its title rows, its name or its file name.
struct SessionContext {
    let session: TrainingSession

    init(sheet: some SheetRows, mapping: ColumnMapping, file: String) {
        var session = TrainingSession(source: Provenance(file: file, sheet: sheet.name))
        let titles = sheet.rows.prefix { $0.index <= (mapping.titleRows.last ?? -1) }
            .filter { mapping.titleRows.contains($0.index) }.flatMap(\.cells).map(\.text)
        for text in titles {
            // "培训时间：2020年7月15日    培训地点：坪石镇电商服务中心": labels anywhere in a title.
            session.place = session.place ?? SessionContext.value(after: ["培训地点", "地点", "地址"], in: text)
            session.topic = session.topic ?? SessionContext.value(after: ["培训主题", "培训内容", "主题", "课程"], in: text)
            if session.date == nil, let date = DateText.parse(text) {
                session.date = date
                session.dateSource = "标题行"
            }
        }
        if session.topic == nil, let title = titles.first(where: { !$0.contains(":") && !$0.contains("：") }) {
            session.topic = SessionContext.topic(fromTitle: title)
        }
        if session.date == nil, let date = DateText.parse(sheet.name) {
            session.date = date
            session.dateSource = "工作表名称"
        }
        let fileName = DisplayPath.fileName(file)
        if session.date == nil, let date = DateText.parse(fileName) {
            session.date = date
            session.dateSource = "文件名"
        }
        self.session = session
    }

    /// The topic a sheet's title names: `九峰镇电商技能提升班（三天）签到表` → `九峰镇电商技能提升班`,
    /// `2020年7月15日农村电商培训签到册` → `农村电商培训`. The form's own words (签到表, 报名表,
    /// 花名册…), dates and bracketed remarks go; nil when nothing is left.
    static func topic(fromTitle title: String) -> String? {
        var s = title.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespaces)
        for pattern in [#"\d{4}\s*年(\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?"#, #"\d{4}[-./]\d{1,2}([-./]\d{1,2})?"#,
                        #"\([^)]*\)"#, #"【[^】]*】"#] {
            s = s.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        let formWords = ["报名签到表", "签到登记表", "参训人员名单", "学员签到表", "签到名册", "签到表", "签到册", "签到单", "签到簿",
                         "报名表", "花名册", "学员名单", "人员名单", "登记表", "名单", "签到"]
        var changed = true
        while changed {
            changed = false
            s = s.trimmingCharacters(in: CharacterSet(charactersIn: " 　-—_:：,，、.。()"))
            if let word = formWords.first(where: { s.hasSuffix($0) && s.count > $0.count || s == $0 }) {
                s.removeLast(word.count)
                changed = true
            }
        }
        return s.isEmpty ? nil : s
    }

    /// The text after `label：` up to the next run of spaces.
    static func value(after labels: [String], in text: String) -> String? {
        for label in labels {
            for colon in ["：", ":"] {
                guard let range = text.range(of: label + colon) else { continue }
                let rest = text[range.upperBound...].drop { $0.isWhitespace }
                let value = rest.prefix { !$0.isWhitespace }
                if !value.isEmpty { return String(value) }
            }
        }
        return nil
    }
}

extension Row {
    /// A 合计/总计/小计/共计 row at the foot of a list (the word sits in its first cells).
    var isTotals: Bool {
        cells.prefix(2).contains { cell in
            guard case .text(let text) = cell.value else { return false }
            let trimmed = text.trimmingWhitespace()
            return Row.totalWords.contains { trimmed.utf8.starts(with: $0) }
        }
    }

    private static let totalWords = ["合计", "总计", "小计", "共计"].map { Array($0.utf8) }

    /// A sheet's sign-off line under the table (制表人：… 审核人：…, 填表日期：…): every text
    /// cell is such a label, alone or followed by a colon, whichever columns the labels fall in.
    var isSignOff: Bool {
        var labelled = false
        for cell in cells {
            guard case .text(let text) = cell.value else { return false }
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard let label = Row.signOffLabels.first(where: { trimmed.hasPrefix($0) }) else { return false }
            let rest = trimmed.dropFirst(label.count)
            guard rest.isEmpty || rest.first == "：" || rest.first == ":" else { return false }
            labelled = true
        }
        return labelled
    }

    private static let signOffLabels = ["制表人", "填表人", "填报人", "审核人", "负责人", "经办人", "统计人", "记录人", "签到负责人",
                                        "制表日期", "填表日期", "填报日期", "审核日期", "制表单位", "填报单位", "单位（盖章）", "单位(盖章)",
                                        "制表", "审核", "签字", "盖章"]
}

/// Findings about one identity number; messages never show it whole.
enum IDFindings {
    static func check(_ id: IDNumber, at: Provenance) -> [Finding] {
        switch id.status {
        case .valid:
            var findings: [Finding] = []
            if id.reformatted { findings.append(Finding(.note, .idReformatted, "身份证号 \(id.masked) 含空格、引号等多余字符，已清理", at: at)) }
            if !id.hasKnownProvince {
                findings.append(Finding(.warning, .idUnknownRegion, "身份证号 \(id.masked) 的前两位不是任何省级行政区代码，校验位虽对，仍请核对", at: at))
            }
            return findings
        case .upgraded:
            return [Finding(.note, .idUpgraded, "15 位身份证号已按国家标准升为 18 位 \(id.masked)", at: at)]
        case .badCheck(let expected):
            return [Finding(.error, .idBadCheck, "身份证号 \(id.masked) 校验位不对（按前 17 位应为 \(expected)），可能有错字，请核对原件", at: at)]
        case .badDate:
            return [Finding(.error, .idBadDate, "身份证号 \(id.masked) 中的出生日期不存在，请核对", at: at)]
        case .centenarianSequence:
            return [Finding(.warning, .idCentenarian, "15 位身份证号顺序码为 996–999（百岁老人专用），无法确定出生世纪，未自动升位", at: at)]
        case .precisionLost:
            return [Finding(.error, .idPrecisionLost,
                "身份证号已被 Excel 当作数字保存，后几位已丢失（\(id.masked)），无法用于比对；请在原表中把该列设为“文本”格式后重新录入",
                at: at)]
        case .malformed:
            return [Finding(.error, .idMalformed, "身份证号格式不对（应为 18 位），请核对", at: at)]
        }
    }
}
