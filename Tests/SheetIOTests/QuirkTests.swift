import Foundation
import Testing
import TestSupport
@testable import SheetIO

/// What real producers write, and what fuzzing found (issue 12 §3): hand-built files from
/// Tests/Fixtures/make_hostile.py, where no program here writes them.
@Suite struct QuirkTests {
    func grid(_ name: String) throws -> [[String]] {
        let workbook = try Workbook.open(try TestSupport.fixture(name))
        return try workbook.read(workbook.sheets[0]).textGrid()
    }

    func failure(_ name: String) throws -> SheetError {
        do {
            let workbook = try Workbook.open(try TestSupport.fixture(name))
            for sheet in workbook.sheets { try workbook.forEachRow(in: sheet) { _ in } }
        } catch let error as SheetError {
            return error
        }
        throw TestFailure("\(name) was read without an error")
    }

    @Test func backslashEntryNamesAreTheSameParts() throws {
        #expect(try grid("backslash_names.xlsx") == [["姓名", "7"]])
    }

    @Test func textWithoutPreserveIsTrimmedAsExcelDoes() throws {
        // "  张三 " trimmed; preserved " 李四 " kept; rich runs trimmed each unless preserved;
        // an inline string likewise; a string of spaces alone becomes an empty cell.
        #expect(try grid("untrimmed_text.xlsx") == [["张三", "  李四 ", "乐昌 市", "内联", " 留 "]])
    }

    @Test func inlineStringIgnoresAStrayValue() throws {
        #expect(try grid("inline_with_v.xlsx") == [["内联"]])
    }

    @Test(arguments: [
        ("empty_file.xlsx", SheetError.Kind.corrupt, "0 字节"),
        ("ole_prefix.xls", .corrupt, "只有 5 字节"),
        ("missing_workbook_rels.xlsx", .corrupt, "xl/_rels/workbook.xml.rels"),
        ("dangling_sheet_rid.xlsx", .corrupt, "rId9"),
        ("empty_sheet_part.xlsx", .corrupt, "是空的"),
        ("duplicate_entries.xlsx", .corrupt, "两个同名部件"),
        ("forbidden_char_ref.xlsx", .corrupt, "&#x7;"),
        ("forbidden_char_ref_fffe.xlsx", .corrupt, "&#xFFFE;"),
        ("too_many_rows.csv", .limitExceeded, "1048576 行"),
    ])
    func brokenFilesAreErrors(file: String, kind: SheetError.Kind, phrase: String) throws {
        let error = try failure(file)
        #expect(error.kind == kind)
        #expect(error.description.contains(phrase), "\(error.description)")
        #expect(error.advice != nil)
    }

    @Test func utf32LittleEndianIsNotReadAsUTF16() throws {
        let workbook = try Workbook.open(try TestSupport.fixture("utf32le.csv"))
        #expect(workbook.textEncoding == .utf32LE)
        #expect(try workbook.read(workbook.sheets[0]).textGrid() == [["姓名", "电话"], ["张三", "13800138000"]])
    }

    @Test func anOLESignatureIsNeverText() {
        #expect(FormatDetector.classify([0xD0, 0xCF, 0x11]) == .truncated)
        #expect(FormatDetector.classify([0xD0, 0xCF, 0x11, 0xE0, 0x41, 0x42, 0x43, 0x44, 0x45]) == .compoundFile)
        #expect(FormatDetector.classify(FormatDetector.compoundFileSignature) == .compoundFile)
    }
}

/// `Workbook.rows(in:)`: the head kept, the rest pulled, a second pass read again.
@Suite struct SheetStreamTests {
    func csv(_ text: String) throws -> String {
        let dir = try TestSupport.temporaryDirectory("stream")
        let path = dir.appendingPathComponent("rows.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func headThenTheRestInOrderTwice() throws {
        let path = try csv((0..<5000).map { "a\($0),b\($0)" }.joined(separator: "\n"))
        let workbook = try Workbook.open(path)
        let stream = try workbook.rows(in: workbook.sheets[0], headDepth: 20, headCells: 0)
        #expect(stream.head.count == 21, "rows 1–20 and the first after them")
        #expect(!stream.headIsWholeSheet)
        let first = stream.rows.map(\.index)
        #expect(first == Array(0..<5000))
        // A second pass past the head reads the file again rather than losing rows.
        #expect(stream.rows.map(\.index) == Array(0..<5000))
        #expect(stream.rows.prefix { $0.index < 3 }.map { $0.cells[0].text } == ["a0", "a1", "a2"])
        #expect(stream.error == nil)
        #expect(stream.mergedRanges.isEmpty)
    }

    @Test func mergedRangesOfAStreamedXLSXSheet() throws {
        let workbook = try Workbook.open(try TestSupport.fixture("quirky.xlsx"))
        let small = try workbook.rows(in: workbook.sheets[0])
        #expect(small.headIsWholeSheet)
        let streamed = try workbook.rows(in: workbook.sheets[0], headDepth: 0, headCells: 0)
        #expect(!streamed.headIsWholeSheet)
        #expect(streamed.mergedRanges.map(\.description) == ["A1:C1"], "read by a pass over the part")
        #expect(streamed.rows.map(\.index) == small.rows.map(\.index))
        #expect(try workbook.mergedRanges(in: workbook.sheets[0]).map(\.description) == ["A1:C1"])
    }

    @Test func anErrorAfterTheHeadIsKept() throws {
        // Row 3 holds a byte that is neither UTF-8 nor the start of a GB18030 reading.
        let dir = try TestSupport.temporaryDirectory("stream")
        let path = dir.appendingPathComponent("bad.csv").path
        var bytes = Array((0..<200).map { "张三\($0),李四\n" }.joined().utf8)
        bytes += [0xFF, 0xFF, 0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let workbook = try Workbook.open(path)
        let stream = try workbook.rows(in: workbook.sheets[0], headDepth: 2, headCells: 0)
        let count = stream.rows.reduce(0) { n, _ in n + 1 }
        #expect(count == 200)
        let error = try #require(stream.error)
        #expect(error.kind == .badEncoding)
        #expect(error.sheet == "bad")
    }
}
