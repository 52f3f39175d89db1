import Testing
@testable import Roster
import SheetIO

private func validID(_ body: String) -> String { body + String(IDNumber.checkCharacter(body)!) }

@Suite struct PoorRegistryTests {
    static let a = validID("44028119800101101"), b = validID("44028119810202102"), c = validID("44028119820303103")
    static let d = validID("44028119830404104"), e = validID("44028119840505105")

    static let registrySheet = sheet([
        ["户编号", "人口编号", "姓名", "证件号码", "与户主关系", "劳动技能", "务工状况", "乡（镇）", "行政村", "人员状态"],
        ["H1", "P1", "甲", a, "户主", "普通劳动力", "乡（镇）内务工", "坪石镇", "水口村", "正常"],
        ["H1", "P2", "乙", b, "配偶", "弱劳动力或半劳动力", "乡(镇)外县内务工", "坪石镇", "水口村", "正常"],   // case 29/30
        ["H2", "P3", "丙", c, "户主", "技能劳动力", "省外务工", "坪石镇", "水口村", "正常"],                  // a migrant
        ["H2", "P4", "丁", d + "01", "之子", "丧失劳动力", "", "坪石镇", "水口村", "死亡"],                   // case 15
        ["H3", "P5", "戊", e, "户主", "技能劳动力", "", "坪石镇", "北高岭村", ""],
    ])

    func attendance() -> Attendance {
        let s = sheet([
            ["培训时间：2020年7月15日"],
            ["姓名", "身份证号", "村"],
            ["甲", Self.a, "水口村"], ["乙", Self.b, "水口村"], ["丙", Self.c, "水口村"], ["丁", Self.d, "水口村"],
            ["戊", "", "北高岭村"], ["路人", "", "北高岭村"],
        ])
        return Attendance(imports: [SigninImporter.read(s, file: "s.xlsx")])
    }

    @Test func defaultDefinition() {
        let (people, findings) = RegistryImporter.read(Self.registrySheet, file: "poor.xlsx")
        #expect(people.count == 5)
        #expect(findings.map(\.code.rawValue) == ["registry.long_id"])
        #expect(people[3].id?.value == Self.d)
        let registry = PoorRegistry(people: people, attendance: attendance())
        #expect(registry.laborPopulation == [0, 1, 4], "丙 works out of province; 丁 has no labour ability")
        #expect(registry.laborPopulationCount == 3)
        #expect(registry.trainedLabor == [0, 1], "戊 matches only probably, which is not counted by default")
        #expect(registry.trainedOther == [2, 3])
        #expect(registry.matches[4]?.match == .probable)
        #expect(registry.findings.map(\.code.rawValue).sorted() == ["audit.inactive_attendee", "poor.probable", "registry.removed"], "丁 is marked 死亡 yet signed in")
        #expect(registry.removed == [3], "丁 is marked 死亡: out of the labour population whatever its 劳动技能")
        #expect(registry.settings.definition.contains("不含务工状况为县外省内务工、省外务工的外出务工人员"))
    }

    @Test func settingsChangeTheCount() {
        let people = RegistryImporter.read(Self.registrySheet, file: "poor.xlsx").people
        var settings = PoorSettings()
        settings.laborValues = ["普通劳动力", "技能劳动力"]
        settings.excludeMigrant = false
        settings.acceptProbable = true
        settings.confirmedLaborPopulation = 12_466
        let registry = PoorRegistry(people: people, attendance: attendance(), settings: settings)
        #expect(registry.laborPopulation == [0, 2, 4])
        #expect(registry.laborPopulationCount == 12_466)
        #expect(registry.trainedLabor == [0, 2, 4])
        #expect(registry.trainedOther == [1, 3])
        #expect(settings.definition.contains("官方确认数 12466 人"))
    }

    /// DOMAIN cases 21 and 22: a traditional or variant character is a review, never a match.
    @Test func variantCharactersAreReviewedNotMatched() {
        let registry = sheet([
            ["姓名", "证件号码", "劳动技能", "乡（镇）", "行政村"],
            ["刘德华", Self.a, "普通劳动力", "坪石镇", "水口村"],
            ["王峰", Self.b, "普通劳动力", "坪石镇", "水口村"],
            ["陈伟", Self.c, "普通劳动力", "坪石镇", "北高岭村"],
        ])
        let signins = sheet([
            ["培训时间：2020年7月15日"],
            ["姓名", "身份证号", "村"],
            ["劉德華", "", "水口村"],          // case 21
            ["王峯", "", "水口村"],            // case 22
            ["陳偉", "", "水口村"],            // 陈伟 lives in another village: nothing to say
            ["刘德华", Self.a, "水口村"],       // the same name with the ID: confirmed as usual
        ])
        let attendance = Attendance(imports: [SigninImporter.read(signins, file: "s.xlsx")])
        let people = RegistryImporter.read(registry, file: "poor.xlsx").people
        let tagged = PoorRegistry(people: people, attendance: attendance)
        #expect(tagged.matches.count == 1, "only the ID matches")
        #expect(tagged.trainedLabor.count == 1)
        let variants = tagged.findings.filter { $0.code == .poorVariantName }
        #expect(variants.map(\.provenance.row) == [2, 3])
        #expect(variants.first?.message.contains("“劉德華”没有身份证号，与建档立卡名单中同村的“刘德华”只差繁简或异体字") == true)
        #expect(PersonName("劉德華")?.key == "劉德華", "the key itself is never folded")
    }
}
