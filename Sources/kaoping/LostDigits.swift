import Roster
import SheetIO

/// Long numbers Excel kept as numbers, found while a sheet is converted: an ID column stored
/// as numbers has lost every digit past the fifteenth, and the converted file would carry
/// `441823199212193000` as if it were an ID. Warned the way Roster warns (DESIGN §2).
struct LostDigits {
    private(set) var byColumn: [Int: (count: Int, firstRow: Int, masked: String)] = [:]

    /// Looks at one row (converters that stream call this per row).
    mutating func inspect(_ row: Row) {
        for cell in row.cells {
            // Below 2^53 a Double holds every digit (a 16-digit 户编号 stays exact).
            guard case .number(let value) = cell.value, abs(value) >= 9_007_199_254_740_992,
                  let id = IDNumber(cell: cell), id.status == .precisionLost else { continue }
            let known = byColumn[cell.column]
            byColumn[cell.column] = (count: (known?.count ?? 0) + 1, firstRow: known?.firstRow ?? row.index,
                                     masked: known?.masked ?? id.masked)
        }
    }

    /// One Chinese line per column, naming the file, sheet, column and first row.
    func warnings(file: String, sheet: String) -> [String] {
        let name = DisplayPath.fileName(file)
        return byColumn.keys.sorted().map { column in
            let (count, firstRow, masked) = byColumn[column]!
            return "注意：\(name)「\(sheet)」\(CellReference.columnName(column)) 列有 \(count) 个长数字（如身份证号）已被 Excel 当作数字保存（如第 \(firstRow + 1) 行 \(masked)），"
                + "15 位以后的数字已丢失，转换结果中的这些号码不能用于比对；请在原表中把该列设为“文本”格式后重新录入"
        }
    }
}
