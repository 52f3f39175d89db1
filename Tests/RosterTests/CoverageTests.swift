import Testing
@testable import Roster
import SheetIO

@Suite struct VillageNameTests {
    @Test(arguments: [
        ("北高岭村村委会", "北高岭", VillageName.Kind.village), ("北高岭村民委员会", "北高岭", .village), ("北高岭村", "北高岭", .village),
        ("水口村委会", "水口", .village), ("水口居委会", "水口", .community), ("东于社区居委会", "东于", .community),
        ("横塘社区", "横塘", .community), ("敦达乌苏嘎查", "敦达乌苏嘎查", .village), ("茶料", "茶料", .unknown),
        ("水口村电商服务站", "水口", .village), (" 水口 村（原水口大队）", "水口", .village),
    ])
    func reduces(text: String, core: String, kind: VillageName.Kind) throws {
        let name = try #require(VillageName(text))
        #expect(name.core == core)
        #expect(name.kind == kind)
    }

    @Test func townPrefixAndTownForms() throws {
        let town = try #require(TownName("坪石镇"))
        #expect(try #require(VillageName("坪石镇水口村", town: town)).core == "水口")
        #expect(TownName("乐城街道办事处") == TownName("乐城街道"))
        #expect(TownName("坪石") == TownName("坪石镇"))
        #expect(TownName("乐城街道办事处")?.description == "乐城街道")
    }

    @Test func villageNamedAfterItsTown() throws {
        // 九峰镇九峰村委会: the town's name is the village's own, not a prefix to drop.
        let town = try #require(TownName("九峰镇"))
        for text in ["九峰村委会", "九峰村", "九峰村民委员会", "九峰镇九峰村"] {
            let name = try #require(VillageName(text, town: town))
            #expect(name.core == "九峰", "\(text)")
            #expect(name.kind == .village, "\(text)")
        }
        // …and a community named after its town stays a community, not a 行政村 called 社区.
        #expect(VillageName("九峰社区", town: town)?.kind == .community)
        #expect(VillageName("九峰居委会", town: town).map { ($0.core, $0.kind) } ?? ("", .unknown) == ("九峰", .community))
        #expect(VillageName("九峰镇水口村", town: town)?.core == "水口")
    }

    @Test func ruralTownStationNamesNoVillage() throws {
        let town = try #require(TownName("梅花镇"))
        #expect(VillageListImporter.villageFromStationName("梅花镇农村电子商务服务站", town: town) == nil)
        #expect(VillageListImporter.villageFromStationName("梅花镇农村电商服务站", town: town) == nil)
        #expect(VillageListImporter.villageFromStationName("梅花镇农村淘宝服务站", town: town) == nil)
        #expect(VillageListImporter.villageFromStationName("梅花镇水口村电商服务站", town: town)?.core == "水口")
        #expect(VillageListImporter.villageFromStationName("梅花镇水口村委会服务站", town: town)?.core == "水口")
    }
}

@Suite struct CoverageTests {
    static let villageSheet = sheet([
        ["乐昌市行政村清单"],
        ["序号", "镇", "村", "是否省定贫困村"],
        ["1", "坪石镇", "水口村委会", "是"],
        ["2", "", "水口居委会", ""],               // a merged town cell: blank below
        ["3", "", "北高岭村村委会", "否"],
        ["4", "北乡镇", "茶料村", "是"],
        ["5", "北乡镇", "新村", ""],
        ["合计", "", "4个行政村"],
    ], merged: ["B3:B5"])

    static let stationSheet = sheet([
        ["站点名称", "镇", "村", "地址", "联系人", "电话"],
        ["坪石镇水口村电商服务站", "坪石镇", "", "水口村委会一楼", "张三", "13812345678"],      // case 32
        ["北高岭服务点", "坪石镇", "北高岭村", "", "", ""],                                      // case 33
        ["水口社区服务站", "坪石镇", "水口社区", "", "", ""],
        ["老茶料村站", "北乡镇", "老茶料村", "", "", ""],                                          // case 34
        ["九峰镇山村站", "九峰镇", "山村", "", "", ""],                                            // case 35
        ["坪石镇镇级服务中心", "坪石镇", "", "", "", ""],
        ["第二个水口站", "坪石", "水口村", "", "", ""],
    ])

    func coverage(aliases: [String: [String: String]] = [:]) -> Coverage {
        let villages = VillageListImporter.villages(Self.villageSheet, file: "villages.xlsx")
        #expect(villages.findings.isEmpty)
        let stations = VillageListImporter.stations(Self.stationSheet, file: "stations.xlsx")
        return Coverage(villages: villages.entries, stations: stations.entries, aliases: aliases)
    }

    @Test func countsAdministrativeVillagesOnly() {
        let c = coverage()
        #expect(c.adminVillages == 4, "水口居委会 is not a 行政村")
        #expect(c.villages.map { "\($0.village.town)\($0.village.name)" } == ["坪石镇水口村", "坪石镇北高岭村", "北乡镇茶料村", "北乡镇新村"])
        #expect(c.poorVillages == 2)
    }

    @Test func matchesTownFirst() {
        let c = coverage()
        #expect(c.villages[0].stations == [0, 6], "水口村委会, not 水口居委会; one village, two stations")
        #expect(c.villages[1].stations == [1])
        #expect(c.villagesWithStation == 2)
        #expect(c.poorVillagesWithStation == 1)
        #expect(c.townLevelStations == [2, 5])
        #expect(c.unmatchedStations == [3, 4])
        let unknownTown = c.findings.first { $0.code == .stationUnknownTown }
        #expect(unknownTown?.message.contains("九峰镇") == true, "never matched across towns")
        #expect(unknownTown?.severity == .error)
        #expect(c.findings.contains { $0.code == .stationUnmatched && $0.message.contains("老茶料村") })
    }

    @Test func aliasesFixRenamedVillages() {
        let c = coverage(aliases: ["北乡镇": ["老茶料村": "茶料村"]])
        #expect(c.villages[2].stations == [3])
        #expect(c.villagesWithStation == 3)
        #expect(c.poorVillagesWithStation == 2)
    }

    @Test func townWrittenWithoutItsSuffix() throws {
        // 北乡 for 北乡镇: TownName reads 北乡 as a 乡 named 北; the list's 北乡镇 is meant.
        let villages = VillageListImporter.villages(Self.villageSheet, file: "villages.xlsx").entries
        let stations = VillageListImporter.stations(sheet([["站点名称", "镇", "村"], ["茶料站", "北乡", "茶料村"], ["水口站", "坪石", "水口村"]]),
                                                    file: "s.xlsx").entries
        let c = Coverage(villages: villages, stations: stations)
        #expect(c.findings.isEmpty, "\(c.findings)")
        #expect(c.villagesWithStation == 2)
    }

    @Test func villageFromStationNameAlone() {
        let stations = VillageListImporter.stations(sheet([["站点名称", "联系人"], ["坪石镇北高岭村电商服务站", "李四"]]), file: "s.xlsx").entries
        #expect(stations.first?.town?.core == "坪石")
        #expect(stations.first?.village?.core == "北高岭")
    }
}
