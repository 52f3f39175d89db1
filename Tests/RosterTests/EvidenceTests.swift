import Foundation
import Testing
import TestSupport
@testable import Roster
import SheetIO

private func validID(_ body: String) -> String { body + String(IDNumber.checkCharacter(body)!) }

/// The whole Roster pipeline over real files written at test time: an XLSX with a hidden sheet
/// (SheetIO's writer), a GB18030 CSV whose header needs a mapping fixed by the config, lists as
/// CSV, and a file that is not a workbook at all.
@Suite struct EvidenceTests {
    static let a = validID("44028119800101101"), b = validID("44028119810202102"), c = validID("44028119820303103")

    static func write(_ rows: [[String]], to path: String, gb18030: Bool = false) throws {
        let text = rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        let data = gb18030 ? text.data(using: String.Encoding(rawValue: 0x8000_0632))! : Data(text.utf8)
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func makeInputs() throws -> (dir: String, sources: EvidenceSources) {
        let dir = try TestSupport.temporaryDirectory("evidence").path
        // A workbook with one sign-in sheet and a hidden one.
        let workbook = try XLSXWriter(path: dir + "/第一期.xlsx")
        let sheet = try workbook.addSheet("7月15日")
        let rows = [["乐昌市电子商务培训签到表"], ["培训时间：2020年7月15日  培训地点：坪石镇电商服务中心"],
                    ["序号", "姓名", "身份证号", "联系电话", "镇", "村"],
                    ["1", "甲", a, "13800138000", "坪石镇", "水口村"],
                    ["2", "乙", b, "13900139000", "坪石镇", "水口村"],
                    ["3", "甲", a, "13800138000", "坪石镇", "水口村"],
                    ["合计", "3 人"]]
        for (r, row) in rows.enumerated() {
            for (c, text) in row.enumerated() { try sheet.write(text, row: r, column: c) }
        }
        let hidden = try workbook.addSheet("旧表")
        try hidden.write("姓名", row: 0, column: 0)
        hidden.hide()
        try workbook.close()
        // A CSV whose header no dictionary knows: the config fixes its columns.
        try write([["第二期 2020年8月1日"], ["栏一", "栏二", "栏三"],
                   ["甲", a, "13800138000"], ["丙", c, "13700137000"]],
                  to: dir + "/第二期.csv", gb18030: true)
        // A zip cut short: the start of an XLSX and nothing more.
        try Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00] + [UInt8](repeating: 0x41, count: 40))
            .write(to: URL(fileURLWithPath: dir + "/损坏.xlsx"))
        try write([["镇", "村", "是否省定贫困村"], ["坪石镇", "水口村委会", "是"], ["坪石镇", "北高岭村", "否"],
                   ["坪石镇", "新街社区居委会", "否"]], to: dir + "/villages.csv")
        try write([["站点名称", "镇", "村"], ["水口村电商服务站", "坪石镇", "水口村"], ["坪石镇电商服务中心", "坪石镇", ""]],
                  to: dir + "/stations.csv")
        try write([["户编号", "姓名", "证件号码", "劳动技能", "务工状况", "乡（镇）", "行政村"],
                   ["H1", "甲", a, "普通劳动力", "", "坪石镇", "水口村"],
                   ["H2", "丙", c, "技能劳动力", "省外务工", "坪石镇", "北高岭村"]], to: dir + "/poor.csv")
        var sources = EvidenceSources()
        sources.signins = [dir + "/第一期.xlsx", dir + "/第二期.csv", dir + "/损坏.xlsx"]
        sources.villages = [dir + "/villages.csv"]
        sources.stations = [dir + "/stations.csv"]
        sources.registry = [dir + "/poor.csv"]
        sources.province = "44"
        sources.fixedMappings[dir + "/第二期.csv"] = ColumnMapping(headerRow: 1, columns: [.name: 0, .idNumber: 1, .phone: 2])
        return (dir, sources)
    }

    @Test func readsEveryInputAndKeepsGoingPastABrokenFile() throws {
        let (dir, sources) = try Self.makeInputs()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let evidence = Evidence.load(sources)

        let attendance = evidence.attendance
        #expect(attendance.sessions.count == 2)
        #expect(attendance.sessions[0].place == "坪石镇电商服务中心")
        #expect(attendance.sessions[1].date == LocalDateTime(year: 2020, month: 8, day: 1), "from the title row above the fixed header")
        #expect(attendance.signinRows == 5)
        #expect(attendance.duplicateSignins == 1)
        #expect(attendance.personTimes == 4)
        #expect(attendance.persons.count == 3)

        #expect(evidence.coverage.adminVillages == 2, "the 居委会 is not a 行政村")
        #expect(evidence.coverage.villagesWithStation == 1)
        #expect(evidence.coverage.poorVillagesWithStation == 1)
        #expect(evidence.coverage.townLevelStations == [1])

        #expect(evidence.registry.laborPopulationCount == 1, "丙 works out of province")
        #expect(evidence.registry.trainedLabor.count == 1)
        #expect(evidence.registry.trainedOther.count == 1)

        #expect(evidence.sheets.map(\.kind) == [.signins, .signins, .villages, .stations, .registry])
        #expect(evidence.sheets.map(\.records) == [3, 2, 3, 2, 2], "the village list keeps its community row; Coverage leaves it out")
        #expect(evidence.sheets[1].mapping?.matches[.name]?.reason == "由配置指定")

        let codes = evidence.findings.map(\.code)
        #expect(codes.first == .fileUnreadable, "errors come first")
        #expect(evidence.findings[0].provenance.file.hasSuffix("损坏.xlsx"))
        #expect(codes.contains(.sheetHidden))
        #expect(codes.contains(.rowTotal))
        #expect(evidence.findings.allSatisfy { !$0.message.contains(Self.a) }, "no whole ID number in a message")
    }

    @Test func withoutTheFixedMappingTheSheetIsReportedNotGuessed() throws {
        var (dir, sources) = try Self.makeInputs()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        sources.fixedMappings = [:]
        let evidence = Evidence.load(sources)
        #expect(evidence.attendance.signinRows == 3)
        let noHeader = evidence.findings.filter { $0.code == .sheetNoHeader }
        #expect(noHeader.map(\.provenance.file) == [dir + "/第二期.csv"])
    }

    @Test func progressCountsEveryFile() throws {
        let (dir, sources) = try Self.makeInputs()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        final class Calls: @unchecked Sendable {
            var seen: [Int] = []
            let lock = NSLock()
        }
        let calls = Calls()
        _ = Evidence.load(sources) { done, total in
            calls.lock.lock(); defer { calls.lock.unlock() }
            #expect(total == 6, "three sign-in files, the village and station lists, the registry")
            calls.seen.append(done)
        }
        #expect(calls.seen.sorted() == [1, 2, 3, 4, 5, 6])
    }

    /// DOMAIN §6 case 10: a blank ID cell in a CSV leaves the other IDs as text, every digit
    /// kept (no float column as in pandas); case 17: one ID at two sessions is 2 person-times.
    @Test func csvIDColumnWithABlankRowAndOneIDAtTwoSessions() throws {
        let dir = try TestSupport.temporaryDirectory("evidence-csv").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write([["姓名", "身份证号", "培训日期"], ["甲", Self.a, "2020-07-15"], ["乙", "", "2020-07-15"],
                        ["丙", Self.c, "2020-07-15"], ["甲", Self.a, "2020-07-16"]], to: dir + "/s.csv")
        var sources = EvidenceSources()
        sources.signins = [dir + "/s.csv"]
        let attendance = Evidence.load(sources).attendance
        #expect(attendance.records.compactMap { $0.id?.value } == [Self.a, Self.c, Self.a])
        #expect(attendance.records.compactMap(\.id).allSatisfy { $0.isUsable })
        #expect(attendance.sessions.count == 2)
        #expect(attendance.personTimes == 4)
        #expect(attendance.persons.count == 3)
        #expect(attendance.persons[0].sessions == [0, 1])
    }
}
