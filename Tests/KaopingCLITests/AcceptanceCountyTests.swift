import Foundation
import Testing
import TestSupport

/// Counties made at test time by tools/make_acceptance_county.py, a generator written from
/// DOMAIN.md and DESIGN.md alone: sign-in files from eight producers (LibreOffice .xls and
/// .xlsx, XlsxWriter, openpyxl, a 问卷星 and a 腾讯问卷 export holding two days each, a WPS-style
/// layout, a GB18030 CSV), DOMAIN's quirks, and the config that `kaoping init` writes, filled as
/// a clerk fills it. The generator computes the truth from its own model of every person,
/// session, village and station; the binary must give every figure of it exactly.
///
/// Every metric, every leaf score, the people counts and the total must be exact;
/// tools/explain_acceptance_county.py tells why a figure differs.
@Suite struct AcceptanceCountyTests {
    /// A county to make: the generator's profile and seed.
    enum County: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Every computed rate exactly on its threshold (inclusive bands).
        case threshold
        /// Sizes and rates drawn from another seed.
        case random
        /// Over 200 行政村 and over 500 000 residents: both bases and the coverage cap apply.
        case large

        var seed: Int { self == .threshold ? 2020 : (self == .random ? 7 : 11) }
        var testDescription: String { "\(rawValue) (seed \(seed))" }

        var result: Result<Evaluated, TestFailure> {
            switch self {
            case .threshold: AcceptanceCountyTests.thresholdCounty
            case .random: AcceptanceCountyTests.randomCounty
            case .large: AcceptanceCountyTests.largeCounty
            }
        }
    }

    /// A made county, its truth and the binary's JSON.
    struct Evaluated: Sendable {
        var directory: String
        var truthData: Data
        var jsonData: Data
        var summary: String

        var truth: [String: Any] { (try? JSONSerialization.jsonObject(with: truthData)) as? [String: Any] ?? [:] }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: jsonData)) as? [String: Any] ?? [:] }

        func truthSection(_ key: String) -> [String: Any] { truth[key] as? [String: Any] ?? [:] }
        func jsonSection(_ key: String) -> [String: Any] { json[key] as? [String: Any] ?? [:] }
        var engineItems: [String: Double] {
            let items = json["items"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: items.compactMap { item in
                (item["id"] as? String).map { ($0, (item["score"] as? NSNumber)?.doubleValue ?? .nan) }
            })
        }
    }

    static let thresholdCounty = make(.threshold)
    static let randomCounty = make(.random)
    static let largeCounty = make(.large)

    static func make(_ county: County) -> Result<Evaluated, TestFailure> {
        do {
            let dir = try TestSupport.temporaryDirectory("acceptance-\(county.rawValue)").appendingPathComponent("county")
            let generator = TestSupport.packageRoot.appendingPathComponent("tools/make_acceptance_county.py").path
            let made = try TestSupport.run("python3", [generator, dir.path, "--seed", "\(county.seed)", "--profile", county.rawValue,
                                                       "--kaoping", TestSupport.kaopingBinary.path])
            guard made.status == 0 else {
                return .failure(TestFailure("make_acceptance_county.py failed (\(made.status)); it needs python3 with openpyxl, XlsxWriter and PyYAML, and LibreOffice (`make deps`):\n\(made.stderr)"))
            }
            let truthData = try Data(contentsOf: dir.appendingPathComponent("truth.json"))
            guard try JSONSerialization.jsonObject(with: truthData) is [String: Any] else {
                return .failure(TestFailure("truth.json is not an object"))
            }
            let config = dir.appendingPathComponent("config.yaml").path
            let result = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", config, "--json", "-"])
            guard result.status == 0 else {
                return .failure(TestFailure("kaoping evaluate exited \(result.status):\n\(result.stderr)"))
            }
            guard (try? JSONSerialization.jsonObject(with: result.stdoutData)) is [String: Any] else {
                return .failure(TestFailure("evaluate --json - printed no JSON object:\n\(result.stdout.prefix(500))"))
            }
            // Beside the truth, for tools/explain_acceptance_county.py.
            try result.stdoutData.write(to: dir.appendingPathComponent("eval.json"))
            return .success(Evaluated(directory: dir.path, truthData: truthData, jsonData: result.stdoutData, summary: result.stderr))
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("cannot make the \(county.rawValue) county: \(error)"))
        }
    }

    /// One comparison: the truth's value against the engine's, by metric key, item id, `total` or `people.*`.
    struct Figure {
        var key: String
        var truth: Double
        var engine: Double?
        /// Equal, integers exactly; a rate may differ by the last bit or two only, because
        /// Foundation's JSON parser on Linux reads some decimal texts one unit in the last place
        /// off (truth.json's 0.6998327759197325, Python's 837/1196, was read as …324).
        var exact: Bool {
            guard let engine else { return false }
            return engine == truth || (truth != truth.rounded() && abs(engine - truth) <= 2 * truth.ulp)
        }
    }

    /// `a == b` up to the parser's last bit (see `Figure.exact`).
    static func same(_ a: Double, _ b: Double) -> Bool { Figure(key: "", truth: b, engine: a).exact }

    static func figures(_ county: Evaluated) -> [Figure] {
        func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }
        var out: [Figure] = []
        let metrics = county.jsonSection("metrics")
        for (key, value) in county.truthSection("metrics") {
            out.append(Figure(key: key, truth: number(value) ?? .nan, engine: number(metrics[key])))
        }
        let people = county.jsonSection("people")
        for (key, value) in county.truthSection("people") {
            out.append(Figure(key: "people.\(key)", truth: number(value) ?? .nan, engine: number(people[key])))
        }
        let items = county.engineItems
        for (id, value) in county.truthSection("items") {
            out.append(Figure(key: id, truth: number(value) ?? .nan, engine: items[id]))
        }
        out.append(Figure(key: "total", truth: number(county.truth["total"]) ?? .nan, engine: number(county.json["total"])))
        return out.sorted { $0.key < $1.key }
    }

    @Test(arguments: County.allCases)
    func everyFigureIsExact(_ county: County) throws {
        let made = try county.result.get()
        #expect(made.json["county"] as? String == made.truth["county"] as? String)
        #expect(made.json["veto"] as? Bool == false)
        let figures = Self.figures(made)
        #expect(Set(made.engineItems.keys) == Set(made.truthSection("items").keys), "one score per leaf of guangdong-2019")
        #expect(made.truthSection("metrics").count == 18 && made.truthSection("people").count == 4)
        for figure in figures {
            #expect(figure.exact, "\(figure.key): engine \(figure.engine.map { "\($0)" } ?? "missing"), truth \(figure.truth); python3 tools/explain_acceptance_county.py \(made.directory) tells why")
        }
    }

    @Test(arguments: County.allCases)
    func theTruthFollowsDesignSection3(_ county: County) throws {
        // The generator's own bookkeeping: the definitions hold in the truth it wrote.
        let made = try county.result.get()
        let m = made.truthSection("metrics")
        func int(_ key: String) -> Int { (m[key] as? NSNumber)?.intValue ?? -1 }
        func rate(_ key: String) -> Double { (m[key] as? NSNumber)?.doubleValue ?? .nan }
        let people = made.truthSection("people")
        let rows = (people["signin_rows"] as? NSNumber)?.intValue ?? -1
        let repeats = (people["duplicate_signins"] as? NSNumber)?.intValue ?? -1
        #expect(int("training_person_times") == rows - repeats, "person-times are sign-in rows less repeats at one session")
        #expect(int("population_base") <= 500_000)
        #expect(int("village_base") == min(int("admin_villages"), 200))
        #expect(rate("village_coverage_rate") <= 1, "coverage is capped")
        #expect(Self.same(rate("training_coverage_rate"), Double(int("training_person_times")) / Double(int("population_base"))))
        #expect(Self.same(rate("poor_training_rate"), Double(int("poor_trained_persons")) / Double(int("poor_labor_population"))))
        if county == .threshold {
            #expect(rate("training_coverage_rate") == 0.01)
            #expect(rate("poor_training_rate") == 0.5)
            #expect(rate("village_coverage_rate") == 0.7)
            #expect(rate("poor_village_coverage_rate") == 1)
            #expect(rate("fund_disbursement_rate") == 0.7)
        }
        if county == .large {
            #expect(int("village_base") == 200)
            #expect(int("villages_with_station") > 200)
            #expect(rate("village_coverage_rate") == 1)
            #expect(int("population_base") == 500_000)
        }
    }
}
