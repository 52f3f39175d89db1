import SheetIO

/// One column of an evidence table.
struct Column {
    var title: String
    var width: Double
    /// The style of the data cells: `.text` for IDs and phones, a number format for counts.
    var style: CellStyle? = nil
}

/// Writes an evidence table top to bottom, so it works on a constant-memory sheet: header in
/// row 0, frozen, with an autofilter over the rows announced up front (libxlsxwriter accepts
/// both before the rows exist, never after). Further parts go below with their own caption
/// and header.
final class EvidenceTable {
    let sheet: WorksheetWriter
    private(set) var row = 0
    private var columns: [Column]
    /// The cells the rows announced up front will take: how much work the sheet is.
    let announcedCells: Int

    init(_ sheet: WorksheetWriter, columns: [Column], rows: Int) throws {
        self.sheet = sheet
        self.columns = columns
        announcedCells = rows * columns.count
        for (i, column) in columns.enumerated() {
            try sheet.setColumnWidth(i...i, width: column.width)
        }
        try sheet.freezePanes(rows: 1)
        // Printed one page wide with the header on every page; settings, not cells, so a
        // constant-memory sheet takes them before its rows.
        try sheet.setupPrint(PrintSetup(repeatRows: 0...0, margins: .init(left: 0.4, right: 0.4, top: 0.6, bottom: 0.6),
                                        footer: "&C\(sheet.name)　第 &P 页，共 &N 页"))
        try sheet.autofilter(CellRange(first: CellReference(row: 0, column: 0),
                                       last: CellReference(row: max(rows, 1), column: columns.count - 1)))
        try writeHeader()
    }

    private func writeHeader() throws {
        try sheet.setRowHeight(row, height: 30)
        for (i, column) in columns.enumerated() {
            try sheet.write(column.title, row: row, column: i, style: Styles.evidenceHeader)
        }
        row += 1
    }

    /// Writes one data row; values beyond the columns are ignored, missing ones left empty.
    func add(_ values: [CellValue]) throws {
        for (i, value) in values.enumerated() where i < columns.count {
            if case .empty = value { continue }
            try sheet.write(value, row: row, column: i, style: columns[i].style)
        }
        row += 1
    }

    /// Starts another part below: an empty row, a caption, and a header of its own.
    func part(_ caption: String, columns: [Column]? = nil) throws {
        row += 1
        try sheet.write(caption, row: row, column: 0, style: Styles.caption)
        row += 1
        if let columns { self.columns = columns }
        try writeHeader()
    }

    /// A line of text below the table (an explanation, "无").
    func line(_ text: String) throws {
        try sheet.write(text, row: row, column: 0)
        row += 1
    }
}

extension CellValue {
    /// Text, or an empty cell for empty text.
    static func string(_ text: String?) -> CellValue {
        guard let text, !text.isEmpty else { return .empty }
        return .text(text)
    }

    static func int(_ value: Int) -> CellValue { .number(Double(value)) }
}
