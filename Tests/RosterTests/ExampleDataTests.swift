import Foundation
import Testing
import TestSupport
@testable import Roster
import SheetIO

/// The bundled example counties (examples/lechang, examples/qingxin, made by
/// tools/make_examples.py) read through Roster as `kaoping evaluate` will: the figures must be
/// the seed reports' own (DESIGN §3 "Reference figures"), and the mess put in on purpose must
/// be found.
@Suite struct ExampleDataTests {
    /// What the generator says it put in (`make_examples.py --summary`), plus the layout
    /// facts it does not count.
    struct Expected: CustomStringConvertible {
        var county: String
        var aliases: [String: [String: String]]
        /// Sheets whose header takes two rows (学员信息 merged over 姓名…联系电话).
        var twoRowHeaders: Int
        /// Sheets with unused lines holding only a serial number.
        var blankLineSheets: Int
        var description: String { county }

        /// The generator's own figures for this county.
        func truth() throws -> Truth {
            let all = try ExampleDataTests.summaries()
            return try #require(all[county], "the generator has no county \(county)")
        }
    }

    /// The fields of the generator's summary that the test reads.
    struct Truth: Decodable {
        var personTimes, signinRows, duplicates, distinctPersons, sessions: Int
        var adminVillages, villagesWithStation, poorVillages, stations: Int
        var registryPersons, poorLaborPopulation, poorTrained, poorTrainedOther: Int
        var precisionLost, badCheck, annotations, totals, noPerson, registryLongIds: Int
    }

    /// Runs the generator once for its figures (it regenerates into a temporary folder).
    static func summaries() throws -> [String: Truth] {
        let script = TestSupport.packageRoot.appendingPathComponent("tools/make_examples.py").path
        let result = try TestSupport.run("python3", [script, "--summary"])
        guard result.status == 0 else { throw TestFailure("make_examples.py --summary failed: \(result.stderr)") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode([String: Truth].self, from: result.stdoutData)
    }

    static let lechang = Expected(county: "lechang", aliases: ["廊田镇": ["同吉村": "同吉店村"], "长来镇": ["和平村": "和村"]],
                                  twoRowHeaders: 8, blankLineSheets: 14)
    static let qingxin = Expected(county: "qingxin", aliases: ["三坑镇": ["新联村": "东洋村"], "浸潭镇": ["黄竹坑村": "朱坪村"]],
                                  twoRowHeaders: 10, blankLineSheets: 25)

    /// The county's inputs as its config.yaml names them.
    static func sources(_ county: String, aliases: [String: [String: String]]) throws -> EvidenceSources {
        let data = TestSupport.packageRoot.appendingPathComponent("examples/\(county)/data")
        let signinDir = data.appendingPathComponent("signins")
        let names = try FileManager.default.contentsOfDirectory(atPath: signinDir.path)
        var sources = EvidenceSources()
        // signins: [data/signins/*.xlsx, data/signins/*.csv]
        sources.signins = names.filter { $0.hasSuffix(".xlsx") }.sorted().map { signinDir.appendingPathComponent($0).path }
            + names.filter { $0.hasSuffix(".csv") }.sorted().map { signinDir.appendingPathComponent($0).path }
        sources.villages = [data.appendingPathComponent("villages.xlsx").path]
        sources.stations = [data.appendingPathComponent("stations.xlsx").path]
        sources.registry = [data.appendingPathComponent("poor.xlsx").path]
        sources.villageAliases = aliases
        sources.province = "44"
        // poor: as config.yaml writes it.
        sources.poor.laborValues = ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"]
        sources.poor.migrantValues = ["县外省内务工", "省外务工"]
        sources.poor.excludeMigrant = true
        return sources
    }

    static func codes(_ evidence: Evidence, _ severity: Finding.Severity) -> [String: Int] {
        evidence.findings.filter { $0.severity == severity }.reduce(into: [:]) { $0[$1.code.rawValue, default: 0] += 1 }
    }

    /// The committed files are what tools/make_examples.py makes (it regenerates them into a
    /// temporary folder and lists every difference).
    @Test func committedFilesMatchTheGenerator() throws {
        let script = TestSupport.packageRoot.appendingPathComponent("tools/make_examples.py").path
        let result = try TestSupport.run("python3", [script, "--check"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test(arguments: [lechang, qingxin])
    func reproducesTheSeedFigures(_ county: Expected) throws {
        let e = try county.truth()
        let evidence = Evidence.load(try Self.sources(county.county, aliases: county.aliases))
        let a = evidence.attendance
        let errors = Self.codes(evidence, .error), warnings = Self.codes(evidence, .warning), notes = Self.codes(evidence, .note)
        // The figures of the seed report.
        #expect(a.personTimes == e.personTimes)
        #expect(evidence.coverage.adminVillages == e.adminVillages)
        #expect(evidence.coverage.villagesWithStation == e.villagesWithStation)
        #expect(evidence.coverage.poorVillages == e.poorVillages)
        #expect(evidence.coverage.poorVillagesWithStation == e.poorVillages, "every 省定贫困村 has a station")
        #expect(evidence.registry.laborPopulationCount == e.poorLaborPopulation)
        #expect(evidence.registry.trainedLabor.count == e.poorTrained)
        // How they arise.
        #expect(a.signinRows == e.signinRows)
        #expect(a.duplicateSignins == e.duplicates)
        #expect(a.persons.count == e.distinctPersons)
        #expect(a.sessions.count == e.sessions)
        #expect(a.sessions.allSatisfy { $0.date != nil }, "every session has a date")
        #expect(evidence.sheets.filter { $0.kind == .signins && $0.mapping?.headerRows.count == 2 }.count == county.twoRowHeaders)
        #expect(Set(a.sessions.compactMap(\.date)).count == e.sessions, "one session a day")
        #expect(evidence.coverage.stations.count == e.stations)
        #expect(evidence.coverage.unmatchedStations.isEmpty)
        #expect(evidence.registry.people.count == e.registryPersons)
        #expect(evidence.registry.trainedOther.count == e.poorTrainedOther)
        #expect(evidence.registry.matches.values.allSatisfy { $0.match == .confirmed })
        // The deliberate mess, found.
        #expect(errors == ["id.precision_lost": e.precisionLost, "id.bad_check": e.badCheck], "\(errors)")
        #expect(warnings["name.annotation"] == e.annotations, "\(warnings)")
        #expect(warnings["row.no_person"] == e.noPerson)
        #expect(warnings["phone.invalid"] == 1)
        #expect(notes["file.encoding"] == 3, "three GB18030 CSV files")
        #expect(Set(warnings.keys).isSubset(of: ["name.annotation", "row.no_person", "phone.invalid"]), "\(warnings)")
        #expect(notes["row.total"] == e.totals, "\(notes)")
        #expect(notes["id.reformatted"] == 2, "an ID with spaces, one with a leading apostrophe")
        #expect(notes["registry.long_id"] == e.registryLongIds)
        #expect(notes["station.community"] == 1)
        #expect(notes["sheet.hidden"] == 1, "a hidden blank template")
        #expect(notes["row.blank"] == county.blankLineSheets, "sheets with unused serial-only lines, one note each")
        #expect(notes["session.by_submission"] == 1, "the 问卷星 export's rows take their submission dates")
        #expect(Set(notes.keys).isSubset(of: ["row.total", "id.reformatted", "registry.long_id", "station.community", "sheet.hidden", "file.encoding", "row.blank",
                                              "session.by_submission"]), "\(notes)")
        // Town-level stations (one a town) and the community one do not count.
        #expect(evidence.coverage.townLevelStations.count == e.stations - e.villagesWithStation - 1, "the second station of one village is not town level")
    }
}
