import Foundation
import Roster
import Testing
import TestSupport
@testable import Scoring

@Suite struct TemplateTests {
    static let example = TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/templates/example-province-2022.yaml").path

    @Test func guangdongHasTheOfficialStructureAndIds() throws {
        let template = try Template.load(path: County.guangdong)
        #expect(template.id == "guangdong-2019")
        #expect(template.leaves.map(\.id) == [
            "1.1", "1.2", "1.3", "1.4.a", "1.4.b",
            "2.1.a", "2.1.b", "2.1.c", "2.1.d", "2.1.e", "2.1.f", "2.1.g", "2.1.h", "2.1.i", "2.1.j", "2.1.k", "2.1.l",
            "2.2.a", "2.2.b", "2.2.c", "2.2.d", "2.2.e", "2.2.f", "2.3.a", "2.3.b",
            "3.1.a", "3.1.b", "3.2.a", "3.2.b", "4.1", "4.2", "5.1", "5.2", "5.3", "B.1", "B.2", "V.1", "V.2", "V.3",
        ])
        #expect(template.sections.map(\.task) == ["加强组织领导与统筹协调", "深入推动电子商务进农村工作", "加强信息公开及报送",
                                                  "加强宣传推广", "加强财政资金管理", "加分项", "一票否决项"])
        #expect(template.sections.map(\.points) == [10, 55, 10, 10, 15, 4, 0])
        #expect(template.sections.map(\.kind) == [.scored, .scored, .scored, .scored, .scored, .bonus, .veto])
        #expect(template.fullMarks == 100)
        let service = template.sections[1].rows
        #expect(service[0].name == "服务体系建设" && service[0].weight == 25 && !service[0].continuesPrevious)
        #expect(service[1].continuesPrevious && service[1].weight == nil)
        #expect(service[1].leaves.map(\.id) == ["2.1.k", "2.1.l"])
        #expect(service[0].criterion.contains("建成后已正常运行6个月(截至2021年8月31日)以上(2分)"))
        #expect(template.sections[4].rows[2].criterion == "资金支出率70%以上，且根据创建进度及时拨付（1-5分）；资金支出率低于70%倒扣5分。")
        #expect(template.leaf("2.3.a")?.rule == .bands(metric: "training_coverage_rate", bands: [
            Band(threshold: Decimal("0.01"), points: 10), Band(threshold: Decimal("0.008"), points: 8), Band(threshold: Decimal("0.006"), points: 6),
        ], otherwise: 0))
        #expect(template.leaf("5.3")?.rule == .gate(metric: "fund_disbursement_rate", threshold: Decimal("0.7"), allowed: [5, 4, 3, 2, 1, 0], below: -5))
        #expect(template.leaf("1.1")?.rule == .manual(allowed: [2, 1, 0]))
        #expect(template.caps == Template.Caps(population: 500_000, villages: 200))
        #expect(Set(template.factKeys) == ["center_opened", "park_enterprises", "park_enterprise_types", "logistics_villages",
                                           "online_retail", "progress", "media"])
    }

    func invalid(_ yaml: String) throws -> String {
        let county = try County()
        let path = try county.write("bad.yaml", yaml)
        do {
            _ = try Template.load(path: path)
        } catch let error as ConfigError {
            #expect(error.fileKind == "模板文件")
            return error.description
        }
        Issue.record("the template loaded")
        return ""
    }

    static let header = "id: t\ntitle: T\nsections:\n  - id: S\n    task: 任务\n    points: 4\n    rows:\n"

    @Test func validationFindsTemplateMistakes() throws {
        let duplicate = try invalid(Self.header + """
                  - id: R
                    name: 甲
                    leaves:
                      - {id: L, name: a, max: 2, manual: [2]}
                      - {id: L, name: b, max: 2, manual: [2]}
            """)
        #expect(duplicate.contains("评分项 id “L”重复"))
        let unordered = try invalid(Self.header + """
                  - id: R
                    leaves:
                      - {id: L, max: 4, bands: {metric: training_coverage_rate, bands: [{at_least: 1%, points: 2}, {at_least: 2%, points: 4}]}}
            """)
        #expect(unordered.contains("分档须按门槛从高到低排列"))
        let unknownMetric = try invalid(Self.header + """
                  - id: R
                    leaves:
                      - {id: L, max: 4, threshold: {metric: training_coverage_rat, at_least: 1%, points: 4}}
            """)
        #expect(unknownMetric.contains("引用了未知指标 training_coverage_rat，是否应为 training_coverage_rate？"))
        let weight = try invalid(Self.header + """
                  - id: R
                    weight: 3
                    leaves:
                      - {id: L, max: 4, manual: [4]}
            """)
        #expect(weight.contains("权重 3 与其评分项满分之和 4 不一致"))
        let overMax = try invalid(Self.header + """
                  - id: R
                    leaves:
                      - {id: L, max: 4, manual: [5]}
            """)
        #expect(overMax.contains("可得 5 分，超过满分 4"))
        let typo = try invalid(Self.header + """
                  - id: R
                    leaves:
                      - {id: L, max: 4, manaul: [4]}
            """)
        #expect(typo.contains("“manaul”") && typo.contains("是否应为“manual”"))
    }

    /// An invented index of another province: other ids, weights and rule mixes, scored by
    /// the same code.
    @Test func anotherProvincesTemplateIsScoredByTheSameCode() throws {
        let county = try County()
        try county.write("s1.csv", Inputs.signins(day: 1, persons: Array(0..<40)))
        try county.write("s2.csv", Inputs.signins(day: 2, persons: Array(0..<20)))
        try county.write("v.csv", Inputs.villages(4))
        try county.write("st.csv", Inputs.stations(in: [0, 1, 2, 3, 3]))
        let evaluation = try county.evaluate("""
            county: 某县
            cutoff: 2022-12-31
            population: {resident: 3000}
            inputs: {signins: "s*.csv", villages: v.csv, stations: st.csv}
            facts:
              towns: 8
              cold_chain_towns: 4
              satisfaction: 89.6%
              farm_sales: {previous: 1000, current: 1100}
              reports: {national: 1, local: 5}
              started: 2022-01-01
            manual: {B1-cold: 2, B2-judge: 3}
            """, template: Self.example)
        #expect(evaluation.template.id == "example-province-2022")
        #expect(evaluation.leaves.map(\.id) == ["A1-x", "A2-x", "B1-cold", "B1-sat", "B1-media", "B2-growth", "B2-judge", "X1-sat"])
        #expect(evaluation.leaf("A1-x")?.score == 12, "60 person-times / 3000 = 2%")
        #expect(evaluation.leaf("A2-x")?.score == 8, "4 of 4 villages; two stations in one village count once")
        #expect(evaluation.leaf("B1-cold")?.score == 2, "50% exactly passes the gate")
        #expect(evaluation.leaf("B1-sat")?.score == 1)
        #expect(evaluation.leaf("B1-sat")?.nearThreshold == true, "89.6% is 0.4 points below 90%")
        #expect(evaluation.leaf("B1-media")?.score == 6, "3 + 5 = 8 per report, capped at 6")
        #expect(evaluation.leaf("B2-growth")?.score == 3, "10% exactly")
        #expect(evaluation.leaf("B2-judge")?.score == 3)
        #expect(evaluation.leaf("X1-sat")?.vetoed == false)
        #expect(evaluation.total == 35)
        #expect(evaluation.metric("cold_chain_rate")?.value == 0.5)
        #expect(evaluation.metric("training_coverage_rate")?.value == 0.02)

        let worse = try county.evaluate("""
            county: 某县
            population: {resident: 3000}
            facts: {towns: 8, cold_chain_towns: 3, satisfaction: 59%}
            manual: {B1-cold: 4}
            """, template: Self.example)
        #expect(worse.leaf("B1-cold")?.score == -2)
        #expect(worse.leaf("X1-sat")?.vetoed == true)
        #expect(worse.veto)
        #expect(worse.leaf("A1-x")?.basis == .missing, "no sign-ins named")
        let wrongFact = #expect(throws: ConfigError.self, "guangdong's facts are unknown to this template") {
            _ = try county.config("county: 某县\nfacts: {center_opened: 2020-01-01}\n", template: Self.example)
        }
        #expect(wrongFact?.description.contains("未知的配置项“center_opened”（在 facts 下）") == true)
    }
}
