import Foundation
import SheetIO
import Testing
import TestSupport

/// `kaoping convert` of every sheet of every workbook Tests/Fixtures/make_fixtures.py makes
/// (openpyxl, XlsxWriter, LibreOffice; .xlsx and .xls), compared byte for byte with the CSV
/// that expected.json describes: what the producing program's own reader found in the file,
/// positions kept from A1, a merged range's value in its top-left cell only, RFC 4180 quoting
/// and CRLF. The reader's fast paths (plain cells read straight from the buffer, the sheet
/// inflated on a second thread) must give exactly what the XML says.
@Suite struct ConvertFixturesTests {
    static var workbooks: [String] {
        get throws {
            try Fixtures.expected.files.filter { $0.value.format == "xlsx" || $0.value.format == "xls" }.keys.sorted()
        }
    }

    @Test(arguments: try workbooks)
    func convertGivesWhatTheProducerWrote(_ name: String) throws {
        let workbook = try #require(try Fixtures.expected.files[name])
        let dir = try TestSupport.temporaryDirectory("convert-fixtures")
        for (index, sheet) in workbook.sheets.enumerated() {
            let out = dir.appendingPathComponent("\(index + 1).csv").path
            let result = try TestSupport.run(TestSupport.kaopingBinary.path,
                                             ["convert", try Fixtures.path(name), out, "--sheet", "\(index + 1)"])
            #expect(result.status == 0, "\(name) sheet \(index + 1): \(result.stderr)")
            let expected = try Self.csv(sheet)
            let written = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(written == Data(expected.text.utf8), "\(name) sheet \(index + 1) 「\(sheet.name)」 differs from expected.json")
            #expect(result.stderr.contains("工作表「\(sheet.name)」，\(expected.records) 行 × \(expected.width) 列（UTF-8）"),
                    "\(name): \(result.stderr)")
        }
    }

    /// The CSV of a sheet as expected.json describes it.
    static func csv(_ sheet: ExpectedSheet) throws -> (text: String, records: Int, width: Int) {
        var cells: [Int: [Int: String]] = [:]
        var records = 0
        var width = 0
        for (reference, cell) in sheet.cells {
            let at = try #require(CellReference(reference), "bad reference \(reference)")
            cells[at.row, default: [:]][at.column] = cell.text
            records = max(records, at.row + 1)
            width = max(width, at.column + 1)
        }
        let merged = try sheet.merged.map { try #require(CellRange($0), "bad range \($0)") }
        var text = ""
        for row in 0..<records {
            var fields = [String](repeating: "", count: width)
            for (column, value) in cells[row] ?? [:] where !merged.hides(row: row, column: column) {
                fields[column] = quoted(value)
            }
            text += fields.joined(separator: ",") + "\r\n"
        }
        return (text, records, width)
    }

    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
