import Foundation
import Roster
import Testing
import TestSupport
@testable import Scoring

@Suite struct ConfigTests {
    /// The config's error, or a failure when it loads.
    func failure(_ yaml: String, files: [String: String] = [:]) throws -> String {
        let county = try County()
        for (path, text) in files { try county.write(path, text) }
        do {
            _ = try county.config(yaml)
        } catch let error as ConfigError {
            return error.description
        } catch let errors as ConfigErrors {
            return errors.description
        }
        Issue.record("the config loaded")
        return ""
    }

    @Test func unknownKeyNamesTheLineAndTheClosestKey() throws {
        let message = try failure("county: 测试县\npopuation: {resident: 420000}\n")
        // Line 3: the test adds the template line first.
        #expect(message == "配置文件「config.yaml」第 3 行：未知的配置项“popuation”，是否应为“population”？")
        let nested = try failure("county: 测试县\nfunds: {alocated: 5000000, disbursed: 100}\n")
        #expect(nested.contains("未知的配置项“alocated”（在 funds 下），是否应为“allocated”？"))
        let far = try failure("county: 测试县\nzzzzzz: 1\n")
        #expect(far.contains("可用的有：county、template"))
        let fact = try failure("county: 测试县\nfacts: {park_enterprise: 20}\n")
        #expect(fact.contains("是否应为“park_enterprises”"))
    }

    @Test func manualValuesAreCheckedAgainstTheirLeaf() throws {
        let notAllowed = try failure("county: 测试县\nmanual: {\"1.1\": 3}\n")
        #expect(notAllowed.contains("评分项 1.1（组织领导）不能评 3 分，可选：2、1、0"))
        let range = try failure("county: 测试县\nmanual: {\"5.1\": 6}\n")
        #expect(range.contains("可选：5、4、3、2、1、0"))
        let unknown = try failure("county: 测试县\nmanual: {\"2.1.z\": 1}\n")
        #expect(unknown.contains("manual 中的“2.1.z”不是模板 guangdong-2019 的评分项"))
        let computed = try failure("county: 测试县\nmanual: {\"2.1.k\": 5}\n")
        #expect(computed.contains("由数据计算") && computed.contains("overrides"))
        let veto = try failure("county: 测试县\nmanual: {\"V.3\": maybe}\n")
        #expect(veto.contains("应是 true 或 false"))
        let percent = try failure("county: 测试县\nfacts: {progress: 85}\n")
        #expect(percent.contains("facts.progress 是比例，应写作 0.85 或 85%"))
        let negative = try failure("county: 测试县\nfacts: {park_enterprises: -1}\n")
        #expect(negative.contains("不能为负数"))
        let tooHigh = try failure("county: 测试县\noverrides: {\"2.3.a\": 11}\n")
        #expect(tooHigh.contains("0 到 10 之间"))
    }

    @Test func severalProblemsAreReportedTogether() throws {
        let message = try failure("county: 测试县\npopuation: 1\nmanual: {\"1.1\": 3}\ncutoff: 2021-02-30\n")
        #expect(message.contains("popuation"))
        #expect(message.contains("1.1"))
        #expect(message.contains("cutoff"))
        #expect(message.hasPrefix("配置有 3 处问题：\n"))
        #expect(message.split(separator: "\n").count == 4, "the count, then one line per problem")
    }

    @Test func yamlSyntaxErrorNamesTheLine() throws {
        let message = try failure("county: 测试县\nfunds: {allocated: 1\n")
        #expect(message.hasPrefix("配置文件「config.yaml」第 "))
        #expect(message.contains("花括号 { } 或方括号 [ ] 中的项目应以英文逗号“,”分隔，并以 } 或 ] 结束"))
        #expect(!message.contains("expected"), "no English parser words")
    }

    @Test func pathsAreRelativeToTheConfigAndGlobsExpandSorted() throws {
        let county = try County()
        try county.write("data/signins/b.csv", Inputs.signins(day: 2, persons: [1]))
        try county.write("data/signins/a.csv", Inputs.signins(day: 1, persons: [0]))
        try county.write("data/signins/2021/c.csv", Inputs.signins(day: 3, persons: [2]))
        try county.write("data/signins/~$a.csv", "lock")
        try county.write("data/signins/notes.txt", "not a sheet")
        try county.write("data/villages.csv", Inputs.villages(3))
        let config = try county.config("""
            county: 测试县
            inputs:
              villages: data/villages.csv
              signins: [data/signins/*.csv, "data/**/c.csv"]
            output: out/自评表.xlsx
            """)
        let root = county.directory.standardizedFileURL.path
        #expect(config.sources.signins == ["\(root)/data/signins/a.csv", "\(root)/data/signins/b.csv", "\(root)/data/signins/2021/c.csv"])
        #expect(config.sources.villages == ["\(root)/data/villages.csv"])
        #expect(config.output == "\(root)/out/自评表.xlsx")
        #expect(config.inputScope.named == ["villages", "signins"])

        let deep = try county.config("county: 测试县\ninputs: {signins: \"data/**/*.csv\"}\n")
        #expect(deep.sources.signins.count == 4, "** matches no directory too: data/villages.csv is one")
        #expect(deep.sources.signins.allSatisfy { !$0.contains("~$") }, "Excel's lock files are not inputs")
    }

    @Test func aGlobMatchingNothingOrAMissingFileIsAnError() throws {
        let glob = try failure("county: 测试县\ninputs: {signins: [data/*.xlsx]}\n")
        #expect(glob.contains("第 3 行：inputs.signins 的“data/*.xlsx”没有匹配到任何文件"))
        let file = try failure("county: 测试县\ninputs: {villages: 没有.xlsx}\n")
        #expect(file.contains("inputs.villages 的文件不存在：没有.xlsx"))
    }

    @Test func valuesAndSettingsReachRoster() throws {
        let county = try County()
        try county.write("v.csv", "说明\n\n甲,乙,丙\n坪石镇,水口村,是\n")
        let config = try county.config("""
            county: 乐昌市
            cutoff: 2021-08-31
            population: {resident: 420000}
            funds: {allocated: 5000000, disbursed: 4167785.00}
            inputs: {villages: v.csv}
            poor: {labor_values: [普通劳动力], exclude_migrant: false, accept_probable: true, confirmed_labor_population: 1200}
            aliases: {坪石镇: {老水口村: 水口村}}
            province: "44"
            columns:
              v.csv: {header_row: 3, 镇: A, 村: B, isPoorVillage: C}
            facts:
              center_opened: 2020-01-15
              online_retail: {previous: 120000000, current: 150000000}
              media: {provincial: 1, county: 3}
            """)
        #expect(config.cutoff == CalendarDate(year: 2021, month: 8, day: 31))
        #expect(config.population == 420_000)
        #expect(config.funds == Config.Funds(allocated: 5_000_000, disbursed: Decimal("4167785")))
        #expect(config.sources.poor.laborValues == ["普通劳动力"])
        #expect(!config.sources.poor.excludeMigrant)
        #expect(config.sources.poor.acceptProbable)
        #expect(config.sources.poor.confirmedLaborPopulation == 1200)
        #expect(config.sources.villageAliases == ["坪石镇": ["老水口村": "水口村"]])
        #expect(config.sources.province == "44")
        #expect(config.facts["online_retail"] == .table(["previous": 120_000_000, "current": 150_000_000]))
        #expect(config.facts["center_opened"] == .date(CalendarDate(year: 2020, month: 1, day: 15)!))
        let mapping = try #require(config.sources.fixedMappings[config.sources.villages[0]])
        #expect(mapping.headerRows == [2])
        #expect(mapping.column(.town) == 0)
        #expect(mapping.column(.village) == 1)
        #expect(mapping.column(.isPoorVillage) == 2)
        // The fixed mapping is what reads the file: its header matches no alias.
        let evidence = Evidence.load(config.sources)
        #expect(evidence.coverage.adminVillages == 1)
        #expect(evidence.coverage.poorVillages == 1)
    }

    @Test func columnsMustNameInputsAndKnownRoles() throws {
        let files = ["v.csv": Inputs.villages(2)]
        let notInput = try failure("county: 测试县\ninputs: {villages: v.csv}\ncolumns: {other.csv: {header_row: 1}}\n", files: files)
        #expect(notInput.contains("不是 inputs 列出的文件"))
        let role = try failure("county: 测试县\ninputs: {villages: v.csv}\ncolumns: {v.csv: {header_row: 1, 姓命: A}}\n", files: files)
        #expect(role.contains("“姓命”不是已知的列，是否应为“姓名”？"))
        let letter = try failure("county: 测试县\ninputs: {villages: v.csv}\ncolumns: {v.csv: {header_row: 1, 镇: \"1\"}}\n", files: files)
        #expect(letter.contains("列应写作字母"))
    }

    @Test func templateIsFoundByIdOrPath() throws {
        let county = try County()
        let byPath = try county.config("county: 测试县\n")
        #expect(byPath.templateFile == County.guangdong)
        try county.write("templates/guangdong-2019.yaml", try String(contentsOfFile: County.guangdong, encoding: .utf8))
        let byID = try county.config("county: 测试县\ntemplate: guangdong-2019\n")
        #expect(byID.templateFile.hasPrefix(county.directory.path), "templates/ beside the config comes before the package's")
        let wrong = try failure("county: 测试县\ntemplate: guangdong-2091\n")
        #expect(wrong.contains("找不到模板“guangdong-2091”，是否应为“guangdong-2019”？"))
    }

    @Test func configSavedAsGB18030IsRead() throws {
        let county = try County()
        let text = "template: \(County.guangdong)\ncounty: 乐昌市\nmanual: {\"1.1\": 2}\n"
        let data = try #require(text.data(using: String.Encoding(rawValue: 0x8000_0632)))
        #expect(String(data: data, encoding: .utf8) == nil, "the bytes are not UTF-8")
        let path = county.directory.appendingPathComponent("config.yaml")
        try data.write(to: path)
        let config = try Config.load(path: path.path)
        #expect(config.county == "乐昌市")
        #expect(try failure("county: \"  \"\n").contains("county 不能为空"))
        #expect(try failure("population: {resident: 1}\n").contains("缺少 county"))
    }

    @Test func suggestionUsesEditDistance() {
        #expect(Suggestion.distance("popuation", "population") == 1)
        #expect(Suggestion.closest(to: "popuation", in: Config.topLevelKeys) == "population")
        #expect(Suggestion.closest(to: "xyz", in: Config.topLevelKeys) == nil)
    }
}

@Suite struct WorkbenchConfigKeyTests {
    @Test func sheetsExcludedAndDecisionsAreRead() throws {
        let county = try County()
        try county.write("files/a.csv", "姓名,身份证号\n")
        try county.write("files/说明.docx", "x")
        try county.write("decisions.yaml", "# 核查\nr3-0123456789abcdef: same\nr4-fedcba9876543210: 不是同一人\n")
        let config = try county.config("""
            county: 乐昌市
            inputs: {signins: [files/a.csv]}
            sheets:
              files/a.csv:
                第一期: {skip: true}
                第二期: {split_by_date: true}
            excluded: [files/说明.docx]
            decisions: decisions.yaml
            """)
        let a = county.directory.appendingPathComponent("files/a.csv").standardizedFileURL.path
        #expect(config.sources.sheetOptions[a]?["第一期"] == SheetOptions(skip: true))
        #expect(config.sources.sheetOptions[a]?["第二期"] == SheetOptions(splitByDate: true))
        #expect(config.excluded.map { ($0 as NSString).lastPathComponent } == ["说明.docx"])
        #expect(config.sources.decisions == ["r3-0123456789abcdef": .same, "r4-fedcba9876543210": .different])
    }

    @Test func aBadDecisionNamesItsFileAndLine() throws {
        let county = try County()
        try county.write("decisions.yaml", "r3-0123456789abcdef: maybe\n")
        #expect(throws: ConfigError.self) { try county.config("county: 乐昌市\ndecisions: decisions.yaml\n") }
        do { _ = try county.config("county: 乐昌市\ndecisions: decisions.yaml\n") } catch let error as ConfigError {
            #expect(error.description == "核查决定文件「decisions.yaml」第 1 行：核查决定应写 same（是同一人）或 different（不是同一人），实际是“maybe”")
        }
    }
}
