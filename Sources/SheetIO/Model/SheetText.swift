extension Sheet {
    /// Calls `body` with each row of the sheet as text by the conversion rules of `Cell.text`,
    /// positions kept: from row 1 and column A to the last non-empty row and column, every
    /// row the same width, and a merged range's value in its top-left cell only (some
    /// programs keep hidden values under a merge). Rows are made one at a time, so a lone
    /// cell at XFD1048576 costs time, not memory.
    public func forEachTextRow(_ body: ([String]) throws -> Void) rethrows {
        guard let used = summary.usedRange else { return }
        let width = used.last.column + 1
        let empty = [String](repeating: "", count: width)
        var next = 0
        for row in rows {
            while next < row.index {
                try body(empty)
                next += 1
            }
            var fields = empty
            for cell in row.cells where !isHiddenUnderMerge(row: row.index, column: cell.column) {
                fields[cell.column] = cell.text
            }
            try body(fields)
            next = row.index + 1
        }
    }

    /// The whole sheet as text rows (see `forEachTextRow`): for small sheets and tests.
    public func textGrid() -> [[String]] {
        var grid: [[String]] = []
        forEachTextRow { grid.append($0) }
        return grid
    }

    private func isHiddenUnderMerge(row: Int, column: Int) -> Bool {
        let ref = CellReference(row: row, column: column)
        return mergedRanges.contains { $0.contains(ref) && $0.first != ref }
    }
}
