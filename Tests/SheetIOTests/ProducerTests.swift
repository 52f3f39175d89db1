import Testing
import TestSupport
@testable import SheetIO

/// The same sign-in sheet as openpyxl, XlsxWriter and LibreOffice write it
/// (Tests/Fixtures/make_fixtures.py), read back cell by cell.
@Suite struct ProducerTests {
    /// Expected text and kind of every cell every producer keeps.
    static let common: [(String, String, String)] = [
        ("A1", "乐昌市农村电商培训签到表", "text"), ("B2", "姓名", "text"), ("F2", "培训日期", "text"),
        ("A3", "1", "number"), ("B3", "张三", "text"), ("D3", "44028119900101123X", "text"),
        ("E3", "13812345678", "number"), ("F3", "2020-07-15", "date"),
        ("D4", "440281199001011234", "text"), ("E4", "13912345678", "text"), ("F4", "2020-07-15 09:30:00", "date"),
        ("D5", "440281199001011000", "number"), ("E5", "0.1", "number"), ("F5", "2020-07-16", "date"),
        ("H6", "-3.5", "number"), ("I6", "08:30:00", "date"),
        ("A8", "乐昌市", "text"), ("B8", "  两端空格\n换行  ", "text"),
    ]

    static func kind(_ value: CellValue) -> String {
        switch value {
        case .empty: return "empty"
        case .text: return "text"
        case .number: return "number"
        case .bool: return "bool"
        case .date: return "date"
        case .error: return "error"
        }
    }

    static func load(_ name: String) throws -> (Workbook, Sheet) {
        let workbook = try Workbook.open(try TestSupport.fixture(name))
        return (workbook, try workbook.read(workbook.sheets[0]))
    }

    static func check(_ sheet: Sheet, _ ref: String, _ text: String?, _ kind: String? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let r = CellReference(ref)!
        let cell = sheet.cell(row: r.row, column: r.column)
        #expect(cell?.text == text, "\(ref)", sourceLocation: sourceLocation)
        if let kind, let cell { #expect(ProducerTests.kind(cell.value) == kind, "\(ref)", sourceLocation: sourceLocation) }
    }

    @Test(arguments: ["openpyxl.xlsx", "xlsxwriter.xlsx", "xlsxwriter_inline.xlsx", "lo_openpyxl.xlsx",
                      "lo_xlsxwriter.xlsx", "lo_openpyxl.xls", "lo_xlsxwriter.xls"])
    func commonCells(file: String) throws {
        let (workbook, sheet) = try Self.load(file)
        #expect(workbook.sheets.map(\.name) == ["签到表", "隐藏"])
        #expect(workbook.format == (file.hasSuffix(".xls") ? .xls : .xlsx))
        for (ref, text, kind) in Self.common { Self.check(sheet, ref, text, kind) }
        let hidden = try workbook.read(workbook.sheets[1])
        #expect(hidden.cell(row: 0, column: 0)?.text == "隐藏内容")
    }

    @Test(arguments: ["openpyxl.xlsx", "xlsxwriter.xlsx", "xlsxwriter_inline.xlsx", "lo_openpyxl.xlsx", "lo_xlsxwriter.xlsx"])
    func xlsxOnlyFeatures(file: String) throws {
        let (workbook, sheet) = try Self.load(file)
        #expect(workbook.sheets[1].visibility == .hidden)
        #expect(sheet.mergedRanges == [CellRange("A1:F1")!])
        Self.check(sheet, "G6", "TRUE", "bool")
        Self.check(sheet, "J6", "#N/A", "error")
        #expect(sheet.cell(row: 4, column: 5)?.format.code.contains("年") == true, "the CJK date format is kept")
        #expect(sheet.cell(row: 2, column: 4)?.format.isDateTime == false)
    }

    @Test func formulasKeepTheirCachedValues() throws {
        for file in ["xlsxwriter.xlsx", "lo_openpyxl.xlsx", "lo_xlsxwriter.xlsx"] {
            Self.check(try Self.load(file).1, "A7", "3", "number")
        }
        // openpyxl stores no cached value: the cell has nothing to show.
        Self.check(try Self.load("openpyxl.xlsx").1, "A7", nil)
    }

    @Test func theLastColumn() throws {
        for file in ["openpyxl.xlsx", "xlsxwriter.xlsx", "xlsxwriter_inline.xlsx"] {
            let sheet = try Self.load(file).1
            Self.check(sheet, "XFD9", "最后一列", "text")
            #expect(sheet.summary.usedRange == CellRange("A1:XFD9"))
        }
    }

    @Test(arguments: ["openpyxl_1904.xlsx", "xlsxwriter_1904.xlsx"])
    func dateSystem1904(file: String) throws {
        let (workbook, sheet) = try Self.load(file)
        #expect(workbook.uses1904)
        Self.check(sheet, "A1", "2020-07-15", "date")
        Self.check(sheet, "A2", "1904-01-02 12:00:00", "date")
    }

    @Test func constantMemoryInlineStrings() throws {
        let (_, sheet) = try Self.load("xlsxwriter_constant.xlsx")
        #expect(sheet.rows.count == 500)
        Self.check(sheet, "B500", "学员500", "text")
        Self.check(sheet, "C1", "2020-01-01", "date")
        Self.check(sheet, "C500", "2021-05-14", "date")
    }

    @Test func renamedXLSIsReadByContent() throws {
        let (workbook, sheet) = try Self.load("xls_renamed.xlsx")
        #expect(workbook.format == .xls)
        #expect(workbook.warnings.count == 1)
        #expect(workbook.warnings.first?.description.contains("扩展名为 .xlsx，但内容是旧版 Excel（.xls）") == true)
        Self.check(sheet, "B3", "张三")
    }

    @Test func encryptedWorkbookIsRefusedClearly() throws {
        let error = try #require(throws: SheetError.self) { try Workbook.open(try TestSupport.fixture("encrypted.xlsx")) }
        #expect(error.kind == .encrypted)
        #expect(error.description.contains("密码"))
    }
}
