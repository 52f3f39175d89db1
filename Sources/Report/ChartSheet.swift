import Roster
import SheetIO

/// 图表: the small tables the charts draw from, and three native charts beside them —
/// person-times by month, village coverage by town, score against maximum by section.
struct ChartSheet {
    static let name = "图表"

    let table: ScoreTable
    let evidence: Evidence

    /// Person-times per month (`2020-07`), sessions without a date last as 日期不明.
    static func personTimesByMonth(_ attendance: Attendance) -> [(String, Int)] {
        var byMonth: [String: Int] = [:]
        for (i, session) in attendance.sessions.enumerated() {
            let key = session.date.map { d in "\(d.year)-\(d.month < 10 ? "0" : "")\(d.month)" } ?? "日期不明"
            byMonth[key, default: 0] += attendance.personTimesBySession[i]
        }
        return byMonth.sorted { a, b in a.key == "日期不明" ? false : b.key == "日期不明" ? true : a.key < b.key }
            .map { ($0.key, $0.value) }
    }

    /// Per town, in list order: 行政村 and those with a station.
    static func coverageByTown(_ coverage: Coverage) -> [(String, Int, Int)] {
        var order: [String] = []
        var counts: [String: (Int, Int)] = [:]
        for status in coverage.villages {
            let town = status.village.town.description
            if counts[town] == nil { order.append(town); counts[town] = (0, 0) }
            counts[town]!.0 += 1
            if status.covered { counts[town]!.1 += 1 }
        }
        return order.map { ($0, counts[$0]!.0, counts[$0]!.1) }
    }

    /// Per scored or bonus section: score and maximum.
    static func scoreBySection(_ table: ScoreTable) -> [(String, Double, Double)] {
        table.sections.filter { $0.kind != .veto }.map { section in
            let score = section.rows.flatMap(\.leaves).reduce(0.0) { $0 + ($1.score ?? 0) }
            let max = section.points ?? section.rows.flatMap(\.leaves).reduce(0.0) { $0 + $1.max }
            return (IndexSheet.sectionLabel(section), score, max)
        }
    }

    func write(to writer: XLSXWriter) throws {
        let sheet = try writer.addSheet(Self.name)
        try sheet.setColumnWidth(0...0, width: 12)
        try sheet.setColumnWidth(1...1, width: 9)
        try sheet.setColumnWidth(3...3, width: 12)
        try sheet.setColumnWidth(4...5, width: 9)
        try sheet.setColumnWidth(7...7, width: 30)
        try sheet.setColumnWidth(8...9, width: 7)
        let header = Styles.evidenceHeader

        func cat(_ column: Int, _ count: Int) -> CellRange {
            CellRange(first: .init(row: 1, column: column), last: .init(row: max(count, 1), column: column))
        }

        let months = Self.personTimesByMonth(evidence.attendance)
        try sheet.write("月份", row: 0, column: 0, style: header)
        try sheet.write("培训人次", row: 0, column: 1, style: header)
        for (i, month) in months.enumerated() {
            try sheet.write(month.0, row: i + 1, column: 0)
            try sheet.write(Double(month.1), row: i + 1, column: 1)
        }

        let towns = Self.coverageByTown(evidence.coverage)
        for (c, title) in ["镇", "行政村数", "已建站点村数"].enumerated() {
            try sheet.write(title, row: 0, column: 3 + c, style: header)
        }
        for (i, town) in towns.enumerated() {
            try sheet.write(town.0, row: i + 1, column: 3)
            try sheet.write(Double(town.1), row: i + 1, column: 4)
            try sheet.write(Double(town.2), row: i + 1, column: 5)
        }

        let sections = Self.scoreBySection(table)
        for (c, title) in ["工作任务", "自评得分", "满分"].enumerated() {
            try sheet.write(title, row: 0, column: 7 + c, style: header)
        }
        for (i, section) in sections.enumerated() {
            try sheet.write(section.0, row: i + 1, column: 7)
            try sheet.write(section.1, row: i + 1, column: 8)
            try sheet.write(section.2, row: i + 1, column: 9)
        }

        try sheet.setupPrint(PrintSetup(footer: "&C图表　第 &P 页，共 &N 页"))
        let anchor = CellReference(row: 0, column: 11)
        if !months.isEmpty {
            try sheet.insertChart(Chart(kind: .column, title: "各月培训人次", series: [
                .init(name: "培训人次", sheet: Self.name, categories: cat(0, months.count), values: cat(1, months.count)),
            ], categoryAxisTitle: "月份", valueAxisTitle: "人次"), at: anchor, xScale: 1.4)
        }
        if !towns.isEmpty {
            try sheet.insertChart(Chart(kind: .column, title: "各镇行政村站点覆盖", series: [
                .init(name: "行政村数", sheet: Self.name, categories: cat(3, towns.count), values: cat(4, towns.count)),
                .init(name: "已建站点村数", sheet: Self.name, categories: cat(3, towns.count), values: cat(5, towns.count)),
            ], categoryAxisTitle: "镇", valueAxisTitle: "村数", legend: .bottom),
            at: CellReference(row: 16, column: 11), xScale: 1.4)
        }
        if !sections.isEmpty {
            try sheet.insertChart(Chart(kind: .bar, title: "各项工作任务得分与满分", series: [
                .init(name: "自评得分", sheet: Self.name, categories: cat(7, sections.count), values: cat(8, sections.count)),
                .init(name: "满分", sheet: Self.name, categories: cat(7, sections.count), values: cat(9, sections.count)),
            ], valueAxisTitle: "分", legend: .bottom), at: CellReference(row: 32, column: 11), xScale: 1.4, yScale: 1.2)
        }
    }
}
