import Foundation
import Roster
@testable import Scoring
import TestSupport

/// A small county made at test time: sign-in, village, station and registry workbooks written
/// by openpyxl, read by Roster, scored by Scoring against a template shaped like guangdong-2019.
struct ReportFixture {
    let dir: URL
    let inputs: [String]
    let evidence: Evidence
    let evaluation: Evaluation

    static func id(_ body: String) -> String { body + String(IDNumber.checkCharacter(body)!) }
    static let zhang = id("44028119850312101"), li = id("44028119900101102"), wang = id("44028119700505203")
    static let qian = id("44028119920229104"), sun = id("44028119880808105")
    static var fullIDs: [String] { [zhang, li, wang, qian, sun] }
    static let phones = ["13812345678", "13912345678", "13712345678", "13600001111"]

    static let makeInputs = """
        import sys, openpyxl
        out, zhang, li, wang, qian, sun = sys.argv[1:7]
        wb = openpyxl.Workbook()
        s = wb.active; s.title = "第一期"
        s.append(["乐昌市农村电商培训签到表"])
        s.append(["培训时间：2020年7月15日    培训地点：坪石镇电商服务中心"])
        s.append(["序号", "姓名", "性别", "身份证号码", "手机号码", "镇", "村"])
        s.append([1, "张三", "男", zhang, "13812345678", "坪石镇", "水口村"])
        s.append([2, "李四", "女", li, "13912345678", "坪石镇", "水口村"])
        s.append([3, "张三", "男", zhang, "13812345678", "坪石镇", "水口村"])
        s.append([4, "王五", "男", wang, "13712345678", "北乡镇", "茶料村"])
        s.append([5, "孙九", "男", "", "", "北乡镇", "新村"])
        s = wb.create_sheet("第二期")
        s.append(["培训时间：2020年8月3日"])
        s.append(["序号", "姓名", "身份证号码", "手机号码", "镇", "村"])
        s.append([1, "张三", zhang, "13812345678", "坪石镇", "水口村"])
        s.append([2, "赵六", "", "13600001111", "北乡镇", "新村"])
        s.append([3, "孙九", "", "", "北乡镇", "新村"])
        wb.save(out + "/signins.xlsx")

        wb = openpyxl.Workbook(); s = wb.active; s.title = "行政村"
        for row in [["序号", "镇", "村", "是否省定贫困村"], [1, "坪石镇", "水口村委会", "是"], [2, "坪石镇", "北高岭村", "否"],
                    [3, "坪石镇", "水口居委会", ""], [4, "北乡镇", "茶料村", "是"], [5, "北乡镇", "新村", "否"]]:
            s.append(row)
        wb.save(out + "/villages.xlsx")

        wb = openpyxl.Workbook(); s = wb.active; s.title = "站点"
        for row in [["站点名称", "镇", "村", "联系人", "电话"], ["坪石镇水口村电商服务站", "坪石镇", "水口村", "张三", "13812345678"],
                    ["茶料村服务点", "北乡镇", "茶料村", "", ""], ["坪石镇镇级服务中心（值班 138-0000-1111）", "坪石镇", "", "", ""],
                    ["九峰镇山村站", "九峰镇", "山村", "", ""]]:
            s.append(row)
        wb.save(out + "/stations.xlsx")

        wb = openpyxl.Workbook(); s = wb.active; s.title = "建档立卡"
        for row in [["户编号", "姓名", "证件号码", "与户主关系", "劳动技能", "务工状况", "乡（镇）", "行政村"],
                    ["H1", "张三", zhang, "户主", "普通劳动力", "乡（镇）内务工", "坪石镇", "水口村"],
                    ["H2", "李四", li, "户主", "丧失劳动力", "", "坪石镇", "水口村"],
                    ["H3", "钱七", qian, "户主", "技能劳动力", "", "北乡镇", "茶料村"],
                    ["H4", "孙八", sun, "户主", "普通劳动力", "省外务工", "北乡镇", "茶料村"]]:
            s.append(row)
        wb.save(out + "/poor.xlsx")
        """

    init() throws {
        let base = try TestSupport.temporaryDirectory("report")
        dir = base
        let made = try TestSupport.run("python3", ["-c", Self.makeInputs, base.path, Self.zhang, Self.li, Self.wang, Self.qian, Self.sun])
        guard made.status == 0 else { throw TestFailure("openpyxl could not make the inputs: \(made.stderr)") }
        func file(_ name: String) -> String { base.appendingPathComponent(name).path }
        var sources = EvidenceSources()
        sources.signins = [file("signins.xlsx")]
        sources.villages = [file("villages.xlsx")]
        sources.stations = [file("stations.xlsx")]
        sources.registry = [file("poor.xlsx")]
        inputs = sources.signins + sources.villages + sources.stations + sources.registry
        evidence = Evidence.load(sources)
        var named = Config.InputScope()
        named.named = ["signins", "villages", "stations", "poor_registry"]
        let config = Config(path: file("kaoping.yaml"), county: "乐昌市", templateName: "test-2019", templateFile: file("test.yaml"),
                            template: Self.template(file("test.yaml")),
                            cutoff: CalendarDate(year: 2021, month: 8, day: 31), population: 800,
                            funds: .init(allocated: 5_000_000, disbursed: 3_499_230), inputScope: named,
                            facts: [:], manual: ["1.1": .number(2), "1.4.a": .number(2), "1.4.b": .number(1), "2.1.a": .number(2),
                                                 "5.3": .number(5), "V.1": .flag(false)],
                            overrides: [:], output: nil, sources: sources)
        evaluation = Evaluator.evaluate(config: config, evidence: evidence)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    /// Expected 自评得分 by data row of the index sheet (G5 onwards), as written.
    static let expectedScores: [String] = ["2", "3", "2", "7", "缺", "18", "-5", "0", "否", "未判定"]
    static let expectedTotal = 27.0

    static func template(_ path: String) -> Template {
        func rate(_ metric: MetricKey, _ steps: [(String, Decimal)], _ otherwise: Decimal = 0) -> Rule {
            .bands(metric: metric, bands: steps.map { Band(threshold: Decimal(string: $0.0)!, points: $0.1) }, otherwise: otherwise)
        }
        func row(_ id: String, _ name: String, _ weight: Decimal?, _ leaves: [Leaf], continues: Bool = false) -> IndexRow {
            IndexRow(id: id, name: name, weight: weight, continuesPrevious: continues,
                     explanation: "\(name)的指标解释，按官方表格原文填写，文字较长时自动换行显示。",
                     criterion: "\(name)的评分标准（1-2分）；其他情况不得分。", evidence: "\(name)的佐证材料清单", leaves: leaves)
        }
        let manual12: Rule = .manual(allowed: [1, 2])
        return Template(id: "test-2019", title: "2019年省级电子商务进农村综合示范创建考评指标体系", sections: [
            Section(id: "1", task: "加强组织领导与统筹协调", points: 10, kind: .scored, rows: [
                row("1.1", "组织领导", 2, [Leaf(id: "1.1", name: "组织领导", max: 2, rule: manual12)]),
                row("1.4", "项目管理", 4, [Leaf(id: "1.4.a", name: "制度落实", max: 2, rule: manual12),
                                          Leaf(id: "1.4.b", name: "工作台账", max: 2, rule: manual12)]),
            ]),
            Section(id: "2", task: "深入推动电子商务进农村工作", points: 55, kind: .scored, rows: [
                row("2.1", "服务体系建设", 25, [Leaf(id: "2.1.a", name: "中心建成", max: 2, rule: manual12)]),
                row("2.1+", "服务体系建设", nil, [
                    Leaf(id: "2.1.k", name: "行政村覆盖率", max: 5, rule: rate("village_coverage_rate", [("0.7", 5), ("0.5", 2)])),
                    Leaf(id: "2.1.l", name: "贫困村覆盖率", max: 5, rule: rate("poor_village_coverage_rate", [("1", 5), ("0.8", 3)])),
                ], continues: true),
                row("2.2", "农村产品上行", 10, [Leaf(id: "2.2.d", name: "行政村物流快递覆盖率", max: 1,
                                                  rule: .threshold(metric: "logistics_coverage_rate", threshold: 1, points: 1))]),
                row("2.3", "电商人才培训", 20, [
                    Leaf(id: "2.3.a", name: "培训人次/常住人口", max: 10,
                         rule: rate("training_coverage_rate", [("0.01", 10), ("0.008", 8), ("0.006", 6)])),
                    Leaf(id: "2.3.b", name: "贫困人口培训率", max: 10, rule: rate("poor_training_rate", [("0.5", 10), ("0.4", 8), ("0.3", 6)])),
                ]),
            ]),
            Section(id: "5", task: "加强财政资金管理", points: 15, kind: .scored, rows: [
                row("5.3", "资金支出", 5, [Leaf(id: "5.3", name: "资金支出", max: 5,
                                              rule: .gate(metric: "fund_disbursement_rate", threshold: Decimal(string: "0.7")!,
                                                          allowed: [1, 2, 3, 4, 5], below: -5))]),
            ]),
            Section(id: "B", task: "加分项", points: 4, kind: .bonus, rows: [
                row("B.1", "", nil, [Leaf(id: "B.1", name: "贫困人口培训率70%及以上", max: 2,
                                          rule: .threshold(metric: "poor_training_rate", threshold: Decimal(string: "0.7")!, points: 2))]),
            ]),
            Section(id: "V", task: "一票否决项", points: 0, kind: .veto, rows: [
                row("V.1", "", nil, [Leaf(id: "V.1", name: "安全质量事故", max: 0, rule: .veto(metric: nil, below: nil))]),
                row("V.3", "", nil, [Leaf(id: "V.3", name: "弄虚作假", max: 0, rule: .veto(metric: nil, below: nil))]),
            ]),
        ], derivedMetrics: [], caps: .init(population: 500_000, villages: 200), path: path)
    }
}
