import Foundation
import Testing
import TestSupport
@testable import SheetIO

@Suite struct CSVTests {
    static let expected: [[String]] = [
        ["序号", "姓名", "身份证号", "备注"], ["1", "张三", "44028119900101123X", "第一行"],
        ["2", "李四", "", "身份证号为空"], ["3", "买买提·吐尔逊", "650101198808081237", "含逗号,和\"引号\""],
        ["4", "王五", "440281199001011234", "多行\n备注"],
    ]

    @Test(arguments: [
        ("csv_utf8.csv", TextEncoding.utf8, Character(",")), ("csv_utf8_bom.csv", .utf8BOM, ","),
        ("csv_gb18030.csv", .gb18030, ","), ("csv_utf16le.csv", .utf16LE, ","), ("csv_utf16be.csv", .utf16BE, ","),
        ("csv_tab.txt", .utf8, "\t"), ("csv_semicolon.csv", .utf8, ";"),
    ])
    func everyEncodingAndDelimiter(file: String, encoding: TextEncoding, delimiter: Character) throws {
        let workbook = try Workbook.open(try TestSupport.fixture(file))
        #expect(workbook.format == .csv)
        #expect(workbook.textEncoding == encoding)
        #expect(workbook.delimiter == delimiter)
        #expect(workbook.warnings.contains { $0.contains("GB18030") } == (encoding == .gb18030))
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.textGrid() == Self.expected)
        // Every field stays text: ID numbers never become numbers.
        #expect(sheet.rows.allSatisfy { $0.cells.allSatisfy { if case .text = $0.value { true } else { false } } })
    }

    @Test func rowNumbersFollowTheFile() throws {
        let workbook = try Workbook.open(try TestSupport.fixture("csv_lf_blank_lines.csv"))
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.rows.map(\.index) == [0, 2, 3, 5], "blank lines are skipped but keep their numbers")
        #expect(sheet.cell(row: 5, column: 1)?.text == "13912345678")
    }

    @Test func recordsWithEmbeddedNewlinesCountOnce() throws {
        let sheet = try Workbook.open(try TestSupport.fixture("csv_utf8.csv")).read(SheetInfo(index: 0, name: "csv_utf8"))
        #expect(sheet.rows.map(\.index) == [0, 1, 2, 3, 4])
    }

    @Test(arguments: [
        ("csv_bad_bytes.csv", SheetError.Kind.badEncoding, "既不是 UTF-8 也不是 GB18030"),
        ("csv_unterminated.csv", .corrupt, "没有闭合"),
        ("csv_wide.csv", .limitExceeded, "16384 列"),
        ("csv_huge_field.csv", .limitExceeded, "32767"),
        ("csv_binary.csv", .badEncoding, "字节"),
    ])
    func malformedEndsInAnError(file: String, kind: SheetError.Kind, phrase: String) throws {
        let error = try #require(throws: SheetError.self) {
            let workbook = try Workbook.open(try TestSupport.fixture(file))
            try workbook.forEachRow(in: workbook.sheets[0]) { _ in }
        }
        #expect(error.kind == kind)
        #expect(error.description.contains(phrase), "\(error)")
        #expect(error.advice != nil)
    }

    @Test func unterminatedQuoteNamesTheRowWhereItOpened() throws {
        let error = try #require(throws: SheetError.self) {
            let workbook = try Workbook.open(try TestSupport.fixture("csv_unterminated.csv"))
            try workbook.forEachRow(in: workbook.sheets[0]) { _ in }
        }
        #expect(error.row == 1)
        #expect(error.description.contains("第 2 行"))
    }

    @Test(arguments: [TextEncoding.utf8, .utf8BOM, .gb18030])
    func writerQuotesOnlyWhenNeededAndRoundTrips(encoding: TextEncoding) throws {
        let dir = try TestSupport.temporaryDirectory("csv-writer")
        let file = dir.appendingPathComponent("out.csv").path
        let writer = try CSVWriter(path: file, encoding: encoding)
        let rows = [["姓名", "备注", "数字"], ["张三", "有,逗号", "1"], ["李四", "有\"引号\"", ""], ["王五", "两\n行", "2.5"]]
        for row in rows { try writer.write(row) }
        try writer.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let utf8Body = "姓名,备注,数字\r\n张三,\"有,逗号\",1\r\n李四,\"有\"\"引号\"\"\",\r\n王五,\"两\n行\",2.5\r\n"
        switch encoding {
        case .utf8: #expect(bytes == Data(utf8Body.utf8))
        case .utf8BOM: #expect(bytes == Data([0xEF, 0xBB, 0xBF] + Array(utf8Body.utf8)))
        default: #expect(bytes.prefix(4) == Data([0xD0, 0xD5, 0xC3, 0xFB]), "姓名 in GB18030")
        }
        let back = try Workbook.open(file)
        #expect(back.textEncoding == encoding)
        #expect(try back.read(back.sheets[0]).textGrid() == rows)
    }
}
