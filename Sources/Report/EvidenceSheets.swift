import Dispatch
import Roster
import Scoring
import SheetIO

/// The sheets that show where the numbers come from, one record per row, written in row
/// order on constant-memory sheets so a province-sized run stays small in memory.
struct EvidenceSheets {
    let evidence: Evidence
    let privacy: Privacy
    let writer: XLSXWriter
    /// The config's folder: 来源文件 is written relative to it, as the config names files.
    var base: String? = nil

    static let names = (sessions: "培训场次", people: "学员名单", poor: "贫困人口培训清单", poorOther: "其他参训建档立卡人员",
                        coverage: "站点覆盖", stationsApart: "未计入覆盖的站点", reviews: "待核查", findings: "数据问题")

    /// The rows of one sheet, still to be written; `cells` is about how many.
    private struct Rows {
        var cells: Int
        var write: () throws -> Void
    }

    /// Adds the sheets with their headers in order, then writes their rows on every core,
    /// one thread per sheet (`XLSXWriter` allows that), the biggest sheets first. An error
    /// is thrown as the first sheet in order met it.
    func writeAll() throws {
        let sheets = [try sessions(), try people(), try poor(), try poorOther(), try coverage(), try stationsApart(),
                      try reviews(), try findings()]
        let work = ParallelRows(sheets)
        DispatchQueue.concurrentPerform(iterations: sheets.count, execute: work.run)
        if let error = work.failures.lazy.compactMap({ $0 }).first { throw error }
    }

    /// The sheets' rows handed to the threads that write them, and what each sheet met.
    /// Unchecked: each index is written by one thread only, and read after all are done.
    private final class ParallelRows: @unchecked Sendable {
        let sheets: [Rows]
        let order: [Int]
        private let failed: UnsafeMutableBufferPointer<Error?>

        init(_ sheets: [Rows]) {
            self.sheets = sheets
            order = sheets.indices.sorted { sheets[$0].cells > sheets[$1].cells }
            failed = .allocate(capacity: sheets.count)
            failed.initialize(repeating: nil)
        }

        deinit {
            failed.deinitialize()
            failed.deallocate()
        }

        /// Writes the `n`-th biggest sheet.
        func run(_ n: Int) {
            let i = order[n]
            do { try sheets[i].write() } catch { failed[i] = error }
        }

        var failures: [Error?] { Array(failed) }
    }

    private func addSheet(_ name: String) throws -> WorksheetWriter {
        try writer.addSheet(name, constantMemory: true)
    }

    /// A source file relative to the config's folder (`data/signins/第一期.xlsx`).
    func relative(_ file: String) -> String {
        guard let base, !base.isEmpty else { return file }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }

    private func source(_ p: Provenance) -> [CellValue] {
        [.string(relative(p.file)), .string(p.sheet), p.row.map { .int($0 + 1) } ?? .empty]
    }

    private static let sourceColumns = [Column(title: "来源文件", width: 30), Column(title: "工作表", width: 14),
                                        Column(title: "行号", width: 7)]

    // MARK: 培训场次

    private func sessions() throws -> Rows {
        let attendance = evidence.attendance
        let sheet = try addSheet(Self.names.sessions)
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "序号", width: 6), Column(title: "培训日期", width: 12), Column(title: "日期来源", width: 10),
            Column(title: "培训主题", width: 30), Column(title: "培训地点", width: 20),
        ] + Self.sourceColumns.prefix(2) + [
            Column(title: "签到行数", width: 9, style: Styles.count),
            Column(title: "培训人次（去重）", width: 10, style: Styles.count),
        ], rows: attendance.sessions.count)
        var signinRows = [Int](repeating: 0, count: attendance.sessions.count)
        for record in attendance.records { signinRows[record.session] += 1 }
        // In date order (sessions without a date last), then by file and sheet.
        let order = attendance.sessions.indices.sorted { a, b in
            let x = attendance.sessions[a], y = attendance.sessions[b]
            switch (x.date, y.date) {
            case let (d1?, d2?) where d1 != d2: return d1 < d2
            case (.some, nil): return true
            case (nil, .some): return false
            default:
                return (relative(x.source.file), x.source.sheet, a) < (relative(y.source.file), y.source.sheet, b)
            }
        }
        return Rows(cells: table.announcedCells) {
            for (n, i) in order.enumerated() {
                let session = attendance.sessions[i]
                try table.add([.int(n + 1), session.date.map { .date($0) } ?? .text("日期不明（请在签到表标题中写明培训日期）"),
                               .string(session.dateSource),
                               .string(session.topic.map(privacy.text)), .string(session.place.map(privacy.text)),
                               .string(relative(session.source.file)), .string(session.source.sheet),
                               .int(signinRows[i]), .int(attendance.personTimesBySession[i])])
            }
            try table.add([.text("合计"), .empty, .empty, .empty, .empty, .empty, .empty,
                           .int(attendance.signinRows), .int(attendance.personTimes)])
        }
    }

    // MARK: 学员名单

    private func people() throws -> Rows {
        let attendance = evidence.attendance
        let registry = evidence.registry
        let sheet = try addSheet(Self.names.people)
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "序号", width: 8), Column(title: "姓名", width: 10),
            Column(title: "身份证号", width: 21, style: Styles.idText), Column(title: "联系电话", width: 14, style: Styles.idText),
            Column(title: "镇", width: 10), Column(title: "村", width: 12),
            Column(title: "参训场次", width: 8), Column(title: "签到记录数", width: 8),
            Column(title: "建档立卡贫困人口", width: 9), Column(title: "匹配方式", width: 16),
            Column(title: "计入贫困劳动力培训", width: 12), Column(title: "首次签到来源", width: 36),
        ], rows: attendance.persons.count)
        return Rows(cells: table.announcedCells) {
            let labor = Set(registry.trainedLabor)
            let other = Set(registry.trainedOther)
            for (p, person) in attendance.persons.enumerated() {
                let records = person.records.lazy.map { attendance.records[$0] }
                // An ID a person gave to another name (待核查 R6) is not this trainee's.
                let id = person.id ?? person.records.lazy.filter { !attendance.wrongID.contains($0) }
                    .compactMap { attendance.records[$0].id }.first
                let phone = records.lazy.compactMap(\.phone).first
                let place = records.first { $0.town != nil || $0.village != nil }
                var poor = "否", how = "", counted = ""
                if let match = registry.matches[p] {
                    poor = "是"
                    how = Self.matchLabel(match.match, settings: registry.settings)
                    counted = labor.contains(p) ? "是" : other.contains(p) ? "否（不属劳动力人口）" : "否（推定匹配未采信）"
                }
                try table.add([.int(p + 1), .string(person.name?.key), .string(privacy.id(id)), .string(privacy.phone(phone)),
                               .string(place?.town), .string(place?.village),
                               .int(person.sessions.count), .int(person.records.count),
                               .text(poor), .string(how), .string(counted),
                               .string(records.first.map { $0.provenance.description })])
            }
        }
    }

    /// How a trainee was found in the registry, and whether a probable match counts.
    static func matchLabel(_ match: PoorRegistry.Match, settings: PoorSettings) -> String {
        switch match {
        case .confirmed: return "身份证号确认"
        case .probable: return settings.acceptProbable ? "姓名+村推定（已采信）" : "姓名+村推定（未采信）"
        }
    }

    // MARK: 贫困人口培训清单

    private func poor() throws -> Rows {
        let attendance = evidence.attendance
        let registry = evidence.registry
        let sheet = try addSheet(Self.names.poor)
        let columns = [
            Column(title: "序号", width: 6), Column(title: "姓名", width: 10),
            Column(title: "证件号码", width: 21, style: Styles.idText), Column(title: "户编号", width: 16, style: Styles.idText),
            Column(title: "镇", width: 10), Column(title: "村", width: 12),
            Column(title: "劳动技能", width: 14), Column(title: "务工状况", width: 14),
            Column(title: "参训场次", width: 8), Column(title: "匹配方式", width: 14),
            Column(title: "首次签到来源", width: 36), Column(title: "建档立卡名单来源", width: 36),
        ]
        // Exactly the persons counted in the rate: evaluators count its rows.
        let table = try EvidenceTable(sheet, columns: columns, rows: registry.trainedLabor.count)
        return Rows(cells: table.announcedCells) {
            for (n, p) in registry.trainedLabor.enumerated() { try table.add(poorRow(n + 1, p)) }
        }
    }

    /// One registered-poor trainee as the poor lists show them.
    private func poorRow(_ number: Int, _ p: Int) -> [CellValue] {
        let attendance = evidence.attendance
        let registry = evidence.registry
        guard let match = registry.matches[p] else { return [] }
        let person = registry.people[match.registry]
        let trainee = attendance.persons[p]
        return [.int(number), .string(person.name?.key), .string(privacy.id(person.id)),
                .string(person.householdID.map(privacy.text)),
                .string(person.town?.description), .string(person.village?.description),
                .string(person.laborSkill), .string(person.workStatus),
                .int(trainee.sessions.count), .text(Self.matchLabel(match.match, settings: registry.settings)),
                .string(attendance.records[trainee.records[0]].provenance.description),
                .string(person.provenance.description)]
    }

    // MARK: 其他参训建档立卡人员

    /// Registered-poor trainees not counted in the rate: outside the labour population, or
    /// matched only by name and village without that being accepted.
    private func poorOther() throws -> Rows {
        let registry = evidence.registry
        let sheet = try addSheet(Self.names.poorOther)
        let counted = Set(registry.trainedLabor).union(registry.trainedOther)
        let unconfirmed = registry.matches.keys.filter { !counted.contains($0) }.sorted()
        let rows = registry.trainedOther.map { ($0, "不属于有劳动能力的贫困人口（按自评表的口径）") }
            + unconfirmed.map { ($0, "没有身份证号，仅按姓名和村推定，未采信") }
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "序号", width: 6), Column(title: "姓名", width: 10),
            Column(title: "证件号码", width: 21, style: Styles.idText), Column(title: "户编号", width: 16, style: Styles.idText),
            Column(title: "镇", width: 10), Column(title: "村", width: 12),
            Column(title: "劳动技能", width: 14), Column(title: "务工状况", width: 14),
            Column(title: "参训场次", width: 8), Column(title: "匹配方式", width: 14),
            Column(title: "首次签到来源", width: 36), Column(title: "建档立卡名单来源", width: 36),
            Column(title: "不计入培训率的原因", width: 30),
        ], rows: rows.count)
        return Rows(cells: table.announcedCells) {
            for (n, (p, reason)) in rows.enumerated() { try table.add(poorRow(n + 1, p) + [.text(reason)]) }
        }
    }

    // MARK: 站点覆盖

    private func coverage() throws -> Rows {
        let coverage = evidence.coverage
        let sheet = try addSheet(Self.names.coverage)
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "序号", width: 6), Column(title: "镇", width: 12), Column(title: "行政村", width: 14),
            Column(title: "省定贫困村", width: 9), Column(title: "站点数", width: 7), Column(title: "站点名称", width: 40),
            Column(title: "是否覆盖", width: 8),
        ] + Self.sourceColumns, rows: coverage.villages.count)
        return Rows(cells: table.announcedCells) {
            for (i, status) in coverage.villages.enumerated() {
                let names = status.stations.map { privacy.text(coverage.stations[$0].stationName) }.joined(separator: "、")
                try table.add([.int(i + 1), .text(status.village.town.description), .text(status.village.name.description),
                               .text(status.village.isPoor ? "是" : "否"), .int(status.stations.count), .string(names),
                               .text(status.covered ? "是" : "否")] + source(status.village.provenance))
            }
        }
    }

    // MARK: 未计入覆盖的站点

    /// Stations outside the coverage count, on a sheet of their own: its own column widths,
    /// and its own header repeated on each printed page.
    private func stationsApart() throws -> Rows {
        let coverage = evidence.coverage
        let sheet = try addSheet(Self.names.stationsApart)
        let rows = coverage.townLevelStations.map { ($0, "镇级站点或设在社区（居委会），不计入行政村覆盖") }
            + coverage.unmatchedStations.map { ($0, "无法对应到行政村清单：请核对镇名、村名，或在配置的别名表中写明") }
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "序号", width: 6), Column(title: "站点名称", width: 36), Column(title: "镇", width: 12),
            Column(title: "填写的村/社区", width: 20), Column(title: "不计入的原因", width: 44),
        ] + Self.sourceColumns, rows: rows.count)
        return Rows(cells: table.announcedCells) {
            for (n, (i, reason)) in rows.enumerated() {
                let station = coverage.stations[i]
                try table.add([.int(n + 1), .text(privacy.text(station.stationName)), .string(station.town?.description),
                               .string(station.village?.raw), .text(reason)] + source(station.provenance))
            }
        }
    }

    // MARK: 待核查

    private func reviews() throws -> Rows {
        let attendance = evidence.attendance
        let sheet = try addSheet(Self.names.reviews)
        // Open and confirmed links first, then those decided as different persons.
        let listed = attendance.reviews + attendance.separated
        let rows = listed.reduce(0) { $0 + $1.records.count }
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "核查编号", width: 8), Column(title: "规则", width: 20), Column(title: "原因", width: 60),
            Column(title: "姓名", width: 10), Column(title: "身份证号", width: 21, style: Styles.idText),
        ] + Self.sourceColumns + [Column(title: "核查结论", width: 30)], rows: rows)
        let rules = ["R3": "R3 同名同村无证件", "R4": "R4 身份证号丢位", "R5": "R5 繁简异体同手机",
                     "R6": "R6 一个身份证号多个姓名", "R7": "R7 多个姓名共用手机号"]
        return Rows(cells: table.announcedCells) {
            for (n, review) in listed.enumerated() {
                for index in review.records {
                    let record = attendance.records[index]
                    try table.add([.int(n + 1), .text(rules[review.rule] ?? review.rule), .text(privacy.text(review.reason)),
                                   .string(record.name?.key), .string(privacy.id(record.id))] + source(record.provenance)
                                  + [.text(Self.conclusion(review, record: record))])
                }
            }
            if listed.isEmpty { try table.line("（无）") }
        }
    }

    /// What was decided on a review link, per record: the evaluators see who merged or parted what.
    static func conclusion(_ review: Attendance.Review, record: SigninRecord) -> String {
        let key = "（\(review.key)）"
        switch (review.decision, review.rule) {
        case (nil, "R6"): return "待核查，暂按同一人计" + key
        case (nil, "R7"): return "待核查，按不同的人计" + key
        case (nil, _): return "待核查，未合并" + key
        case (.same?, "R6"): return "已人工确认为同一人" + key
        case (.same?, _): return "已人工确认为同一人，已合并计算" + key
        case (.different?, "R6"):
            return record.name?.key == review.idOwner
                ? "已人工确认不是同一人：身份证号归此人" + key
                : "已人工确认不是同一人：此行身份证号填错，未按此号比对，须在源表中改正" + key
        case (.different?, "R7"): return "已人工确认不是同一人（共用手机号），分开计算" + key
        case (.different?, _): return "已人工确认不是同一人，分开计算" + key
        }
    }

    // MARK: 数据问题

    static func severity(_ s: Finding.Severity) -> String {
        switch s {
        case .error: "错误"
        case .warning: "警告"
        case .note: "提示"
        }
    }

    private func findings() throws -> Rows {
        let sheet = try addSheet(Self.names.findings)
        let table = try EvidenceTable(sheet, columns: [
            Column(title: "序号", width: 7), Column(title: "严重程度", width: 8), Column(title: "代码", width: 22),
            Column(title: "说明", width: 70),
        ] + Self.sourceColumns + [Column(title: "列", width: 5)], rows: evidence.findings.count)
        return Rows(cells: table.announcedCells) {
            for (i, finding) in evidence.findings.enumerated() {
                let at = finding.provenance
                try table.add([.int(i + 1), .text(Self.severity(finding.severity)), .text(finding.code.rawValue),
                               .text(privacy.text(finding.advisedMessage))] + source(at)
                              + [at.column.map { .text(CellReference.columnName($0)) } ?? .empty])
            }
            if evidence.findings.isEmpty { try table.line("（未发现问题）") }
        }
    }
}
