import Foundation
import Testing
import TestSupport

/// `kaoping convert` on legacy .xls through the real binary (files of Tests/Fixtures/make_xls.py).
@Suite struct XLSConvertTests {
    func kaoping(_ arguments: String...) throws -> TestSupport.ProcessResult {
        try TestSupport.run(TestSupport.kaopingBinary.path, arguments)
    }

    /// An Excel 95 workbook in code page 936: the Chinese text comes out as UTF-8, dates as
    /// dates, formula results, booleans and errors as Excel shows them.
    @Test func excel95WorkbookConvertsToCSV() throws {
        let out = try TestSupport.temporaryDirectory("cli-xls").appendingPathComponent("95.csv").path
        let result = try kaoping("convert", try TestSupport.fixture("hand_biff5.xls"), out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == """
            姓名,乐昌市长来镇,ASCII only,富文本单元格\r
            1.25,2020,2020-07-15,2020-07-16\r
            1,2.5,FALSE,#REF!\r
            7,公式结果,TRUE,#N/A\r

            """)
    }

    /// Found by the mutation loop: a cell moved to column LCG made convert write 67 MB of
    /// empty fields until it was killed. Now it is refused at once, naming the cell.
    @Test func cellPastColumnIVIsRefusedNotWritten() throws {
        let out = try TestSupport.temporaryDirectory("cli-xls").appendingPathComponent("far.csv").path
        let result = try kaoping("convert", try TestSupport.fixture("hostile_far_cell.xls"), out)
        #expect(result.status == 1)
        #expect(result.stderr.contains("文件「hostile_far_cell.xls」工作表「签到表」第 60001 行（单元格 LCG60001）"))
        #expect(result.stderr.contains("256 列上限"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// The FreeXL crash: one changed byte of a shared string's length. Exit 1 with a message.
    @Test func mutatedSharedStringLengthIsAnErrorNotACrash() throws {
        let out = try TestSupport.temporaryDirectory("cli-xls").appendingPathComponent("sst.csv").path
        let result = try kaoping("convert", try TestSupport.fixture("hostile_sst_length.xls"), out)
        #expect(result.status == 1)
        #expect(result.stderr.contains("文件「hostile_sst_length.xls」：文件已损坏"))
    }
}
