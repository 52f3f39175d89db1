import Foundation
@testable import SheetIO
import Testing
import TestSupport

/// A sheet part large enough to be inflated on a second thread (`PrefetchingSource`, used by
/// `forEachRow` for parts of `XLSXReader.prefetchBytes` and more) gives the same rows as the
/// cursor, which inflates in place; stopping early and a damaged part end cleanly.
@Suite(.serialized) struct XLSXPrefetchTests {
    /// 60 000 rows of inline strings (XlsxWriter constant memory), with white space to keep,
    /// entities, numbers and dates: a sheet part of about 30 MB.
    static let workbook: Result<String, TestFailure> = {
        do {
            let dir = try TestSupport.temporaryDirectory("prefetch")
            let path = dir.appendingPathComponent("big.xlsx").path
            let script = """
                import sys, datetime, xlsxwriter
                wb = xlsxwriter.Workbook(sys.argv[1], {"constant_memory": True})
                ws = wb.add_worksheet("大表")
                date = wb.add_format({"num_format": "yyyy-mm-dd"})
                for i in range(60000):
                    ws.write_number(i, 0, i)
                    ws.write_string(i, 1, "姓名%d" % i)
                    ws.write_string(i, 2, "  前后空格 %d  " % i if i % 7 == 0 else "A&B<%d>" % i)
                    ws.write_string(i, 3, "4402811990%08d" % i)
                    ws.write_datetime(i, 4, datetime.datetime(2020, 1, 1) + datetime.timedelta(days=i % 500), date)
                    ws.write_number(i, 5, i / 8)
                    ws.write_string(i, 6, "第%d行，有“引号”和\\n换行" % i)
                wb.close()
                """
            let result = try TestSupport.run("python3", ["-c", script, path])
            guard result.status == 0 else { return .failure(TestFailure("xlsxwriter failed: \(result.stderr)")) }
            return .success(path)
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()

    @Test func pushedRowsEqualPulledRows() throws {
        let workbook = try Workbook.open(try Self.workbook.get())
        let sheet = workbook.sheets[0]
        var pushed: [Row] = []
        try workbook.forEachRow(in: sheet) { pushed.append($0) }
        let stream = try workbook.rows(in: sheet, headDepth: 0, headCells: 1)
        let pulled = Array(stream.rows)
        #expect(stream.error == nil)
        #expect(pushed.count == 60_000)
        #expect(pulled.count == pushed.count)
        for (a, b) in zip(pushed, pulled) where a.index != b.index || a.cells != b.cells {
            Issue.record("row \(a.index + 1) differs: \(a.cells) vs \(b.cells)")
            break
        }
        #expect(pushed[7][2]?.value == .text("  前后空格 7  "), "XlsxWriter writes xml:space=\"preserve\" here")
        #expect(pushed[59_999][1]?.value == .text("姓名59999"))
        #expect(pushed[59_999][3]?.value == .text("440281199000059999"))
        #expect(pushed[8][2]?.value == .text("A&B<8>"))
    }

    @Test func stoppingEarlyEndsTheInflatingThread() throws {
        struct Stop: Error {}
        let workbook = try Workbook.open(try Self.workbook.get())
        for limit in [0, 1, 5_000] {
            var seen = 0
            #expect(throws: Stop.self) {
                try workbook.forEachRow(in: workbook.sheets[0]) { _ in
                    if seen == limit { throw Stop() }
                    seen += 1
                }
            }
        }
        // The archive is still usable afterwards.
        var count = 0
        try workbook.forEachRow(in: workbook.sheets[0]) { _ in count += 1 }
        #expect(count == 60_000)
    }

    @Test func aDamagedLargePartIsTheSameErrorEitherWay() throws {
        // Flip bytes in the middle of the sheet's compressed data, past the first chunks.
        let source = try Self.workbook.get()
        let dir = try TestSupport.temporaryDirectory("prefetch-damaged")
        let path = dir.appendingPathComponent("damaged.xlsx").path
        let script = """
            import sys, zipfile
            data = bytearray(open(sys.argv[1], "rb").read())
            z = zipfile.ZipFile(sys.argv[1])
            info = z.getinfo("xl/worksheets/sheet1.xml")
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            middle = start + info.compress_size // 2
            for k in range(64):
                data[middle + k] ^= 0x5A
            open(sys.argv[2], "wb").write(bytes(data))
            """
        let made = try TestSupport.run("python3", ["-c", script, source, path])
        try #require(made.status == 0, "\(made.stderr)")
        let workbook = try Workbook.open(path)
        var pushedError: SheetError?
        var pushedRows = 0
        do {
            try workbook.forEachRow(in: workbook.sheets[0]) { _ in pushedRows += 1 }
        } catch let error as SheetError {
            pushedError = error
        }
        let stream = try workbook.rows(in: workbook.sheets[0], headDepth: 0, headCells: 1)
        let pulledRows = stream.rows.reduce(0) { n, _ in n + 1 }
        let pushed = try #require(pushedError, "a damaged part must be an error")
        let pulled = try #require(stream.error)
        #expect(pushed.description == pulled.description)
        #expect(pushedRows == pulledRows)
        #expect(pushedRows > 0 && pushedRows < 60_000)
    }
}
