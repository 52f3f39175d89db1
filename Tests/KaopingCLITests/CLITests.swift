import Foundation
import Testing
import TestSupport

/// Runs the real `kaoping` binary, as a clerk or an outside tool would.
@Suite struct CLITests {
    func kaoping(_ arguments: String...) throws -> TestSupport.ProcessResult {
        try TestSupport.run(TestSupport.kaopingBinary.path, arguments)
    }

    @Test func inspectShowsHowTheFileWasReadWithoutWholeIDNumbers() throws {
        let result = try kaoping("inspect", try TestSupport.fixture("openpyxl.xlsx"), "--rows", "9")
        #expect(result.status == 0)
        let out = result.stdout
        #expect(out.contains("格式：Excel 工作簿（.xlsx）"))
        #expect(out.contains("[2] 隐藏（隐藏）"))
        #expect(out.contains("使用范围：A1:XFD9，非空行 8 行"))
        #expect(out.contains("合并单元格：1 处 A1:F1"))
        #expect(out.contains("F3=2020-07-15（日期）"))
        #expect(out.contains("440281********123X"))
        #expect(out.contains("138****5678"))
        for whole in ["44028119900101123X", "440281199001011234", "13812345678", "13912345678"] {
            #expect(!out.contains(whole), "personal data must not reach the terminal whole: \(whole)")
        }
    }

    @Test func inspectReportsEncodingAndDelimiter() throws {
        let result = try kaoping("inspect", TestSupport.packageRoot.appendingPathComponent("examples/signin-sample.csv").path)
        #expect(result.status == 0)
        #expect(result.stdout.contains("编码：GB18030（GBK）"))
        #expect(result.stdout.contains("分隔符：逗号"))
        #expect(result.stdout.contains("第 3 行：A3=序号"))
        #expect(result.stdout.contains("表头：第 3 行（其上 2 行为标题）"))
        #expect(result.stdout.contains("身份证号 ← D 列：表头就是“身份证号”"))
    }

    @Test func convertToCSVFollowsTheTextRules() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let out = dir.appendingPathComponent("sheet.csv").path
        let result = try kaoping("convert", try TestSupport.fixture("xlsxwriter.xlsx"), out)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).components(separatedBy: "\r\n")
        #expect(lines.count == 10, "9 records and the final line end")
        #expect(lines.allSatisfy { $0.isEmpty || $0.filter { $0 == "," }.count >= 16_383 }, "every row is as wide as the sheet")
        #expect(lines[0].hasPrefix("乐昌市农村电商培训签到表,,,,,,"))
        #expect(lines[2].hasPrefix("1,张三,男,44028119900101123X,13812345678,2020-07-15,"))
        #expect(lines[3].hasPrefix("2,李四,女,440281199001011234,13912345678,2020-07-15 09:30:00,"))
        #expect(lines[4].hasPrefix("3,王五,男,440281199001011000,0.1,2020-07-16,"))
        #expect(lines[5].hasPrefix(",,,,,,TRUE,-3.5,08:30:00,#N/A,"))
        #expect(lines[7].hasPrefix("乐昌市,\"  两端空格\n换行  \","))
        #expect(lines[8].hasSuffix(",最后一列"))
    }

    @Test func convertKeepsAMergedValueInItsTopLeftCellOnly() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let out = dir.appendingPathComponent("merged.csv").path
        let result = try kaoping("convert", try TestSupport.fixture("quirky.xlsx"), out, "--encoding", "utf8-bom")
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]), "utf8-bom starts with the byte-order mark")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("  张三 & 李四  ,,,,\r\n"), "B1 and C1 lie under the merge A1:C1")
        #expect(text.contains("\r\n,,,,\r\n"), "an empty row keeps its place")
    }

    @Test func convertCSVToXLSXAndBack() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let xlsx = dir.appendingPathComponent("签到表.xlsx").path
        let csv = dir.appendingPathComponent("back.csv").path
        #expect(try kaoping("convert", try TestSupport.fixture("csv_gb18030.csv"), xlsx).status == 0)
        #expect(try kaoping("convert", xlsx, csv, "--encoding", "gb18030").status == 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: try TestSupport.fixture("csv_gb18030.csv")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: csv)) == original, "GB18030 CSV -> XLSX -> GB18030 CSV is byte-identical")
    }

    @Test func exitCodes() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let input = try TestSupport.fixture("openpyxl.xlsx")
        let usage = try kaoping("convert", input, dir.appendingPathComponent("x.txt").path)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains(".csv 或 .xlsx"))
        #expect(try kaoping("convert", input, dir.appendingPathComponent("x.csv").path, "--encoding", "latin1").status == 2)
        let missing = try kaoping("inspect", dir.appendingPathComponent("没有这个文件.xlsx").path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("文件「没有这个文件.xlsx」：文件不存在"))
        let sameFile = try kaoping("convert", input, input)
        #expect(sameFile.status == 1)
        #expect(sameFile.stderr.contains("输出文件与输入文件是同一个文件"))
        let hostile = try kaoping("inspect", try TestSupport.fixture("zip_bomb.xlsx"))
        #expect(hostile.status == 1)
        #expect(hostile.stderr.contains("压缩炸弹"))
        let badSheet = try kaoping("convert", input, dir.appendingPathComponent("y.csv").path, "--sheet", "9")
        #expect(badSheet.status == 1)
        #expect(badSheet.stderr.contains("可用的工作表：「签到表」、「隐藏」"))
    }

    @Test func convertRefusesAFarCellByName() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let out = dir.appendingPathComponent("far.csv").path
        let result = try kaoping("convert", try TestSupport.fixture("far_cell.xlsx"), out)
        #expect(result.status == 1)
        #expect(result.stderr.contains("单元格 XFD1048576 离其他数据很远"), "\(result.stderr)")
        #expect(result.stderr.contains("--keep-far-cells"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no temporary file is left")
    }

    @Test func convertKeepsALineFeedInACellAsItIs() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let xlsx = dir.appendingPathComponent("lf.xlsx").path
        let made = try TestSupport.run("python3", ["-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active
            ws.append(["多行\\n备注", "a,b"]); ws.append(["下一行", 1])
            wb.save(sys.argv[1])
            """, xlsx])
        #expect(made.status == 0, "\(made.stderr)")
        let out = dir.appendingPathComponent("lf.csv").path
        #expect(try kaoping("convert", xlsx, out).status == 0)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(bytes == Array("\"多行\n备注\",\"a,b\"\r\n下一行,1\r\n".utf8), "LF inside a cell stays LF; records end in CRLF")
        // And through CSV -> CSV.
        let again = dir.appendingPathComponent("again.csv").path
        #expect(try kaoping("convert", out, again).status == 0)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: again))) == bytes)
    }

    @Test func anInterruptedConvertLeavesNoTemporaryFile() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let out = dir.appendingPathComponent("big.csv").path
        let process = Process()
        // The test runner may ignore SIGTERM, which a child inherits: start it with the default.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=TERM", TestSupport.kaopingBinary.path, "convert", try TestSupport.fixture("far_row.xlsx"), out]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the temporary output to appear, then stop the program as a timeout would.
        var sawTemporary = false
        for _ in 0..<200 where !sawTemporary {
            sawTemporary = (try FileManager.default.contentsOfDirectory(atPath: dir.path)).contains { $0.hasSuffix(".tmp") }
            if !sawTemporary { usleep(20_000) }
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(sawTemporary)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "the temporary file was removed")
    }
}
