import Foundation
import Roster
import Testing
import TestSupport

/// `kaoping evaluate`, `check`, `init` and `template`, run as the real binary.
@Suite struct ScoringCLITests {
    func kaoping(_ arguments: String...) throws -> TestSupport.ProcessResult {
        try TestSupport.run(TestSupport.kaopingBinary.path, arguments)
    }

    /// A valid ID number for person `n`.
    static func id(_ n: Int) -> String {
        let body = String(format: "4402811990%02d%02d%03d", n / 28 % 12 + 1, n % 28 + 1, 100 + n / 336)
        return body + String(IDNumber.checkCharacter(body)!)
    }

    static let names = ["王芳", "李强", "张敏", "刘洋", "陈静", "杨磊", "黄丽", "赵军", "吴艳", "周杰"]

    /// A county directory: two sign-in CSVs (one repeat sign-in), villages, stations, a config.
    static func county(config extra: String = "") throws -> URL {
        let dir = try TestSupport.temporaryDirectory("cli-scoring")
        func write(_ path: String, _ text: String) throws {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        for day in 1...2 {
            var sheet = "培训时间：2020年7月\(day)日\n序号,姓名,身份证号,联系电话\n"
            for (i, name) in names.enumerated() { sheet += "\(i + 1),\(name),\(id(i)),1390000\(String(format: "%04d", i))\n" }
            if day == 2 { sheet += "11,王芳,\(id(0)),13900000000\n" }
            try write("data/signins/第\(day)期.csv", sheet)
        }
        try write("data/villages.csv", "镇,村,是否省定贫困村\n坪石镇,水口村,是\n坪石镇,茶料村,否\n坪石镇,北岭村,否\n")
        try write("data/stations.csv", "站点名称,镇,村\n水口村服务站,坪石镇,水口村\n茶料村服务站,坪石镇,茶料村\n")
        try write("config.yaml", """
            county: 测试县
            template: guangdong-2019
            cutoff: 2021-08-31
            population: {resident: 2000}
            funds: {allocated: 1000000, disbursed: 800000}
            inputs:
              villages: data/villages.csv
              stations: data/stations.csv
              signins: [data/signins/*.csv]
            manual: {"1.1": 2, "5.3": 4, "V.1": false, "V.3": false}
            \(extra)
            """)
        return dir
    }

    @Test func templateListAndShow() throws {
        let list = try kaoping("template", "list")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("guangdong-2019\t2019 年省级电子商务进农村综合示范创建考评指标体系（39 个评分项）"))
        let show = try kaoping("template", "show", "guangdong-2019")
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("深入推动电子商务进农村工作（55 分）"))
        #expect(show.stdout.contains("[2.3.a] 培训人次占常住人口比例（10 分）：按 training_coverage_rate：≥1% 得 10 分，≥0.8% 得 8 分，≥0.6% 得 6 分，否则 0 分"))
        #expect(show.stdout.contains("[5.3] 资金支出（5 分）：fund_disbursement_rate ≥ 70% 时人工评分（可选 5、4、3、2、1、0），否则 -5 分"))
        #expect(show.stdout.contains("[V.2] 总体进度不足40%："))
        let unknown = try kaoping("template", "show", "guangdong-2091")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("是否应为“guangdong-2019”"))
    }

    @Test func templatesAreFoundThroughTheEnvironmentFirst() throws {
        let fixtures = TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/templates").path
        let list = try TestSupport.run(TestSupport.kaopingBinary.path, ["template", "list"], environment: ["KAOPING_TEMPLATES": fixtures])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("example-province-2022\t某省 2022 年县域商业体系建设考评指标（测试用）（8 个评分项）\t\(fixtures)") == true)
        #expect(lines.last?.hasPrefix("guangdong-2019\t") == true, "the package's own templates are still found")
    }

    @Test func initWritesAStarterConfigOnce() throws {
        let dir = try TestSupport.temporaryDirectory("cli-init")
        let first = try kaoping("init", dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("config.yaml"), encoding: .utf8)
        for id in ["1.1", "1.4.b", "2.1.a", "2.2.e", "3.2.b", "4.1", "5.1", "5.3", "B.2"] {
            #expect(text.contains("# \"\(id)\": "), "manual entry for \(id)")
        }
        #expect(text.contains("# 2.3.a 培训人次占常住人口比例：由数据计算"))
        #expect(text.contains("# 1.1 组织领导：人工评分，可选 2、1、0"))
        #expect(text.contains("# \"V.3\": false"))
        let again = try kaoping("init", dir.path)
        #expect(again.status == 1)
        #expect(again.stderr.contains("已存在，不会覆盖"))
        // It is valid YAML with known keys: what `check` objects to is only what the clerk must fill in.
        let check = try kaoping("check", dir.appendingPathComponent("config.yaml").path)
        #expect(check.status == 1)
        #expect(!check.stderr.contains("YAML 格式错误") && !check.stderr.contains("未知的配置项"), "\(check.stderr)")
        #expect(check.stderr.contains("inputs.villages 的文件不存在：data/villages.xlsx"))
    }

    @Test func checkPassesAGoodConfigAndNamesProblems() throws {
        let dir = try Self.county()
        let good = try kaoping("check", dir.appendingPathComponent("config.yaml").path)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("第1期.csv「第1期」：签到记录 10 条"))
        #expect(good.stdout.contains("可以运行 kaoping evaluate：没有须先处理的问题"))
        #expect(!good.stdout.contains("检查通过"))
        let bad = try Self.county(config: "popuation: 3")
        let result = try kaoping("check", bad.appendingPathComponent("config.yaml").path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("配置文件「config.yaml」第 11 行：未知的配置项“popuation”，是否应为“population”？"))
    }

    @Test func evaluatePrintsOnlyJSONOnStdout() throws {
        let dir = try Self.county()
        let result = try kaoping("evaluate", dir.appendingPathComponent("config.yaml").path, "--json", "-")
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(object["county"] as? String == "测试县")
        let metrics = try #require(object["metrics"] as? [String: Any])
        #expect((metrics["training_person_times"] as? NSNumber)?.intValue == 20)
        #expect(result.stdout.contains("\"training_coverage_rate\": 0.01,"))
        #expect(result.stdout.contains("\"village_coverage_rate\": 0.6666666666666666,"))
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.count == 39)
        let people = try #require(object["people"] as? [String: Any])
        #expect((people["duplicate_signins"] as? NSNumber)?.intValue == 1)
        #expect((people["distinct_persons"] as? NSNumber)?.intValue == 10)
        // The summary goes to stderr, in Chinese, without personal data.
        #expect(result.stderr.contains("测试县 · 2019 年省级电子商务进农村综合示范创建考评指标体系"))
        #expect(result.stderr.contains("2.3.a 培训人次 20 ÷ 常住人口基数 2000 = 1.00%，达到 1% 及以上，得 10 分【临界：恰好达到 1%：少 1 人次就降档】"))
        // The total the summary prints is the JSON's, with the full marks and the veto state.
        let total = try #require(object["total"] as? NSNumber)
        #expect(result.stderr.contains("合计 \(total.stringValue) 分（满分 "), "\(result.stderr)")
        #expect(result.stderr.contains("一票否决：否"))
        #expect(result.stderr.contains("缺少数据或未评分"))
        for n in 0..<10 {
            #expect(!result.stdout.contains(Self.id(n)) && !result.stderr.contains(Self.id(n)))
        }

        let jsonFile = dir.appendingPathComponent("result.json").path
        let toFile = try kaoping("evaluate", dir.appendingPathComponent("config.yaml").path, "--json", jsonFile)
        #expect(toFile.status == 0)
        #expect(toFile.stdout.contains("合计 \(total.stringValue) 分（满分 "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: jsonFile)) == result.stdoutData)
    }

    /// decisions.yaml changes the figures: 李强's ID also written for 李刚 (R6) and one phone under
    /// 甲, 乙 and 丙 (R7), counted by default rules, then as a clerk decided.
    @Test func reviewDecisionsChangeTheFigures() throws {
        let dir = try Self.county(config: "decisions: decisions.yaml")
        let first = dir.appendingPathComponent("data/signins/第1期.csv")
        let extra = "11,李刚,\(Self.id(1)),13800000001\n12,甲,,13700000000\n13,乙,,13700000000\n14,丙,,13700000000\n"
        try Data((try String(contentsOf: first, encoding: .utf8) + extra).utf8).write(to: first)
        func people() throws -> (persons: Int?, personTimes: Int?, warnings: Int?) {
            let result = try kaoping("evaluate", dir.appendingPathComponent("config.yaml").path, "--json", "-")
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any] ?? [:]
            return ((object["people"] as? [String: Any])?["distinct_persons"] as? Int,
                    (object["metrics"] as? [String: Any])?["training_person_times"] as? Int,
                    (object["issues"] as? [String: Any])?["warnings"] as? Int)
        }
        let before = try people()
        #expect(before.persons == 13, "李刚 joins 李强 by the ID; 甲 乙 丙 three people")
        #expect(before.personTimes == 23, "李刚 is 李强's repeat on day 1")
        let idKey = ReviewKey.make("R6", Self.id(1), "李刚|李强"), phoneKey = ReviewKey.make("R7", "13700000000", "丙|乙|甲")
        try Data("\(idKey): 不是同一人\n\(phoneKey): same\n".utf8).write(to: dir.appendingPathComponent("decisions.yaml"))
        let after = try people()
        #expect(after.persons == 12, "李刚 apart (the ID is 李强's, who wrote it twice); 甲 乙 丙 one person")
        #expect(after.personTimes == 22, "李刚 +1; 甲 乙 丙 at one session −2")
        #expect(after.warnings == before.warnings.map { $0 - 1 }, "two conflicts settled, one row to correct")
    }

    @Test func evaluateExitCodes() throws {
        let dir = try Self.county()
        let config = dir.appendingPathComponent("config.yaml").path
        #expect(try kaoping("evaluate").status == 2)
        let wrongExtension = try kaoping("evaluate", config, "-o", dir.appendingPathComponent("x.txt").path)
        #expect(wrongExtension.status == 2)
        #expect(wrongExtension.stderr.hasPrefix("错误：输出文件的扩展名必须是 .xlsx"), "one prefix, in Chinese: \(wrongExtension.stderr)")
        let overInput = try Self.county(config: "output: data/villages.csv")
        let sameFile = try kaoping("evaluate", overInput.appendingPathComponent("config.yaml").path)
        #expect(sameFile.status == 1)
        #expect(sameFile.stderr.contains("与输入文件是同一个文件"))
        let csvOutput = try Self.county(config: "output: 自评表.csv")
        let notXLSX = try kaoping("evaluate", csvOutput.appendingPathComponent("config.yaml").path)
        #expect(notXLSX.status == 1)
        #expect(notXLSX.stderr.contains("扩展名必须是 .xlsx，请修改配置中的 output"))
        let newFolder = try Self.county(config: "output: out/自评表.xlsx")
        #expect(try kaoping("evaluate", newFolder.appendingPathComponent("config.yaml").path).status == 0)
        #expect(FileManager.default.fileExists(atPath: newFolder.appendingPathComponent("out/自评表.xlsx").path),
                "the output folder kaoping init names is made")
        let missing = try kaoping("evaluate", dir.appendingPathComponent("没有.yaml").path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("文件不存在"))
        let badValue = try Self.county(config: "overrides: {\"1.1\": 2}")
        let refused = try kaoping("evaluate", badValue.appendingPathComponent("config.yaml").path, "--json", "-")
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("本来就是人工评分，请写在 manual 中"))
    }
}
