/// Placeholder until the CSV reader lands.
final class CSVReader: WorkbookSource {
    let sheets: [SheetInfo] = []
    let uses1904 = false
    let encoding: TextEncoding = .utf8
    let delimiter: Character = ","
    let warnings: [String] = []
    init(path: String) throws {
        throw SheetError(.unsupportedFormat, file: path, message: "CSV 读取尚未实现")
    }
    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] { [] }
}
