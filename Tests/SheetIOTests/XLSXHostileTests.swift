import Testing
import TestSupport
@testable import SheetIO

/// Hand-built packages from Tests/Fixtures/make_hostile.py.
private enum HandBuilt {
    static func path(_ name: String) throws -> String { try TestSupport.fixture(name) }
}

/// Reads every sheet of a file to the end, returning the first error.
private func readAll(_ name: String) -> SheetError? {
    do {
        let workbook = try Workbook.open(try HandBuilt.path(name))
        for sheet in workbook.sheets { try workbook.forEachRow(in: sheet) { _ in } }
        return nil
    } catch let error as SheetError {
        return error
    } catch let failure as TestFailure {
        Issue.record("\(failure)")
        return nil
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

@Suite struct XLSXHostileTests {
    @Test(arguments: [
        ("truncated.xlsx", SheetError.Kind.corrupt, "不完整或已损坏"),
        ("zip_bomb.xlsx", .limitExceeded, "压缩炸弹"),
        ("entity_bomb.xlsx", .corrupt, "DOCTYPE"),
        ("million_columns.xlsx", .limitExceeded, "16384 列"),
        ("column_past_xfd.xlsx", .corrupt, "XFE1"),
        ("row_past_limit.xlsx", .limitExceeded, "1048576 行"),
        ("invalid_utf8.xlsx", .corrupt, "UTF-8"),
        ("bad_shared_index.xlsx", .corrupt, "共享字符串编号 7 不存在"),
        ("unclosed_tags.xlsx", .corrupt, "结束前中断"),
        ("huge_cell.xlsx", .limitExceeded, "32767"),
        ("plain_zip.xlsx", .unsupportedFormat, "普通压缩包"),
        ("web_page.xls", .unsupportedFormat, "网页（HTML）"),
        ("random_bytes.xlsx", .unsupportedFormat, "无法识别"),
    ])
    func endsInAClearError(file: String, kind: SheetError.Kind, phrase: String) throws {
        let error = try #require(readAll(file))
        #expect(error.kind == kind)
        #expect(error.description.contains(phrase), "\(error.description)")
        #expect(error.description.contains("文件「\(file)」"))
        #expect(error.advice != nil, "every error tells the clerk what to do")
    }

    /// 150 seeded mutations of valid XML parts: each read ends in rows or a SheetError,
    /// never a crash, a hang or another kind of error.
    @Test func damagedXMLNeverCrashes() throws {
        var outcomes = (read: 0, refused: 0)
        for n in 0..<150 {
            let name = "mutated/mutated_\(String(n + 1000).dropFirst()).xlsx"
            do {
                let workbook = try Workbook.open(try HandBuilt.path(name))
                for sheet in workbook.sheets {
                    _ = try workbook.read(sheet).textGrid()
                }
                outcomes.read += 1
            } catch let error as SheetError {
                #expect(!error.description.isEmpty)
                outcomes.refused += 1
            }
        }
        #expect(outcomes.refused > 50, "most damage must be noticed: \(outcomes)")
    }

    @Test func errorsNameSheetRowAndCell() throws {
        let error = try #require(readAll("bad_shared_index.xlsx"))
        #expect(error.sheet == "Sheet1")
        #expect(error.row == 0)
        #expect(error.cell == "A1")
    }

    @Test func validMinimalReads() throws {
        let workbook = try Workbook.open(try HandBuilt.path("valid_minimal.xlsx"))
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.rows.count == 1)
        #expect(sheet.cell(row: 0, column: 0)?.value == .text("姓名"))
    }
}

@Suite struct XLSXQuirkyXMLTests {
    let sheet: Sheet

    init() throws {
        let workbook = try Workbook.open(try HandBuilt.path("quirky.xlsx"))
        #expect(workbook.format == .xlsx)
        sheet = try workbook.read(workbook.sheets[0])
    }

    func text(_ ref: String) -> String? {
        let r = CellReference(ref)!
        return sheet.cell(row: r.row, column: r.column)?.text
    }

    @Test func referencesQuotesAndCDATA() {
        #expect(text("A1") == "  张三 & 李四  ", "xml:space preserve, a character reference and &amp;")
        #expect(text("C1") == "a<b>&c", "CDATA is taken literally")
        #expect(text("E3") == "<ok>", "a formula's cached string")
    }

    @Test func richTextJoinedAndPhoneticSkipped() {
        #expect(text("B1") == "乐昌市")
        #expect(text("D4") == "内联")
    }

    @Test func positionsWithoutReferences() {
        #expect(sheet.rows.map(\.index) == [0, 2, 3], "a row without r follows the previous one")
        #expect(sheet.rows[0].cells.map(\.column) == [0, 1, 2], "cells without r count on")
        #expect(sheet.rows[1].cells.map(\.column) == [1, 2, 3, 4])
    }

    @Test func escapesDecoded() {
        #expect(text("B3") == "tab\tend _x0041_ 😀", "_xHHHH_ escapes, _x005F_ and a surrogate pair")
    }

    @Test func typedValues() throws {
        #expect(text("C3") == "2020-07-15", "custom 年月日 format makes a date")
        #expect(sheet.cell(row: 2, column: 2)?.format.code == "yyyy\"年\"m\"月\"d\"日\"")
        #expect(text("D3") == "2020-07-15 08:30:00", "t=\"d\" ISO date")
        #expect(sheet.cell(row: 3, column: 1)?.value == .error("#N/A"))
        #expect(sheet.cell(row: 3, column: 2)?.value == .bool(false))
        let id = try #require(sheet.cell(row: 3, column: 0))
        #expect(id.exactInteger == "440281199001011234", "a whole 18-digit integer keeps its digits")
        #expect(id.format.isText)
        #expect(text("A4") == "440281199001011234")
    }

    @Test func mergedRangesAndUsedRange() {
        #expect(sheet.mergedRanges == [CellRange("A1:C1")!])
        #expect(sheet.summary.usedRange == CellRange("A1:E4"), "the <dimension> element is not trusted")
    }
}
