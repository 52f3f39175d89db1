import Foundation
import Roster
import Testing
import TestSupport

/// Issue 11 through the real binary: the config `kaoping init` writes, filled as a clerk fills
/// it, reads every format; `check` words what blocks apart from what the workbook lists, and
/// its exit code follows; config mistakes are one Chinese line on their own line; output is
/// whole lines; `evaluate` says where the workbook went; `convert` names its sheet.
@Suite struct SafeDefaultsCLITests {
    static var binary: String { TestSupport.kaopingBinary.path }

    func kaoping(_ arguments: String...) throws -> TestSupport.ProcessResult {
        try TestSupport.run(Self.binary, arguments)
    }

    static func id(_ n: Int) -> String {
        let body = String(format: "4402811991%02d%02d%03d", n % 12 + 1, n % 28 + 1, 200 + n)
        return body + String(IDNumber.checkCharacter(body)!)
    }

    static func python(_ script: String, _ arguments: [String]) throws {
        let result = try TestSupport.run("python3", ["-c", script] + arguments)
        guard result.status == 0 else { throw TestFailure("python failed: \(result.stderr)") }
    }

    /// A county folder made by openpyxl (.xlsx), xlwt (an upper-case .XLS) and a GB18030 CSV,
    /// with the config `kaoping init` wrote, filled in by text edits as a clerk would.
    static func county(facts: [String: String] = ["logistics_villages": "3"]) throws -> URL {
        let dir = try TestSupport.temporaryDirectory("cli-defaults")
        let signins = dir.appendingPathComponent("data/signins")
        try FileManager.default.createDirectory(at: signins, withIntermediateDirectories: true)
        try python("""
            import sys, os, openpyxl, xlwt
            d, ids = sys.argv[1], sys.argv[2].split(",")
            def book(path, rows, title="Sheet1"):
                wb = openpyxl.Workbook(); ws = wb.active; ws.title = title
                for r in rows: ws.append(r)
                wb.save(path)
            book(os.path.join(d, "villages.xlsx"), [["镇", "村", "是否省定贫困村"], ["坪石镇", "水口村", "是"], ["坪石镇", "茶料村", "否"], ["黄圃镇", "桥围村委会", "否"]])
            book(os.path.join(d, "stations.xlsx"), [["站点名称", "镇", "村"], ["水口村服务站", "坪石镇", "测试县坪石镇水口村"], ["桥围站", "测试县黄圃镇", "测试县黄圃镇桥围村"]])
            book(os.path.join(d, "poor.xlsx"), [["姓名", "证件号码", "劳动技能", "务工状况", "人员状态"],
                ["王芳", ids[0], "普通劳动力", "乡（镇）内务工", "正常"], ["李强", ids[1], "技能劳动力", "无", "死亡"], ["何九", ids[9], "技能劳动力", "无", "正常"]])
            book(os.path.join(d, "signins", "第1期.xlsx"), [["培训时间：2020年7月1日"], ["序号", "姓名", "身份证号"], [1, "王芳", ids[0]], [2, "张敏", ids[2]], [3, "刘洋", ids[3]]])
            wb = xlwt.Workbook(); ws = wb.add_sheet("第2期")
            for r, row in enumerate([["培训时间：2020年7月2日"], ["序号", "姓名", "身份证号"], [1, "王芳", ids[0]], [2, "陈静", ids[4]]]):
                for c, v in enumerate(row): ws.write(r, c, v)
            wb.save(os.path.join(d, "signins", "第2期.XLS"))
            with open(os.path.join(d, "signins", "第3期.csv"), "w", encoding="gb18030") as f:
                f.write("培训时间：2020年7月3日\\r\\n序号,姓名,身份证号\\r\\n1,杨磊,%s\\r\\n2,黄丽,%s\\r\\n" % (ids[5], ids[6]))
            with open(os.path.join(d, "signins", "第4期（扫描件）.pdf"), "wb") as f: f.write(b"%PDF-1.4 not a sheet")
            book(os.path.join(d, "旧站点清单.xlsx"), [["站点名称", "镇", "村"], ["旧站", "坪石镇", "茶料村"]])
            """, [dir.appendingPathComponent("data").path, (0..<10).map(id).joined(separator: ",")])

        let initResult = try TestSupport.run(binary, ["init", dir.path])
        guard initResult.status == 0 else { throw TestFailure("init failed: \(initResult.stderr)") }
        let configURL = dir.appendingPathComponent("config.yaml")
        var text = try String(contentsOf: configURL, encoding: .utf8)
        func replace(_ old: String, _ new: String) throws {
            guard text.contains(old) else { throw TestFailure("the starter config has no “\(old)”") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try replace("county: 某某县", "county: 测试县")
        try replace("population: {resident: 0}", "population: {resident: 2000}")
        try replace("funds: {allocated: 0, disbursed: 0}", "funds: {allocated: 1000000, disbursed: 800000}")
        for (key, value) in facts { try replace("  # \(key): 0", "  \(key): \(value)") }
        try replace("  # \"1.1\": 2", "  \"1.1\": 2")
        try text.write(to: configURL, atomically: true, encoding: .utf8)
        return dir
    }

    @Test func theInitConfigFilledByAClerkReadsEveryFormatAndNamesWhatItLeaves() throws {
        let dir = try Self.county()
        let config = dir.appendingPathComponent("config.yaml").path
        let starter = try String(contentsOfFile: config, encoding: .utf8)
        #expect(starter.contains("signins: [data/signins/*.xlsx, data/signins/*.xls, data/signins/*.csv]"))
        #expect(starter.contains("logistics_villages: 3       # 物流快递覆盖的行政村，填个数（不是比例，不超过行政村数）"))
        #expect(!starter.contains("logistics_villages: 0       # 行政村物流快递覆盖率"), "a count is never called a rate")

        let check = try kaoping("check", config)
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("第1期.xlsx「Sheet1」：签到记录 3 条"))
        #expect(check.stdout.contains("第2期.XLS「第2期」：签到记录 2 条"), "an upper-case .XLS is taken by *.xls")
        #expect(check.stdout.contains("第3期.csv「第3期」：签到记录 2 条"))
        #expect(check.stdout.contains("材料文件夹中未被 inputs 读取的文件 2 个（其中的数据不会计入）："))
        #expect(check.stdout.contains("\n  data/signins/第4期（扫描件）.pdf\n") || check.stdout.contains("第4期（扫描件）.pdf"))
        #expect(check.stdout.contains("旧站点清单.xlsx"))
        #expect(!check.stdout.contains("检查通过"))
        #expect(check.stdout.contains("可以运行 kaoping evaluate：没有须先处理的问题；但数据中有错误 0 条、警告 2 条"))

        let out = dir.appendingPathComponent("out/测试县.xlsx").path
        let evaluate = try TestSupport.run(Self.binary, ["evaluate", config, "-o", out, "--json", "-"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stderr.contains("已写出自评表：\(out)"))
        let json = try #require(try JSONSerialization.jsonObject(with: evaluate.stdoutData) as? [String: Any])
        let metrics = try #require(json["metrics"] as? [String: Any])
        #expect((metrics["training_person_times"] as? NSNumber)?.intValue == 7)
        #expect((metrics["villages_with_station"] as? NSNumber)?.intValue == 2, "stations written with the county in front")
        #expect((metrics["poor_labor_population"] as? NSNumber)?.intValue == 2, "李强 is marked 死亡")
        #expect((metrics["poor_trained_persons"] as? NSNumber)?.intValue == 1)
        #expect(evaluate.stderr.contains("材料文件夹中有 2 个文件未被配置的 inputs 读取"))

        // The config's own output: printed relative to the folder the command runs in.
        let fromDir = try TestSupport.run(Self.binary, ["evaluate", "config.yaml"], currentDirectory: dir)
        #expect(fromDir.status == 0, "\(fromDir.stderr)")
        #expect(fromDir.stdout.hasSuffix("已写出自评表：out/自评表.xlsx\n"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/自评表.xlsx").path))
    }

    @Test func checkSeparatesWhatBlocksFromDataProblemsAndTheExitCodeFollows() throws {
        let dir = try Self.county()
        let config = dir.appendingPathComponent("config.yaml").path
        // A data error only: a wrong check digit. The workbook lists it; evaluation can run.
        let bad = String(Self.id(7).dropLast()) + (Self.id(7).last == "1" ? "2" : "1")
        try "培训时间：2020年7月5日\n序号,姓名,身份证号\n1,吴艳,\(bad)\n".write(
            to: dir.appendingPathComponent("data/signins/第5期.csv"), atomically: true, encoding: .utf8)
        let data = try kaoping("check", config)
        #expect(data.status == 0)
        #expect(data.stdout.contains("数据问题（不妨碍运行 evaluate，逐条列入自评表「数据问题」表）：错误 1 条"))
        #expect(data.stdout.contains("可以运行 kaoping evaluate：没有须先处理的问题；但数据中有错误 1 条"))
        #expect(!data.stdout.contains("检查通过"))

        // A file that cannot be read blocks: the words say so and the exit code is 1.
        try Data("PK\u{3}\u{4}broken".utf8).write(to: dir.appendingPathComponent("data/signins/第6期.xlsx"))
        let blocked = try kaoping("check", config)
        #expect(blocked.status == 1)
        #expect(blocked.stdout.contains("须先处理的问题 1 个（不处理就无法得出正确结果）："))
        #expect(blocked.stdout.contains("[须处理] 第6期.xlsx"))
        #expect(blocked.stderr.hasPrefix("错误：检查未通过：有 1 个问题须先处理（见上）。文件打不开的，请用 Excel 或 WPS 另存为 .xlsx"))
        #expect(!blocked.stdout.contains("可以运行"))
    }

    /// A village list whose only sheet is a 填表说明: skipped as a note, and since the input then
    /// gave nothing, `check` says so and stops (its metrics would be missing).
    @Test func anInputThatGivesNothingBlocksCheck() throws {
        let dir = try Self.county()
        try Self.python("""
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "填表说明"
            ws.append(["请按镇、村两列填写行政村清单"]); ws.append(["居委会、社区不要填写"])
            wb.save(sys.argv[1])
            """, [dir.appendingPathComponent("data/villages.xlsx").path])
        let check = try kaoping("check", dir.appendingPathComponent("config.yaml").path)
        #expect(check.status == 1)
        #expect(check.stdout.contains("跳过的工作表 1 个："))
        #expect(check.stdout.contains("villages.xlsx「填表说明」：这个工作表没有数据表格"))
        #expect(check.stdout.contains("[须处理] 配置文件「config.yaml」：inputs.villages 的 1 个文件中没有读到任何行政村，相关指标无法计算"))
    }

    @Test func aCountLargerThanWhatItCountsIsRefused() throws {
        let dir = try Self.county(facts: ["logistics_villages": "100"])
        let config = dir.appendingPathComponent("config.yaml").path
        let evaluate = try kaoping("evaluate", config)
        #expect(evaluate.status == 1)
        #expect(evaluate.stderr.contains("facts.logistics_villages 为 100，超过行政村数 3：它是物流快递覆盖的行政村的个数，不能多于行政村数；请填写个数（不超过 3），不要填比例"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/自评表.xlsx").path))
        let check = try kaoping("check", config)
        #expect(check.status == 1)
        #expect(check.stdout.contains("[须处理] 配置文件「config.yaml」：facts.logistics_villages 为 100"))

        let percent = try Self.county(facts: ["logistics_villages": "100%"])
        let typed = try kaoping("check", percent.appendingPathComponent("config.yaml").path)
        #expect(typed.status == 1)
        #expect(typed.stderr.contains("facts.logistics_villages 是物流快递覆盖的行政村的个数，不是比例；请写个数（如 34），不要写“100%”"))
    }

    /// Each mistake: one Chinese line, on the line where it is, saying what to write instead.
    @Test(arguments: [
        ("county：测试县\n", 1, "冒号写成了中文全角“：”：请改为英文冒号加一个空格，写成“county: 值”"),
        ("county: 测试县\ninputs:\n\tvillages: v.xlsx\n", 3, "缩进用了 Tab 键"),
        ("county: 测试县\nfunds: {allocated: 5,000,000, disbursed: 100}\n", 2, "请去掉千位分隔逗号，写作 5000000"),
        ("county: 测试县\nmanual:\n  \"1.1\" 2\n  \"1.2\": 2\n", 3, "这一行缺少冒号"),
        ("county: 测试县\ninputs:\n  villages: v.xlsx\n   stations: s.xlsx\n", 4, "这一行缩进多了"),
        ("county: 测试县\ninputs:\n    villages: v.xlsx\n  stations: s.xlsx\n", 4, "缩进与上面同级的项目对不齐"),
        ("county:测试县\n", 1, "冒号后缺少空格：请写成“county: 测试县”"),
        ("county: 测试县\npopulation: {resident:420000}\n", 2, "请写成“resident: 420000”"),
        ("county: \"测试县\ncutoff: 2021-08-31\n", 1, "引号 \" 没有配对"),
        ("county: 测试县\npopulation: {resident: 42万}\n", 2, "42万 写作 420000"),
        ("county: 测试县\nmanual: {1.1: 3}\n", 2, "评分项 1.1（组织领导）不能评 3 分，可选：2、1、0"),
        ("county: 测试县\nfunds: {allocated: 500, disbursed: 400}\n", 2, "金额以“元”为单位，如 500 万元应写作 5000000"),
        ("county: 测试县\nfunds: {allocated: 5000000, disbursed: 6000000}\n", 2, "已支出资金 6000000 元多于安排资金 5000000 元"),
    ] as [(String, Int, String)])
    func configMistakes(_ text: String, _ line: Int, _ expected: String) throws {
        let dir = try TestSupport.temporaryDirectory("cli-yaml")
        let config = dir.appendingPathComponent("config.yaml").path
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try kaoping("check", config)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("错误：配置文件「config.yaml」第 \(line) 行："), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        for word in ["expected", "mapping", "scanner", "parser", "found", "while"] {
            #expect(!result.stderr.lowercased().contains(word), "no English parser words: \(result.stderr)")
        }
    }

    /// stdout and stderr into one file: each line whole, in the order written.
    @Test func linesStayWholeWhenStdoutAndStderrShareAFile() throws {
        let dir = try Self.county()
        let signins = dir.appendingPathComponent("data/signins")
        // Enough output to pass a 4 KiB buffer: many sheets, then a blocking error on stderr.
        for n in 10..<100 {
            try "培训时间：2020年8月\(n % 28 + 1)日\n序号,姓名,身份证号\n1,王芳,\(Self.id(0))\n".write(
                to: signins.appendingPathComponent("第\(n)期培训签到表（镇级电商技能提升班）.csv"), atomically: true, encoding: .utf8)
        }
        try Data("PK\u{3}\u{4}broken".utf8).write(to: signins.appendingPathComponent("坏文件.xlsx"))
        let both = dir.appendingPathComponent("both.txt").path
        let config = dir.appendingPathComponent("config.yaml").path
        let run = try TestSupport.run("/bin/sh", ["-c", "\"$0\" check \"$1\" > \"$2\" 2>&1", Self.binary, config, both])
        #expect(run.status == 1)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: both))
        let text = try #require(String(data: bytes, encoding: .utf8), "no UTF-8 character split")
        #expect(bytes.count > 8192)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        // The error is the last line, whole; every other line is a whole stdout line.
        #expect(lines[lines.count - 2].hasPrefix("错误：检查未通过："))
        let alone = try TestSupport.run(Self.binary, ["check", config])
        #expect(Array(lines.dropLast(2)) == alone.stdout.split(separator: "\n").map(String.init))
    }

    @Test func convertNamesItsSheetAndWarnsOfIDsStoredAsNumbers() throws {
        let dir = try TestSupport.temporaryDirectory("cli-convert")
        let input = dir.appendingPathComponent("两表.xlsx").path
        try Self.python("""
            import sys, xlsxwriter
            wb = xlsxwriter.Workbook(sys.argv[1])
            ws = wb.add_worksheet("签到")
            ws.write_row(0, 0, ["姓名", "身份证号", "户编号"])
            ws.write_string(1, 0, "张三"); ws.write_number(1, 1, 441823199212193000); ws.write_number(1, 2, 4418230131400001)
            ws.write_string(2, 0, "李四"); ws.write_string(2, 1, "\(Self.id(1))"); ws.write_number(2, 2, 4418230131400002)
            wb.add_worksheet("说明").write(0, 0, "填表说明")
            wb.close()
            """, [input])
        let result = try kaoping("convert", input, dir.appendingPathComponent("out.csv").path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("已写入 \(dir.appendingPathComponent("out.csv").path)：工作表「签到」，3 行 × 3 列（UTF-8）；文件共 2 个工作表，这是第 1 个；其他工作表用 --sheet 名称或序号转换：「签到」「说明」"))
        let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("注意：") }
        #expect(warnings == ["注意：两表.xlsx「签到」B 列有 1 个长数字（如身份证号）已被 Excel 当作数字保存（如第 2 行 441823********3000），15 位以后的数字已丢失，转换结果中的这些号码不能用于比对；请在原表中把该列设为“文本”格式后重新录入"],
                "the 16-digit 户编号 is exact in a Double: no warning for column C")
        let second = try kaoping("convert", input, dir.appendingPathComponent("说明.csv").path, "--sheet", "2")
        #expect(second.stderr.contains("工作表「说明」，1 行 × 1 列（UTF-8）；文件共 2 个工作表，这是第 2 个"))
    }
}
