import SheetIO

/// 考评指标体系: the official table as evaluators read it, with 自评得分 filled. Computed
/// items are formulas over 指标计算 carrying the engine's score as their cached value, so a
/// spreadsheet that recalculates shows the same numbers as one that does not.
struct IndexSheet {
    static let name = "考评指标体系"
    /// 工作任务 | 名称 | 权重 | 指标解释 | 评分标准 | 评价方式及佐证材料 | 自评得分 | 说明
    static let widths: [Double] = [11, 10, 6, 34, 40, 32, 8, 24]
    static let scoreColumn = 6
    static let firstDataRow = 4

    let table: ScoreTable
    /// Row of each metric's value cell on 指标计算.
    let metricRows: [String: Int]

    /// One cell of 自评得分, as written.
    enum ScoreCell: Equatable {
        case number(Double)
        case formula(String, cached: Double)
        case text(String)
    }

    /// The score cell of a row and the note that explains it.
    func scoreCell(_ row: ScoreTable.Row, kind: ScoreTable.Kind) -> (cell: ScoreCell, note: [String], fill: UInt32?) {
        var notes: [String] = []
        var fill: UInt32?
        if kind == .veto {
            if let open = row.leaves.first(where: { $0.basis == .missing }) {
                return (.text("未判定"), ["缺：\(open.id) \(open.explanation)"], Styles.missingFill)
            }
            let triggered = row.leaves.contains { ($0.score ?? 0) != 0 }
            return (.text(triggered ? "是（一票否决）" : "否"), triggered ? ["已触发一票否决"] : [], triggered ? Styles.missingFill : nil)
        }
        var constant = 0.0
        var terms: [String] = []
        var total = 0.0
        for leaf in row.leaves {
            let metric = leaf.metric.flatMap { key in table.metrics.first { $0.key == key } }
            if leaf.basis == .missing || leaf.score == nil {
                notes.append("缺：\(leaf.id) \(leaf.name)\(leaf.explanation.isEmpty ? "" : "，" + leaf.explanation)")
                fill = Styles.missingFill
                continue
            }
            let score = leaf.score!
            total += score
            if leaf.nearThreshold {
                let shown = metric.flatMap { m in m.value.map { m.isRate ? Numbers.percent($0) : Numbers.plain($0) } }
                let reason = leaf.nearReason ?? "距档次线不足 0.5 个百分点"
                notes.append("临界：\(leaf.id) \(leaf.name)\(shown.map { " " + $0 } ?? "")，\(reason)；考评组可能复核，请逐条核对分子、分母所依据的记录")
                if fill == nil { fill = Styles.nearFill }
            }
            if leaf.overridden {
                notes.append("手工改分：\(leaf.id) \(leaf.name)")
                if fill == nil { fill = Styles.manualFill }
            }
            // Scoring gives bands only where they reproduce the score (a gate's judgment score included).
            if let bands = leaf.bands, let row = metricRows[bands.metric] {
                terms.append(Self.formula(bands, reference: MetricsSheet.reference(row: row)))
                notes.append("自动计算：\(leaf.id) 见「指标计算」第 \(row + 1) 行")
            } else {
                constant += score
                if leaf.basis == .computed && !leaf.overridden { notes.append("自动计算：\(leaf.id)") }
            }
        }
        if row.leaves.allSatisfy({ $0.basis == .missing || $0.score == nil }) && !row.leaves.isEmpty {
            return (.text("缺"), notes, Styles.missingFill)
        }
        if terms.isEmpty { return (.number(total), notes, fill) }
        var formula = "=" + terms.joined(separator: "+")
        if constant != 0 { formula += (constant < 0 ? "-" : "+") + Numbers.formula(abs(constant)) }
        return (.formula(formula, cached: total), notes, fill)
    }

    /// `IF(ref>=0.01,10,IF(ref>=0.008,8,IF(ref>=0.006,6,0)))`
    static func formula(_ bands: ScoreTable.Bands, reference: String) -> String {
        var text = Numbers.formula(bands.otherwise)
        for step in bands.steps.reversed() {
            text = "IF(\(reference)>=\(Numbers.formula(step.threshold)),\(Numbers.formula(step.points)),\(text))"
        }
        return text
    }

    static func sectionLabel(_ section: ScoreTable.Section) -> String {
        guard let points = section.points, points != 0, section.kind != .veto,
              !section.task.contains("分)"), !section.task.contains("分）") else { return section.task }
        return "\(section.task)（\(Numbers.plain(points))分）"
    }

    func write(to writer: XLSXWriter) throws {
        let sheet = try writer.addSheet(Self.name)
        for (i, width) in Self.widths.enumerated() { try sheet.setColumnWidth(i...i, width: width) }
        // 自评总分 follows the total row's SUM, so a score changed by hand changes it too.
        let totalRow = Self.firstDataRow + table.sections.filter { !$0.rows.isEmpty }.reduce(0) { $0 + $1.rows.count }
        try writeHeading(sheet, totalRow: totalRow)

        var row = Self.firstDataRow
        var pages = PageFill()
        var heights: [Int: Double] = [:]
        for section in table.sections where !section.rows.isEmpty {
            let first = row
            for item in section.rows {
                let height = try writeItem(item, kind: section.kind, row: row, sheet)
                heights[row] = height
                pages.add(row: row, height: height)
                row += 1
            }
            try mergeTask(section, rows: first..<row, pages: pages, heights: heights, sheet)
            try mergeContinuedItems(section, rows: first..<row, pages: pages, sheet)
        }

        precondition(row == totalRow, "the subtitle's formula names the total row")
        try writeTotal(row: row, sheet)
        try sheet.freezePanes(rows: Self.firstDataRow)
        try sheet.setPageBreaks(beforeRows: pages.breaks)
        try sheet.setupPrint(PrintSetup(repeatRows: 2...3, margins: .init(left: 0.3, right: 0.3, top: 0.5, bottom: 0.5),
                                        footer: "&C第 &P 页，共 &N 页"))
        sheet.activate()
    }

    private static func range(_ r1: Int, _ c1: Int, _ r2: Int, _ c2: Int) -> CellRange {
        CellRange(first: CellReference(row: r1, column: c1), last: CellReference(row: r2, column: c2))
    }

    /// The title, the subtitle with 自评总分, and the two header rows.
    private func writeHeading(_ sheet: WorksheetWriter, totalRow: Int) throws {
        let last = Self.widths.count - 1
        let range = Self.range
        try sheet.setRowHeight(0, height: 32)
        try sheet.merge(range(0, 0, 0, last), value: .text(table.title), style: Styles.title)
        try sheet.setRowHeight(1, height: 20)
        let veto = table.veto ? "　　已触发一票否决" : ""
        let totalCell = CellReference(row: totalRow, column: Self.scoreColumn).description
        let prefix = "县（市、区）：\(table.county)　　自评总分："
        try sheet.merge(range(1, 0, 1, last), value: .text(""), style: Styles.subtitle)
        try sheet.writeFormula("=\"\(prefix)\"&\(totalCell)&\" 分\(veto)\"",
                               cachedText: "\(prefix)\(Numbers.plain(table.total)) 分\(veto)", row: 1, column: 0, style: Styles.subtitle)
        try sheet.setRowHeight(2, height: 20)
        try sheet.setRowHeight(3, height: 30)
        try sheet.merge(range(2, 0, 3, 0), value: .text("工作任务"), style: Styles.header)
        try sheet.merge(range(2, 1, 2, 2), value: .text("评价指标"), style: Styles.header)
        try sheet.write("名称", row: 3, column: 1, style: Styles.header)
        try sheet.write("权重\n(%)", row: 3, column: 2, style: Styles.header)
        for (column, title) in [(3, "指标解释"), (4, "评分标准"), (5, "评价方式及佐证材料"), (6, "自评得分"), (7, "说明")] {
            try sheet.merge(range(2, column, 3, column), value: .text(title), style: Styles.header)
        }
    }

    /// One item's row: its texts, its 自评得分 cell and the note; returns the row's height.
    private func writeItem(_ item: ScoreTable.Row, kind: ScoreTable.Kind, row: Int, _ sheet: WorksheetWriter) throws -> Double {
        let (cell, notes, fill) = scoreCell(item, kind: kind)
        let note = notes.joined(separator: "\n")
        let lines = [(item.name, 1), (item.explanation, 3), (item.criterion, 4), (item.evidence, 5)]
            .map { TextLayout.lines($0.0, width: Self.widths[$0.1]) }
            + [TextLayout.lines(note, width: Self.widths[7], fontScale: 0.9)]
        let height = TextLayout.height(lines: lines.max() ?? 1)
        try sheet.setRowHeight(row, height: height)
        // 名称 and 权重 are merged over continued rows below; these are their borders.
        try sheet.write(.string(item.name), row: row, column: 1, style: Styles.centered)
        try sheet.write(item.weight.map { .number($0) } ?? .empty, row: row, column: 2, style: Styles.centered)
        try sheet.write(.string(item.explanation), row: row, column: 3, style: Styles.body)
        try sheet.write(.string(item.criterion), row: row, column: 4, style: Styles.body)
        try sheet.write(.string(item.evidence), row: row, column: 5, style: Styles.body)
        let scoreStyle = fill.map { Styles.score.filled($0) } ?? Styles.score
        switch cell {
        case .number(let value): try sheet.write(value, row: row, column: Self.scoreColumn, style: scoreStyle)
        case .formula(let formula, let cached):
            try sheet.writeFormula(formula, cachedValue: cached, row: row, column: Self.scoreColumn, style: scoreStyle)
        case .text(let text): try sheet.write(text, row: row, column: Self.scoreColumn, style: scoreStyle)
        }
        try sheet.write(.string(note), row: row, column: 7, style: fill.map { Styles.note.filled($0) } ?? Styles.note)
        return height
    }

    /// The 工作任务 cell, merged over the section's rows on each printed page, so a section
    /// split by a page break shows its task on both pages.
    private func mergeTask(_ section: ScoreTable.Section, rows: Range<Int>, pages: PageFill, heights: [Int: Double],
                           _ sheet: WorksheetWriter) throws {
        let label = Self.sectionLabel(section)
        for (k, piece) in pages.pieces(rows).enumerated() {
            let text = k == 0 ? label : label + "（续）"
            // Rows too short for the task's text: the last one grows (an error of a few
            // points in the page estimate, against a clipped label).
            let needed = TextLayout.height(lines: TextLayout.lines(text, width: Self.widths[0]))
            let have = piece.reduce(0.0) { $0 + (heights[$1] ?? 0) }
            if have < needed {
                let last = piece.upperBound - 1
                try sheet.setRowHeight(last, height: (heights[last] ?? 0) + needed - have)
            }
            try sheet.merge(Self.range(piece.lowerBound, 0, piece.upperBound - 1, 0), value: .text(text), style: Styles.task)
        }
    }

    /// 名称 and 权重 merged over an item's continued rows, per printed page.
    private func mergeContinuedItems(_ section: ScoreTable.Section, rows: Range<Int>, pages: PageFill,
                                     _ sheet: WorksheetWriter) throws {
        let first = rows.lowerBound
        var start = first
        while start < rows.upperBound {
            var end = start + 1
            while end < rows.upperBound, section.rows[end - first].continuesPrevious { end += 1 }
            let item = section.rows[start - first]
            for piece in pages.pieces(start..<end) where piece.count > 1 {
                try sheet.merge(Self.range(piece.lowerBound, 1, piece.upperBound - 1, 1), value: .string(item.name), style: Styles.centered)
                try sheet.merge(Self.range(piece.lowerBound, 2, piece.upperBound - 1, 2),
                                value: item.weight.map { .number($0) } ?? .empty, style: Styles.centered)
            }
            start = end
        }
    }

    /// Total: a SUM over the score cells, whose cached value is the engine's total, and the
    /// legend below it.
    private func writeTotal(row: Int, _ sheet: WorksheetWriter) throws {
        try sheet.setRowHeight(row, height: 24)
        try sheet.merge(Self.range(row, 0, row, 5), value: .text("合计得分"), style: Styles.score)
        let cells = Self.range(Self.firstDataRow, Self.scoreColumn, max(row - 1, Self.firstDataRow), Self.scoreColumn)
        // The engine's total is the sum of the scored and bonus leaves, so the SUM formula holds it.
        try sheet.writeFormula("=SUM(\(cells.absoluteReference()))", cachedValue: table.total,
                               row: row, column: Self.scoreColumn, style: Styles.score)
        let totalNote = table.veto ? "已触发一票否决" : ""
        try sheet.write(totalNote, row: row, column: 7, style: Styles.note)

        try sheet.write("说明：自评得分中带公式的项目由「指标计算」表自动计算；黄色为临界项（距档次线不足 0.5 个百分点），橙色为缺少数据的项目，蓝色为手工改分的计算项。",
                        row: row + 2, column: 0, style: CellStyle(fontName: Styles.font, fontSize: 9))
    }
}

/// Where printed pages of the index sheet break: A4 landscape at the fit-to-width scale, with
/// the two header rows repeated on every page. Rows are placed greedily; a break is set
/// before the row that no longer fits, since Excel and LibreOffice would otherwise choose it
/// from their own row heights.
struct PageFill {
    private(set) var breaks: [Int] = []
    private var used: Double
    private let page: Double
    private let header = 50.0

    init(widths: [Double] = IndexSheet.widths) {
        // Column widths in pixels as Excel lays them out (7 per character plus 5), in points.
        let sheetWidth = widths.reduce(0) { $0 + ($1 * 7 + 5) * 0.75 }
        let scale = min(1, (842 - 2 * 0.3 * 72) / sheetWidth)
        // A4's height less the margins, in the sheet's points, with slack for rounding.
        page = (595 - 2 * 0.5 * 72) / scale * 0.93
        used = 52 + header    // the title rows on the first page
    }

    mutating func add(row: Int, height: Double) {
        if used + height > page && used > header {
            breaks.append(row)
            used = header
        }
        used += height
    }

    /// The rows split at the page breaks.
    func pieces(_ rows: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = rows.lowerBound
        for b in breaks where b > rows.lowerBound && b < rows.upperBound {
            pieces.append(start..<b)
            start = b
        }
        pieces.append(start..<rows.upperBound)
        return pieces
    }
}
