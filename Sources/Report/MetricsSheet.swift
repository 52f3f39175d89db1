import SheetIO

/// 指标计算: every metric with its numerator, denominator and rate, the band each scored
/// item reached, and the definitions used. The index sheet's formulas read its rate cells.
struct MetricsSheet {
    static let name = "指标计算"
    /// Column of the value (rate or count) that formulas read.
    static let valueColumn = 5
    static let columns: [(String, Double)] = [
        ("序号", 5), ("指标键", 24), ("指标名称", 22), ("分子", 12), ("分母（已取基数/上限）", 14), ("比率/数值", 11),
        ("评分项", 22), ("达到档次", 20), ("得分", 7), ("满分", 7), ("临界", 7), ("说明", 44),
    ]

    let table: ScoreTable
    let extraDefinitions: [String]

    /// Where each metric's value cell is, decided before anything is written so the index
    /// sheet can refer to it.
    var rows: [String: Int] {
        var rows: [String: Int] = [:]
        var row = 2
        for metric in table.metrics {
            rows[metric.key] = row
            row += max(1, leaves(of: metric.key).count)
        }
        return rows
    }

    func leaves(of key: String) -> [ScoreTable.Leaf] {
        table.sections.flatMap { $0.rows.flatMap(\.leaves) }.filter { $0.metric == key }
    }

    /// `'指标计算'!$F$5`
    static func reference(row: Int) -> String {
        CellRange(first: CellReference(row: row, column: valueColumn), last: CellReference(row: row, column: valueColumn))
            .absoluteReference(sheet: name)
    }

    func write(to writer: XLSXWriter) throws {
        let sheet = try writer.addSheet(Self.name)
        let last = Self.columns.count - 1
        for (i, column) in Self.columns.enumerated() { try sheet.setColumnWidth(i...i, width: column.1) }
        try sheet.setRowHeight(0, height: 28)
        try sheet.merge(CellRange(first: .init(row: 0, column: 0), last: .init(row: 0, column: last)),
                        value: .text("指标计算（\(table.county)）"), style: Styles.title)
        try sheet.setRowHeight(1, height: 30)
        for (i, column) in Self.columns.enumerated() { try sheet.write(column.0, row: 1, column: i, style: Styles.header) }
        try sheet.freezePanes(rows: 2, columns: 3)

        let body = Styles.centered
        let near = { (style: CellStyle, flag: Bool) -> CellStyle in
            var s = style
            if flag { s.fill = Styles.nearFill }
            return s
        }
        var row = 2
        for (n, metric) in table.metrics.enumerated() {
            let leaves = leaves(of: metric.key)
            let span = max(1, leaves.count)
            let valueStyle = near(metric.isRate ? body.withNumberFormat("0.00%")
                                  : body.withNumberFormat(metric.value.map { $0 == $0.rounded() } ?? true ? "#,##0" : "#,##0.00"),
                                  metric.nearThreshold)
            let numberStyle = body.withNumberFormat("#,##0.##")
            for k in 0..<span {
                let r = row + k
                if k == 0 {
                    try sheet.write(Double(n + 1), row: r, column: 0, style: body)
                    try sheet.write(metric.key, row: r, column: 1, style: Styles.body)
                    try sheet.write(metric.label, row: r, column: 2, style: Styles.body)
                    try write(metric.numerator, sheet, r, 3, numberStyle)
                    try write(metric.denominator, sheet, r, 4, numberStyle)
                    if let value = metric.value {
                        // The full value is stored; the format shows two decimals.
                        try sheet.write(value, row: r, column: 5, style: valueStyle)
                    } else {
                        try sheet.write("缺", row: r, column: 5, style: body.filled(Styles.missingFill))
                    }
                    try sheet.write(metric.nearThreshold ? "临界" : "", row: r, column: 10, style: near(body, metric.nearThreshold))
                    try sheet.write(metric.note ?? "", row: r, column: 11, style: Styles.body)
                } else {
                    for c in [0, 1, 2, 3, 4, 5, 10, 11] { try sheet.write(.empty, row: r, column: c, style: body) }
                }
                if k < leaves.count {
                    let leaf = leaves[k]
                    try sheet.write("\(leaf.id) \(leaf.name)", row: r, column: 6, style: Styles.body)
                    try sheet.write(leaf.bandMet ?? "", row: r, column: 7, style: Styles.body)
                    if let score = leaf.score {
                        try sheet.write(score, row: r, column: 8, style: body)
                    } else {
                        try sheet.write("缺", row: r, column: 8, style: body.filled(Styles.missingFill))
                    }
                    try sheet.write(leaf.max, row: r, column: 9, style: body)
                } else {
                    for c in 6...9 { try sheet.write(.empty, row: r, column: c, style: body) }
                }
                var texts: [(String, Double)] = []
                if k == 0 { texts += [(metric.note ?? "", 44), (metric.label, 22), (metric.key, 24)] }
                if k < leaves.count { texts += [("\(leaves[k].id) \(leaves[k].name)", 22), (leaves[k].bandMet ?? "", 20)] }
                let lines = texts.map { TextLayout.lines($0.0, width: $0.1) }.max() ?? 1
                if lines > 1 { try sheet.setRowHeight(r, height: TextLayout.height(lines: lines)) }
            }
            row += span
        }

        row += 1
        try sheet.write("口径说明", row: row, column: 0, style: Styles.caption)
        row += 1
        let width = Self.columns.reduce(0) { $0 + $1.1 }
        for text in table.definitions + extraDefinitions {
            try sheet.setRowHeight(row, height: TextLayout.height(lines: TextLayout.lines(text, width: width)))
            try sheet.merge(CellRange(first: .init(row: row, column: 0), last: .init(row: row, column: last)),
                            value: .text(text), style: Styles.paragraph)
            row += 1
        }
        try sheet.setupPrint(PrintSetup(repeatRows: 1...1, margins: .init(left: 0.4, right: 0.4, top: 0.6, bottom: 0.6),
                                        footer: "&C第 &P 页，共 &N 页"))
    }

    private func write(_ value: Double?, _ sheet: WorksheetWriter, _ row: Int, _ column: Int, _ style: CellStyle) throws {
        if let value { try sheet.write(value, row: row, column: column, style: style) }
        else { try sheet.write(.empty, row: row, column: column, style: style) }
    }
}

extension CellStyle {
    func filled(_ color: UInt32) -> CellStyle {
        var copy = self
        copy.fill = color
        return copy
    }
}
