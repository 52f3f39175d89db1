import Foundation
import Roster
import Testing
import TestSupport
@testable import Scoring

/// Each rule type on its exact thresholds, through `LeafScorer` with exact metric values.
@Suite struct RuleTests {
    let template: Template
    let config: Config

    init() throws {
        template = try Template.load(path: County.guangdong)
        config = try County().config("county: 测试县\n")
    }

    func score(_ leafID: String, _ metrics: [String: (Decimal, Decimal)], rate: Bool = true, config: Config? = nil) -> LeafResult {
        var drafts: [MetricKey: MetricDraft] = [:]
        for (key, (n, d)) in metrics {
            drafts[MetricKey(key)] = MetricDraft(key: MetricKey(key), label: key, value: Exact(numerator: n, denominator: d, isRate: rate),
                                      formula: "\(key)", note: "")
        }
        let leaf = template.leaf(leafID)!
        return LeafScorer(config: config ?? self.config, metrics: drafts).score(leaf)
    }

    @Test(arguments: [
        // (person-times, population base, points, near threshold)
        (50, 5000, 10, true),                 // exactly 1%
        (99_999, 10_000_000, 8, true),        // 0.99999%
        (40, 5000, 8, true),                  // exactly 0.8%
        (30, 5000, 6, true),                  // exactly 0.6%
        (2999, 500_000, 0, true),             // 0.5998%
        (4385, 420_000, 10, true),            // 乐昌: 1.04%, within 0.5 points of 1%
        (5038, 500_000, 10, true),            // 清新: 1.0076%
        (4, 5000, 0, false),                  // 0.08%: 0.52 points below 0.6%
        (5, 5000, 0, true),                   // 0.1%: exactly 0.5 points below 0.6%
    ])
    func trainingCoverageBands(_ times: Int, _ base: Int, _ points: Int, _ near: Bool) {
        let result = score("2.3.a", ["training_coverage_rate": (Decimal(times), Decimal(base))])
        #expect(result.score == Decimal(points))
        #expect(result.basis == .computed)
        #expect(result.nearThreshold == near)
    }

    @Test func bandExplanationNamesTheFiguresAndTheBand() throws {
        let county = try County()
        try county.write("s.csv", Inputs.signins(day: 1, persons: Array(0..<41)))
        let evaluation = try county.evaluate("""
            county: 测试县
            population: {resident: 4100}
            inputs: {signins: s.csv}
            """)
        let leaf = try #require(evaluation.leaf("2.3.a"))
        #expect(leaf.explanation == "培训人次 41 ÷ 常住人口基数 4100 = 1.00%，达到 1% 及以上，得 10 分")
    }

    @Test func villageCoverageBands() {
        #expect(score("2.1.k", ["village_coverage_rate": (137, 195)]).score == 5)      // 70.26%
        #expect(score("2.1.k", ["village_coverage_rate": (137, 195)]).nearThreshold)
        #expect(score("2.1.k", ["village_coverage_rate": (140, 200)]).score == 5)      // exactly 70%
        #expect(score("2.1.k", ["village_coverage_rate": (139, 200)]).score == 2)      // 69.5%
        #expect(score("2.1.k", ["village_coverage_rate": (100, 200)]).score == 2)      // exactly 50%
        #expect(score("2.1.k", ["village_coverage_rate": (99, 200)]).score == 0)
        #expect(!score("2.1.k", ["village_coverage_rate": (140, 186)]).nearThreshold)  // 75.27%
        #expect(score("2.1.l", ["poor_village_coverage_rate": (39, 39)]).score == 5)
        #expect(score("2.1.l", ["poor_village_coverage_rate": (38, 39)]).score == 3)   // 97.4%
        #expect(score("2.1.l", ["poor_village_coverage_rate": (4, 5)]).score == 3)     // exactly 80%
        #expect(score("2.1.l", ["poor_village_coverage_rate": (3, 4)]).score == 0)
    }

    @Test func fundGateTakesTheManualScoreFrom70PercentAndPenalisesBelow() throws {
        let withManual = try County().config("county: 测试县\nmanual: {\"5.3\": 4}\n")
        let exactly = score("5.3", ["fund_disbursement_rate": (3_500_000, 5_000_000)], config: withManual)
        #expect(exactly.score == 4)
        #expect(exactly.basis == .manual)
        #expect(exactly.nearThreshold)
        let below = score("5.3", ["fund_disbursement_rate": (3_499_230, 5_000_000)], config: withManual)  // 69.98%
        #expect(below.score == -5)
        #expect(below.basis == .computed)
        #expect(below.explanation.contains("低于 70%，得 -5 分"))
        let noManual = score("5.3", ["fund_disbursement_rate": (Decimal("4167785.00"), 5_000_000)])
        #expect(noManual.score == nil)
        #expect(noManual.basis == .missing, "a passed gate needs the judgment score: never a silent 0")
        #expect(score("5.3", [:]).basis == .missing)

        // 清新区: 3 499 230 of 5 000 000 is 69.98%, below 70% by the letter of the rule.
        let qingxin = try County().evaluate("county: 清新区\nfunds: {allocated: 5000000, disbursed: 3499230}\nmanual: {\"5.1\": 5, \"5.3\": 5}\n")
        #expect(qingxin.leaf("5.3")?.score == -5)
        #expect(qingxin.leaf("5.3")?.explanation == "已支出 3499230 元 ÷ 安排资金 5000000 元 = 69.98%，低于 70%，得 -5 分（已填写的人工评分不适用）")
        #expect(qingxin.total == 0, "the penalty is part of the total")
    }

    @Test func thresholdsOnCountsAndRates() {
        #expect(score("2.1.i", ["park_enterprises": (20, 1)], rate: false).score == 2)
        #expect(score("2.1.i", ["park_enterprises": (19, 1)], rate: false).score == 0)
        #expect(!score("2.1.i", ["park_enterprises": (20, 1)], rate: false).nearThreshold, "counts are never 临界")
        #expect(score("2.1.j", ["park_enterprise_types": (3, 1)], rate: false).score == 1)
        #expect(score("2.2.d", ["logistics_village_rate": (195, 195)]).score == 1)
        #expect(score("2.2.d", ["logistics_village_rate": (194, 195)]).score == 0)
        #expect(score("2.2.f", ["online_retail_growth": (30_000_000, 100_000_000)]).score == 2)  // exactly 30%
        #expect(score("2.2.f", ["online_retail_growth": (29_999_999, 100_000_000)]).score == 0)
    }

    @Test func bonusAt70Percent() {
        #expect(score("B.1", ["poor_training_rate": (7, 10)]).score == 2)
        #expect(score("B.1", ["poor_training_rate": (6999, 10_000)]).score == 0)
        #expect(score("B.1", ["poor_training_rate": (6999, 10_000)]).nearThreshold)
        #expect(score("2.3.b", ["poor_training_rate": (1, 2)]).score == 10)
        #expect(score("2.3.b", ["poor_training_rate": (333, 12_466)]).score == 0)  // 清新 2.67%
    }

    @Test func monthsToTheCutoff() throws {
        let day = { (y: Int, m: Int, d: Int) in CalendarDate(year: y, month: m, day: d)! }
        #expect(day(2020, 1, 15).wholeMonths(to: day(2021, 8, 31)) == 19)
        #expect(day(2021, 3, 1).wholeMonths(to: day(2021, 8, 31)) == 5)
        #expect(day(2021, 2, 28).wholeMonths(to: day(2021, 8, 31)) == 6)
        #expect(day(2021, 3, 1).wholeMonths(to: day(2021, 9, 1)) == 6)
        #expect(day(2021, 3, 2).wholeMonths(to: day(2021, 9, 1)) == 5)
        #expect(day(2021, 1, 31).wholeMonths(to: day(2021, 2, 28)) == 1, "the end of a shorter month is a whole month")
        let county = try County()
        let opened = { (date: String) throws -> LeafResult? in
            try county.evaluate("county: 测试县\ncutoff: 2021-08-31\nfacts: {center_opened: \(date)}\n").leaf("2.1.b")
        }
        #expect(try opened("2021-02-28")?.score == 2)
        #expect(try opened("2021-03-01")?.score == 0)
    }

    @Test func mediaLevelsCountOncePerLevelUpTo8() throws {
        let county = try County()
        let media = { (facts: String) throws -> LeafResult? in
            try county.evaluate("county: 测试县\nfacts: {media: \(facts)}\n").leaf("4.2")
        }
        #expect(try media("{provincial: 1, county: 1}")?.score == 5, "乐昌: one provincial and one county report")
        #expect(try media("{provincial: 3, municipal: 2, county: 9}")?.score == 8)
        #expect(try media("{municipal: 2}")?.score == 3)
        #expect(try media("{provincial: 0, municipal: 0, county: 0}")?.score == 0)
        #expect(try county.evaluate("county: 测试县\n").leaf("4.2")?.basis == .missing)
    }

    @Test func vetoIsManualOrComputedFromProgress() throws {
        let county = try County()
        let flagged = try county.evaluate("county: 测试县\nmanual: {\"1.1\": 2, \"V.1\": false, \"V.3\": true}\n")
        #expect(flagged.veto)
        #expect(flagged.leaf("V.3")?.vetoed == true)
        #expect(flagged.leaf("V.3")?.score == 0)
        #expect(flagged.leaf("V.1")?.vetoed == false)
        #expect(flagged.total == 2, "the total is still reported beside the veto")
        let slow = try county.evaluate("county: 测试县\nfacts: {progress: 39.99%}\n")
        #expect(slow.veto)
        #expect(slow.leaf("V.2")?.basis == .computed)
        let onTime = try county.evaluate("county: 测试县\nfacts: {progress: 0.4}\n")
        #expect(!onTime.veto)
        #expect(onTime.leaf("V.2")?.vetoed == false)
        #expect(onTime.leaf("V.2")?.nearThreshold == true)
        #expect(try county.evaluate("county: 测试县\n").leaf("V.2")?.basis == .missing)
    }

    @Test func missingIsNotZero() throws {
        let county = try County()
        let evaluation = try county.evaluate("county: 测试县\nmanual: {\"1.1\": 0, \"1.2\": 2}\n")
        let zero = try #require(evaluation.leaf("1.1"))
        #expect(zero.score == 0)
        #expect(zero.basis == .manual)
        let unscored = try #require(evaluation.leaf("1.3"))
        #expect(unscored.score == nil)
        #expect(unscored.basis == .missing)
        let noData = try #require(evaluation.leaf("2.3.a"))
        #expect(noData.score == nil)
        #expect(noData.basis == .missing)
        #expect(noData.explanation.contains("缺少数据"))
        #expect(evaluation.total == 2)
        #expect(evaluation.missing.map(\.id).contains("2.3.a"))
        #expect(!evaluation.missing.map(\.id).contains("1.1"))
        let row = try #require(Template.load(path: County.guangdong).sections[0].rows.first { $0.id == "1.3" })
        #expect(evaluation.score(of: row) == nil, "a row with nothing scored has no score")
    }

    @Test func overrideOfAComputedLeafIsExplicitAndMarked() throws {
        let county = try County()
        try county.write("v.csv", Inputs.villages(10))
        try county.write("s.csv", Inputs.stations(in: Array(0..<6)))
        let computed = try county.evaluate("county: 测试县\ninputs: {villages: v.csv, stations: s.csv}\n")
        #expect(computed.leaf("2.1.k")?.score == 2)
        #expect(computed.leaf("2.1.k")?.overridden == false)
        let overridden = try county.evaluate("county: 测试县\ninputs: {villages: v.csv, stations: s.csv}\noverrides: {\"2.1.k\": 5}\n")
        let leaf = try #require(overridden.leaf("2.1.k"))
        #expect(leaf.score == 5)
        #expect(leaf.overridden)
        #expect(leaf.basis == .manual)
        #expect(leaf.explanation.contains("按数据计算：2 分"))
    }
}
