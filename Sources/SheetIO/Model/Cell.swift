/// The value of one spreadsheet cell, whatever format it came from.
public enum CellValue: Hashable, Sendable {
    case empty
    case text(String)
    case number(Double)
    case bool(Bool)
    /// A number shown with a date or time format (or an ISO date cell), as components.
    case date(LocalDateTime)
    /// An error value as written in the file, such as `#N/A`.
    case error(String)
}

/// One non-empty cell of a row.
public struct Cell: Hashable, Sendable {
    /// Zero-based column index (A = 0).
    public var column: Int
    public var value: CellValue
    /// The cell's number format; `.general` when the file gives none.
    public var format: NumberFormat
    /// The integer exactly as the file wrote it, kept only when it has more digits than a
    /// Double holds (some programs write `<v>440281199001011234</v>`): an ID number that
    /// would otherwise lose its last digits can still be recovered from here.
    public var exactInteger: String?

    public init(column: Int, value: CellValue, format: NumberFormat = .general,
                exactInteger: String? = nil) {
        self.column = column
        self.value = value
        self.format = format
        self.exactInteger = exactInteger
    }

    /// The cell's reference in A1 style, given its zero-based row.
    public func reference(row: Int) -> String { CellReference(row: row, column: column).description }
}

/// One row of a sheet: its position and its non-empty cells in column order.
public struct Row: Sendable {
    /// Zero-based row index as in the file (row 1 = 0).
    public var index: Int
    public var cells: [Cell]

    public init(index: Int, cells: [Cell]) {
        self.index = index
        self.cells = cells
    }

    /// The cell in a zero-based column, if that column holds a value.
    public subscript(column: Int) -> Cell? {
        // Cells are few and sorted; a linear scan beats bookkeeping for sign-in sized rows.
        for cell in cells where cell.column >= column {
            return cell.column == column ? cell : nil
        }
        return nil
    }

    /// One past the last non-empty column, or 0 for a row with no cells.
    public var width: Int { (cells.last?.column ?? -1) + 1 }
}
