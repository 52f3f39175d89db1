import Foundation
import Testing
import TestSupport

/// The bundled examples, evaluated by the real binary as `make demo` does: 乐昌市 must come
/// out at its report's row scores and total 89; 清新区 must show its 69.98% fund rate below 70%
/// and its 2.67% poor training rate with the definition used.
@Suite struct ExampleCountyTests {
    static func evaluate(_ county: String) throws -> (json: [String: Any], summary: String, workbook: String) {
        let dir = try TestSupport.temporaryDirectory("example-\(county)")
        let workbook = dir.appendingPathComponent("\(county).xlsx").path
        let config = TestSupport.packageRoot.appendingPathComponent("examples/\(county)/config.yaml").path
        let result = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", config, "-o", workbook, "--json", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(FileManager.default.fileExists(atPath: workbook))
        return (json, result.stderr, workbook)
    }

    static func scores(_ json: [String: Any]) -> [String: Double] {
        let items = json["items"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: items.compactMap { item in
            (item["id"] as? String).map { ($0, (item["score"] as? NSNumber)?.doubleValue ?? .nan) }
        })
    }

    @Test func lechangMatchesItsReport() throws {
        let (json, summary, _) = try Self.evaluate("lechang")
        #expect(json["county"] as? String == "乐昌市")
        #expect((json["total"] as? NSNumber)?.intValue == 89)
        #expect(json["veto"] as? Bool == false)
        let s = Self.scores(json)
        // Row scores of the report's table: 2,2,2,4 | 11,10 | 9 | 20 | 4,6 | 0,5 | 5,4,5.
        func sum(_ ids: [String]) -> Double { ids.map { s[$0] ?? .nan }.reduce(0, +) }
        let row21 = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].map { "2.1.\($0)" }
        func one(_ id: String) throws -> Double { try #require(s[id], "no score for \(id)") }
        let rows: [Double] = try [one("1.1"), one("1.2"), one("1.3"), sum(["1.4.a", "1.4.b"]),
                              sum(row21), sum(["2.1.k", "2.1.l"]), sum(["2.2.a", "2.2.b", "2.2.c", "2.2.d", "2.2.e", "2.2.f"]),
                              sum(["2.3.a", "2.3.b"]), sum(["3.1.a", "3.1.b"]), sum(["3.2.a", "3.2.b"]),
                              one("4.1"), one("4.2"), one("5.1"), one("5.2"), one("5.3")]
        #expect(rows == [2, 2, 2, 4, 11, 10, 9, 20, 4, 6, 0, 5, 5, 4, 5])
        let metrics = try #require(json["metrics"] as? [String: Any])
        #expect((metrics["training_person_times"] as? NSNumber)?.intValue == 4385)
        #expect((metrics["admin_villages"] as? NSNumber)?.intValue == 195)
        #expect((metrics["villages_with_station"] as? NSNumber)?.intValue == 137)
        #expect(summary.contains("合计 89 分"))
    }

    @Test func qingxinShowsItsFundRateAndPoorTrainingDefinition() throws {
        let (json, summary, _) = try Self.evaluate("qingxin")
        let metrics = try #require(json["metrics"] as? [String: Any])
        let fund = try #require((metrics["fund_disbursement_rate"] as? NSNumber)?.doubleValue)
        #expect(abs(fund - 0.699846) < 1e-12)
        #expect(Self.scores(json)["5.3"] == -5, "69.98% is below 70% by the letter of the rule")
        #expect((metrics["population_base"] as? NSNumber)?.intValue == 500_000)
        #expect((metrics["training_person_times"] as? NSNumber)?.intValue == 5038)
        #expect((metrics["poor_labor_population"] as? NSNumber)?.intValue == 12466)
        #expect((metrics["poor_trained_persons"] as? NSNumber)?.intValue == 333)
        let rate = try #require((metrics["poor_training_rate"] as? NSNumber)?.doubleValue)
        #expect(abs(rate - 333.0 / 12466.0) < 1e-12)
        #expect(summary.contains("= 2.67%"))
        #expect(summary.contains("贫困人口培训率的口径：劳动技能为普通劳动力、技能劳动力、弱劳动力或半劳动力的建档立卡贫困人口，不含务工状况为县外省内务工、省外务工的外出务工人员"))
        #expect(summary.contains("= 69.98%，低于 70%，得 -5 分"))
    }
}
