import Foundation
import Roster
import Testing
import TestSupport
@testable import Scoring

/// Whole evaluations from CSV inputs written at test time.
@Suite struct EvaluationTests {
    /// Inputs equivalent to 乐昌市's report: 4 385 person-times, 195 行政村 with 137 covered,
    /// 39 poor villages all covered, funds 4 167 785.00 of 5 000 000, and its judgment scores.
    static func lechang() throws -> (County, String) {
        let county = try County("lechang")
        let trainees = Array(0..<877)
        for day in 1...5 {
            var sheet = Inputs.signins(day: day, persons: trainees)
            if day == 3 { sheet += "878,\(Inputs.name(5)),\(Inputs.id(5)),13900000005\n" }  // signed twice
            try county.write("data/signins/第\(day)期.csv", sheet)
        }
        try county.write("data/villages.csv", Inputs.villages(195, poor: 39))
        try county.write("data/stations.csv", Inputs.stations(in: Array(0..<137)))
        // 150 labour-able registered-poor persons, 77 of whom trained (51.33%); 10 who cannot work.
        try county.write("data/poor.csv", Inputs.registry(labor: 800..<950, other: 950..<960))
        let yaml = """
            county: 乐昌市
            cutoff: 2021-08-31
            population: {resident: 420000}
            funds: {allocated: 5000000, disbursed: 4167785.00}
            inputs:
              villages: data/villages.csv
              stations: data/stations.csv
              poor_registry: data/poor.csv
              signins: [data/signins/*.csv]
            facts:
              center_opened: 2020-01-15
              park_enterprises: 15
              park_enterprise_types: 4
              logistics_villages: 195
              online_retail: {previous: 100000000, current: 130000000}
              media: {provincial: 1, municipal: 0, county: 1}
            manual:
              "1.1": 2
              "1.2": 2
              "1.3": 2
              "1.4.a": 2
              "1.4.b": 2
              "2.1.a": 2
              "2.1.c": 2
              "2.1.d": 1
              "2.1.e": 1
              "2.1.f": 1
              "2.1.g": 1
              "2.1.h": 0
              "2.2.a": 2
              "2.2.b": 2
              "2.2.c": 1
              "2.2.e": 1
              "3.1.a": 2
              "3.1.b": 2
              "3.2.a": 3
              "3.2.b": 3
              "4.1": 0
              "5.1": 5
              "5.2": 4
              "5.3": 5
              "B.2": 0
              "V.1": false
              "V.2": false
              "V.3": false
            """
        return (county, yaml)
    }

    @Test func lechangReferenceScores89() throws {
        let (county, yaml) = try Self.lechang()
        let evaluation = try county.evaluate(yaml)
        #expect(evaluation.metric("training_person_times")?.numerator == 4385)
        #expect(evaluation.metric("population_base")?.numerator == 420_000)
        #expect(evaluation.metric("training_coverage_rate")?.value == 4385.0 / 420_000.0)
        #expect(evaluation.metric("village_coverage_rate")?.numerator == 137)
        #expect(evaluation.metric("village_coverage_rate")?.denominator == 195)
        #expect(evaluation.metric("poor_village_coverage_rate")?.value == 1)
        #expect(evaluation.metric("poor_labor_population")?.numerator == 150)
        #expect(evaluation.metric("poor_trained_persons")?.numerator == 77)
        #expect(evaluation.metric("fund_disbursement_rate")?.exact == Decimal("0.833557"))
        #expect(evaluation.leaf("2.3.a")?.explanation == "培训人次 4385 ÷ 常住人口基数 420000 = 1.04%，达到 1% 及以上，得 10 分")
        #expect(evaluation.leaf("2.1.k")?.nearThreshold == true, "70.26% is within half a point of 70%")
        #expect(evaluation.metric("village_coverage_rate")?.nearThreshold == true)
        #expect(evaluation.missing.isEmpty)
        let rows = evaluation.template.sections.filter { $0.kind != .veto }.flatMap(\.rows).map { evaluation.score(of: $0) ?? -99 }
        #expect(rows == [2, 2, 2, 4, 11, 10, 9, 20, 4, 6, 0, 5, 5, 4, 5, 0, 0])
        #expect(evaluation.total == 89)
        #expect(!evaluation.veto)
        #expect(evaluation.people == .init(signinRows: 4386, duplicateSignins: 1, distinctPersons: 877, invalidIDs: 0))
        #expect(evaluation.definitions.poorLabor.contains("普通劳动力"))
    }

    @Test func jsonFollowsTheContract() throws {
        let (county, yaml) = try Self.lechang()
        let evaluation = try county.evaluate(yaml)
        let text = evaluation.json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["county", "template", "metrics", "items", "total", "veto", "people", "issues"])
        #expect(object["county"] as? String == "乐昌市")
        #expect(object["template"] as? String == "guangdong-2019")
        let metrics = try #require(object["metrics"] as? [String: Any])
        for key in MetricKey.builtIn {
            #expect(metrics[key.rawValue] is NSNumber, "metric \(key) is a number")
        }
        // Full precision: the shortest text that reads back as the same Double. (Foundation's
        // JSONSerialization on Linux parses the last digit loosely, so compare the text.)
        #expect(text.contains("\"training_coverage_rate\": \(4385.0 / 420_000.0),"))
        #expect(text.contains("\"training_coverage_rate\": 0.010440476190476191,"))
        #expect((metrics["training_person_times"] as? NSNumber)?.intValue == 4385)
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.count == 39)
        for item in items {
            #expect(Set(item.keys) == ["id", "name", "max", "score", "basis", "near_threshold"])
            #expect(item["id"] is String && item["name"] is String && item["max"] is NSNumber)
            #expect(["computed", "manual", "missing"].contains(item["basis"] as? String ?? ""))
        }
        #expect(items.first { $0["id"] as? String == "2.1.k" }?["near_threshold"] as? Bool == true)
        #expect((object["total"] as? NSNumber)?.intValue == 89)
        #expect(object["veto"] as? Bool == false)
        let people = try #require(object["people"] as? [String: Any])
        #expect(Set(people.keys) == ["signin_rows", "duplicate_signins", "distinct_persons", "invalid_ids"])
        #expect((people["duplicate_signins"] as? NSNumber)?.intValue == 1)
        let issues = try #require(object["issues"] as? [String: Any])
        #expect(Set(issues.keys) == ["errors", "warnings"])
        // Keys in contract order, and exact numbers without float noise.
        let order = try ["\"county\"", "\"template\"", "\"metrics\"", "\"items\"", "\"total\"", "\"veto\"", "\"people\"", "\"issues\""]
            .map { key in try #require(text.range(of: key), "\(key) missing").lowerBound }
        #expect(order == order.sorted())
        #expect(text.contains("\"fund_disbursement_rate\": 0.833557,"))
        #expect(text.contains("\"total\": 89,"))
        #expect(text.contains("\"max\": 10,"))
    }

    @Test func missingScoresAreNullInJSON() throws {
        let evaluation = try County().evaluate("county: 测试县\nmanual: {\"1.1\": 0}\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.json.utf8)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        let first = try #require(items.first)
        #expect((first["score"] as? NSNumber)?.intValue == 0)
        #expect(first["basis"] as? String == "manual")
        let unscored = try #require(items.first { $0["id"] as? String == "2.3.a" })
        #expect(unscored["score"] is NSNull)
        #expect(unscored["basis"] as? String == "missing")
        let metrics = try #require(object["metrics"] as? [String: Any])
        #expect(metrics["training_coverage_rate"] is NSNull)
    }

    @Test func numbersAreWrittenWithoutFloatNoise() {
        #expect(fmt(Decimal("4167785.00")) == "4167785")
        #expect(fmt(Decimal("0.80")) == "0.8")
        #expect(fmt(Decimal(-5)) == "-5")
        #expect(percent(Exact(numerator: 3_499_230, denominator: 5_000_000, isRate: true)) == "69.98%")
        #expect(percent(Exact(numerator: 5038, denominator: 500_000, isRate: true)) == "1.01%")
    }

    @Test func populationAndVillageBasesAreCapped() throws {
        let county = try County()
        // 清新区: 5 038 person-times over 总人口 730 000, capped at 500 000.
        for day in 1...5 { try county.write("s/\(day).csv", Inputs.signins(day: day, persons: Array(0..<1000))) }
        try county.write("s/6.csv", Inputs.signins(day: 6, persons: Array(0..<38)))
        try county.write("v.csv", Inputs.villages(250, poor: 10))
        try county.write("st.csv", Inputs.stations(in: Array(0..<150)))
        let qingxin = try county.evaluate("""
            county: 清新区
            population: {resident: 730000}
            inputs: {signins: "s/*.csv", villages: v.csv, stations: st.csv}
            """)
        #expect(qingxin.metric("population_base")?.numerator == 500_000)
        #expect(qingxin.metric("population_base")?.note.contains("超过 500000 人，以 500000 人为基数") == true)
        #expect(qingxin.metric("training_coverage_rate")?.value == 5038.0 / 500_000.0)
        #expect(qingxin.leaf("2.3.a")?.score == 10)
        #expect(qingxin.leaf("2.3.a")?.nearThreshold == true)
        #expect(qingxin.metric("village_base")?.numerator == 200)
        #expect(qingxin.metric("village_coverage_rate")?.value == 0.75, "150 of the capped base 200")
        #expect(qingxin.leaf("2.1.k")?.score == 5)

        try county.write("st.csv", Inputs.stations(in: Array(0..<230)))
        let capped = try county.evaluate("county: 清新区\ninputs: {villages: v.csv, stations: st.csv}\n")
        #expect(capped.metric("villages_with_station")?.numerator == 230)
        #expect(capped.metric("village_coverage_rate")?.value == 1, "never above 100%")
    }

    @Test func confirmedLaborPopulationOverridesTheRegistryCount() throws {
        let county = try County()
        try county.write("s.csv", Inputs.signins(day: 1, persons: Array(0..<40)))
        try county.write("p.csv", Inputs.registry(labor: 0..<100))
        let counted = try county.evaluate("county: 测试县\ninputs: {signins: s.csv, poor_registry: p.csv}\n")
        #expect(counted.metric("poor_training_rate")?.value == 0.4)
        #expect(counted.leaf("2.3.b")?.score == 8)
        let confirmed = try county.evaluate("county: 测试县\ninputs: {signins: s.csv, poor_registry: p.csv}\npoor: {confirmed_labor_population: 57}\n")
        #expect(confirmed.metric("poor_labor_population")?.numerator == 57)
        #expect(confirmed.metric("poor_labor_population")?.note.contains("名单统计为 100 人") == true)
        #expect(confirmed.leaf("B.1")?.score == 2, "40 of 57 = 70.2%")
    }

    @Test func inputsThatCannotBeReadLeaveTheirMetricsMissing() throws {
        let county = try County()
        try county.write("broken.xlsx", "PK\u{03}\u{04}truncated zip")
        let evaluation = try county.evaluate("county: 测试县\npopulation: {resident: 1000}\ninputs: {signins: broken.xlsx}\n")
        #expect(evaluation.errors >= 1)
        #expect(evaluation.metric("training_person_times")?.value == nil)
        #expect(evaluation.leaf("2.3.a")?.basis == .missing, "an unreadable file is not zero person-times")
        #expect(evaluation.leaf("2.3.a")?.explanation.contains("没有能读取的工作表") == true)
    }

    @Test func signinsWhoseHeaderIsNotFoundLeaveTheirMetricsMissing() throws {
        let county = try County()
        try county.write("s.csv", "栏一,栏二\n甲,乙\n")
        let evaluation = try county.evaluate("county: 测试县\npopulation: {resident: 1000}\ninputs: {signins: s.csv}\n")
        #expect(evaluation.metric("training_person_times")?.value == nil)
        #expect(evaluation.leaf("2.3.a")?.basis == .missing, "a sheet read without a header is not zero person-times")
        #expect(evaluation.leaf("2.3.a")?.explanation.contains("请在配置 columns 中指定表头行和列") == true)
    }
}
