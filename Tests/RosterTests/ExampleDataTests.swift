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
    struct Expected {
        var county: String
        var aliases: [String: [String: String]]
        var signinRows: Int
        var duplicates: Int
        var personTimes: Int
        var distinctPersons: Int
        var sessions: Int
        var adminVillages: Int
        var villagesWithStation: Int
        var poorVillages: Int
        var stations: Int
        var registryPersons: Int
        var laborPopulation: Int
        var trained: Int
        var trainedOther: Int
        var precisionLost: Int
        var badCheck: Int
        var annotations: Int
        var totals: Int
        var noPerson: Int
        /// Sheets whose header takes two rows (学员信息 merged over 姓名…联系电话).
        var twoRowHeaders: Int
        /// Sheets with unused lines holding only a serial number.
        var blankLineSheets: Int
    }

    static let lechang = Expected(
        county: "lechang", aliases: ["廊田镇": ["同吉村": "同吉店村"], "长来镇": ["和平村": "和村"]],
        signinRows: 4408, duplicates: 23, personTimes: 4385, distinctPersons: 2674, sessions: 98,
        adminVillages: 195, villagesWithStation: 137, poorVillages: 39, stations: 156,
        registryPersons: 13710, laborPopulation: 3134, trained: 1650, trainedOther: 37,
        precisionLost: 5, badCheck: 3, annotations: 2, totals: 95, noPerson: 3, twoRowHeaders: 8, blankLineSheets: 14)

    static let qingxin = Expected(
        county: "qingxin", aliases: ["三坑镇": ["新联村": "东洋村"], "浸潭镇": ["黄竹坑村": "朱坪村"]],
        signinRows: 5069, duplicates: 31, personTimes: 5038, distinctPersons: 2832, sessions: 137,
        adminVillages: 186, villagesWithStation: 140, poorVillages: 40, stations: 150,
        registryPersons: 20400, laborPopulation: 12466, trained: 333, trainedOther: 21,
        precisionLost: 4, badCheck: 3, annotations: 2, totals: 134, noPerson: 3, twoRowHeaders: 10, blankLineSheets: 25)

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
        evidence.findings.filter { $0.severity == severity }.reduce(into: [:]) { $0[$1.code, default: 0] += 1 }
    }

    /// The committed files are what tools/make_examples.py makes (it regenerates them into a
    /// temporary folder and lists every difference).
    @Test func committedFilesMatchTheGenerator() throws {
        let script = TestSupport.packageRoot.appendingPathComponent("tools/make_examples.py").path
        let result = try TestSupport.run("python3", [script, "--check"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test(arguments: [lechang, qingxin])
    func reproducesTheSeedFigures(_ e: Expected) throws {
        let evidence = Evidence.load(try Self.sources(e.county, aliases: e.aliases))
        let a = evidence.attendance
        let errors = Self.codes(evidence, .error), warnings = Self.codes(evidence, .warning), notes = Self.codes(evidence, .note)
        // The figures of the seed report.
        #expect(a.personTimes == e.personTimes)
        #expect(evidence.coverage.adminVillages == e.adminVillages)
        #expect(evidence.coverage.villagesWithStation == e.villagesWithStation)
        #expect(evidence.coverage.poorVillages == e.poorVillages)
        #expect(evidence.coverage.poorVillagesWithStation == e.poorVillages, "every 省定贫困村 has a station")
        #expect(evidence.registry.laborPopulationCount == e.laborPopulation)
        #expect(evidence.registry.trainedLabor.count == e.trained)
        // How they arise.
        #expect(a.signinRows == e.signinRows)
        #expect(a.duplicateSignins == e.duplicates)
        #expect(a.persons.count == e.distinctPersons)
        #expect(a.sessions.count == e.sessions)
        #expect(a.sessions.allSatisfy { $0.date != nil }, "every session has a date")
        #expect(evidence.sheets.filter { $0.kind == .signins && $0.mapping?.headerRows.count == 2 }.count == e.twoRowHeaders)
        #expect(Set(a.sessions.compactMap(\.date)).count == e.sessions, "one session a day")
        #expect(evidence.coverage.stations.count == e.stations)
        #expect(evidence.coverage.unmatchedStations.isEmpty)
        #expect(evidence.registry.people.count == e.registryPersons)
        #expect(evidence.registry.trainedOther.count == e.trainedOther)
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
        #expect(notes["registry.long_id"] == 4)
        #expect(notes["station.community"] == 1)
        #expect(notes["sheet.hidden"] == 1, "a hidden blank template")
        #expect(notes["row.blank"] == e.blankLineSheets, "sheets with unused serial-only lines, one note each")
        #expect(notes["session.by_submission"] == 1, "the 问卷星 export's rows take their submission dates")
        #expect(Set(notes.keys).isSubset(of: ["row.total", "id.reformatted", "registry.long_id", "station.community", "sheet.hidden", "file.encoding", "row.blank",
                                              "session.by_submission"]), "\(notes)")
        // Town-level stations (one a town) and the community one do not count.
        #expect(evidence.coverage.townLevelStations.count == e.stations - e.villagesWithStation - 1, "the second station of one village is not town level")
    }
}
