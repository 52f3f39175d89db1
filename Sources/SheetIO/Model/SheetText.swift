extension Sheet {
    /// The sheet as a grid of text by the conversion rules of `Cell.text`, positions kept:
    /// from row 1 and column A to the last non-empty row and column, every row the same
    /// width, and a merged range's value in its top-left cell only (some programs keep
    /// hidden values under a merge).
    public func textGrid() -> [[String]] {
        guard let used = summary.usedRange else { return [] }
        let width = used.last.column + 1
        var grid = [[String]](repeating: [String](repeating: "", count: width), count: used.last.row + 1)
        for row in rows {
            for cell in row.cells { grid[row.index][cell.column] = cell.text }
        }
        for range in mergedRanges where range.first.row < grid.count && range.first.column < width {
            for r in range.first.row...min(range.last.row, grid.count - 1) {
                for c in range.first.column...min(range.last.column, width - 1)
                where r != range.first.row || c != range.first.column {
                    grid[r][c] = ""
                }
            }
        }
        return grid
    }
}
