/// Placeholder until the XLSX reader lands.
final class XLSXReader: WorkbookSource {
    let sheets: [SheetInfo] = []
    let uses1904 = false
    init(path: String) throws {
        throw SheetError(.unsupportedFormat, file: path, message: ".xlsx 读取尚未实现")
    }
    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] { [] }
}
