import Foundation
import Testing
import TestSupport
@testable import Roster
import SheetIO

/// Issue 11: what a clerk's first run must get right without an expert's config — online-form
/// exports, sheets that are not data, removed registry persons, villages written with the
/// county and town in front.
@Suite struct SafeDefaultsTests {
    static func id(_ n: Int) -> String {
        let body = String(format: "4402811990%02d%02d%03d", n % 12 + 1, n % 28 + 1, 100 + n)
        return body + String(IDNumber.checkCharacter(body)!)
    }

    /// Runs Python (openpyxl) to make a workbook; the script receives the output path as argv[1].
    static func makeWorkbook(_ name: String, _ script: String) throws -> String {
        let dir = try TestSupport.temporaryDirectory("defaults-roster")
        let path = dir.appendingPathComponent(name).path
        let result = try TestSupport.run("python3", ["-c", script, path])
        guard result.status == 0 else { throw TestFailure("openpyxl failed: \(result.stderr)") }
        return path
    }

    // MARK: 1. Online-form exports

    /// One export collecting two days of sign-ins: each day is its session, and a person who
    /// came on both days counts twice (before: one session, the second day dropped as a repeat).
    @Test(arguments: [
        ("问卷星", ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的姓名：", "2、身份证号码", "3、手机号码"]),
        ("腾讯问卷", ["编号", "开始答题时间", "结束答题时间", "答题时长", "1.姓名", "2.身份证号", "3.手机号"]),
        ("金数据", ["序号", "姓名", "身份证号码", "手机号码", "提交人", "提交时间", "修改时间", "填写设备"]),
    ])
    func formExportSplitsBySubmissionDate(_ producer: String, _ header: [String]) throws {
        let people = ["张三", "李四", "王五"]
        // Who submitted on which day: 张三 on both days, 李四 twice on the first (a repeat).
        let submissions = [(0, "2020/09/03 09:12:05"), (1, "2020/09/03 09:15:40"), (1, "2020/09/03 10:01:00"),
                           (0, "2020/09/04 08:59:59"), (2, "2020/09/04 09:30:00")]
        var rows = [header]
        for (n, (p, time)) in submissions.enumerated() {
            rows.append(header.map { h -> String in
                if h.contains("姓名") { return people[p] }
                if h.contains("身份证") { return Self.id(p) }
                if h.contains("手机") { return "1390000000\(p)" }
                if h == "序号" || h == "编号" { return "\(n + 1)" }
                if h == "提交答卷时间" || h == "提交时间" || h == "结束答题时间" { return time }
                if h == "开始答题时间" { return "2020/09/0\(time.contains("09/03") ? 3 : 4) 08:00:00" }
                return "x"
            })
        }
        let part = SigninImporter.read(sheet(rows), file: "\(producer)导出.xlsx")
        #expect(part.sessions.map(\.date) == [LocalDateTime(year: 2020, month: 9, day: 3), LocalDateTime(year: 2020, month: 9, day: 4)])
        #expect(part.sessions.allSatisfy { $0.dateSource == "提交时间" })
        let attendance = Attendance(imports: [part])
        #expect(attendance.signinRows == 5)
        #expect(attendance.duplicateSignins == 1, "李四's second submission on 09-03 only")
        #expect(attendance.personTimes == 4)
        let note = try #require(part.findings.first { $0.code == .sessionBySubmission })
        #expect(note.severity == .note)
        #expect(note.message.contains("共 2 天计 2 场（2020-09-03、2020-09-04）"))
        #expect(!part.findings.contains { $0.message.contains("标题") }, "no 'write the date in the title' advice for an export")
    }

    /// A real 问卷星-style export written by openpyxl with true date-time cells.
    @Test func formExportWithDateTimeCells() throws {
        let path = try Self.makeWorkbook("问卷星.xlsx", """
            import sys, datetime, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Sheet1"
            ws.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、姓名", "2、身份证号"])
            for n, (day, name, idn) in enumerate([(1, "张三", "\(Self.id(0))"), (2, "张三", "\(Self.id(0))"), (2, "李四", "\(Self.id(1))")]):
                ws.append([n + 1, datetime.datetime(2021, 3, day, 9, 30), "60秒", "微信", "直接访问", "1.2.3.4", name, idn])
            wb.save(sys.argv[1])
            """)
        var sources = EvidenceSources()
        sources.signins = [path]
        let evidence = Evidence.load(sources)
        #expect(evidence.attendance.sessions.map(\.date) == [LocalDateTime(year: 2021, month: 3, day: 1), LocalDateTime(year: 2021, month: 3, day: 2)])
        #expect(evidence.attendance.personTimes == 3)
    }

    // MARK: 3. Sheets that are not data

    @Test func sheetsWithoutATableAreNotesAndAnUnknownTableStaysAnError() throws {
        let path = try Self.makeWorkbook("签到表.xlsx", """
            import sys, openpyxl
            wb = openpyxl.Workbook()
            cover = wb.active; cover.title = "封面"
            cover["B3"] = "乐昌市电子商务进农村综合示范项目"; cover["B5"] = "培训签到材料汇编"; cover["B8"] = "2020年12月"
            guide = wb.create_sheet("填表说明")
            for line in ["填表说明：", "1、姓名请填写身份证上的姓名；", "2、身份证号请设为文本格式；", "3、每场培训一张表。"]:
                guide.append([line])
            data = wb.create_sheet("第一期")
            data.append(["培训时间：2020年7月15日"])
            data.append(["序号", "姓名", "身份证号", "联系电话"])
            data.append([1, "张三", "\(Self.id(0))", "13900000000"])
            data.append([2, "李四", "\(Self.id(1))", "13900000001"])
            wb.create_sheet("Sheet2")
            odd = wb.create_sheet("统计")
            odd.append(["甲栏", "乙栏", "丙栏"])
            odd.append(["一", "二", "三"])
            odd.append(["四", "五", "六"])
            wb.save(sys.argv[1])
            """)
        var sources = EvidenceSources()
        sources.signins = [path]
        let evidence = Evidence.load(sources)
        #expect(evidence.attendance.personTimes == 2)
        let skipped = evidence.findings.filter { $0.code == .sheetNotData }
        #expect(skipped.map(\.provenance.sheet) == ["封面", "填表说明", "Sheet2"])
        #expect(skipped.allSatisfy { $0.severity == .note })
        #expect(skipped[2].message == "空白工作表，没有数据，已跳过")
        #expect(skipped[1].message.contains("开头是“填表说明：”"))
        let unknown = evidence.findings.filter { $0.severity == .error }
        #expect(unknown.map(\.code.rawValue) == ["sheet.no_header"], "a table whose header is not recognised stays an error")
        #expect(unknown.first?.provenance.sheet == "统计")
    }

    // MARK: 4. Removed registry persons

    @Test(arguments: [("人员状态", ["正常", "死亡", "注销", "正常", "自然减少"]),
                      ("减少原因", ["", "自然减少（死亡）", "迁出", "", "销户"]),
                      ("是否死亡", ["否", "是", "是", "否", "是"])])
    func removedPersonsLeaveTheLabourPopulation(_ header: String, _ states: [String]) throws {
        var rows = [["姓名", "证件号码", "劳动技能", "务工状况", "乡（镇）", "行政村", header]]
        for (n, state) in states.enumerated() {
            rows.append(["人\(n)", Self.id(n), "普通劳动力", "乡（镇）内务工", "坪石镇", "水口村", state])
        }
        let (people, findings) = RegistryImporter.read(sheet(rows), file: "poor.xlsx")
        #expect(findings.isEmpty)
        let trainees = sheet([["培训时间：2020年7月15日"], ["姓名", "身份证号"], ["人0", Self.id(0)], ["人1", Self.id(1)]])
        let registry = PoorRegistry(people: people, attendance: Attendance(imports: [SigninImporter.read(trainees, file: "s.xlsx")]))
        #expect(registry.laborPopulation == [0, 3], "\(header): the removed are out whatever their 劳动技能")
        #expect(registry.removed == [1, 2, 4])
        let note = try #require(registry.findings.first { $0.code == .registryRemoved })
        #expect(note.message.hasPrefix("建档立卡名单中有 3 人标为已减少"))
        #expect(registry.findings.contains { $0.code == .auditInactiveAttendee }, "人1 is removed yet signed in")
        #expect(registry.trainedLabor == [0])
        #expect(registry.settings.definition.contains("不含状态写有死亡、已故、去世、注销、自然减少"))
    }

    @Test func liftedPersonsStayAndAreCounted() {
        let rows = [["姓名", "证件号码", "劳动技能", "人员状态"],
                    ["甲", Self.id(0), "普通劳动力", "标识脱贫"], ["乙", Self.id(1), "技能劳动力", "正常"]]
        let people = RegistryImporter.read(sheet(rows), file: "poor.xlsx").people
        let registry = PoorRegistry(people: people, attendance: Attendance(imports: []))
        #expect(registry.laborPopulation == [0, 1])
        #expect(registry.findings.map(\.code.rawValue) == ["registry.lifted"])
        var settings = PoorSettings()
        settings.removedValues += ["标识脱贫"]
        #expect(PoorRegistry(people: people, attendance: Attendance(imports: []), settings: settings).laborPopulation == [1])
    }

    // MARK: 5. Villages written with the county and town in front

    @Test(arguments: [
        ("乐昌市黄圃镇桥围村", "黄圃镇", "乐昌市", "桥围"), ("黄圃镇桥围村", "黄圃镇", nil, "桥围"),
        ("乐昌市黄圃镇桥围村", "黄圃镇", nil, "桥围"), ("广东省韶关市乐昌市黄圃镇桥围村委会", "黄圃", nil, "桥围"),
        ("某某县某某乡某某村委会", "某某乡", nil, "某某"), ("（黄圃镇）桥围村", "黄圃镇", nil, "桥围"),
        ("桥围村（原桥头村）", "黄圃镇", nil, "桥围"), ("【黄圃镇】 桥 围 村民委员会", "黄圃镇", nil, "桥围"),
        ("新市村", "新市镇", nil, "新市"), ("城区村", "黄圃镇", nil, "城区"), ("九峰村委会", "九峰镇", nil, "九峰"),
        ("东区镇南村", "东区镇", nil, "南"), ("（新）水口村", "坪石镇", nil, "水口"),
    ] as [(String, String, String?, String)])
    func villagePrefixes(_ written: String, _ town: String, _ county: String?, _ core: String) throws {
        let name = try #require(VillageName(written, town: TownName(town), county: county))
        #expect(name.core == core, "\(written)")
    }

    @Test(arguments: [("乐昌市黄圃镇", "黄圃", "镇"), ("新市镇", "新市", "镇"), ("白市驿镇", "白市驿", "镇"),
                      ("韶关市乐昌市乐城街道办事处", "乐城", "街道"), ("黄圃", "黄圃", "")])
    func townPrefixes(_ written: String, _ core: String, _ suffix: String) throws {
        let town = try #require(TownName(written))
        #expect(town.core == core && town.suffix == suffix, "\(written)")
    }

    /// The 乐昌市 profile that lost 2.1.k and 2.1.l: a station list writing the county and town in
    /// front of each village, in the village column or only in the station name.
    @Test func stationsWithCountyAndTownInFrontCover() throws {
        let villages = sheet([["镇", "村", "是否省定贫困村"], ["黄圃镇", "桥围村委会", "是"], ["黄圃镇", "新市村", "否"],
                              ["坪石镇", "水口村", "是"], ["坪石镇", "同吉店村", "否"], ["坪石镇", "水口社区居委会", "否"]])
        let stations = sheet([["站点名称", "镇", "村"],
                              ["桥围村电商服务站", "乐昌市黄圃镇", "乐昌市黄圃镇桥围村"],
                              ["新市村服务点", "黄圃镇", "黄圃镇新市村"],
                              ["乐昌市坪石镇水口村益农信息社", "", ""],
                              ["同吉服务站", "坪石镇", "同吉村"]])
        let (v, _) = VillageListImporter.villages(villages, file: "villages.xlsx", county: "乐昌市")
        let (s, _) = VillageListImporter.stations(stations, file: "stations.xlsx", county: "乐昌市")
        let coverage = Coverage(villages: v, stations: s)
        #expect(coverage.adminVillages == 4)
        #expect(coverage.villagesWithStation == 4, "\(coverage.findings)")
        #expect(coverage.poorVillagesWithStation == 2)
        #expect(coverage.unmatchedStations.isEmpty && coverage.townLevelStations.isEmpty)
        let prefix = coverage.findings.filter { $0.code == .stationPrefixMatch }
        #expect(prefix.count == 1 && prefix[0].message.contains("同吉店村"), "a unique prefix counts, with a warning to check it")
    }

    @Test func aStationNeverMatchesAcrossTownsOrByAShortPrefix() {
        let villages = sheet([["镇", "村"], ["黄圃镇", "桥围村"], ["坪石镇", "水口村"], ["坪石镇", "水口坪村"]])
        let stations = sheet([["站点名称", "镇", "村"], ["桥围站", "坪石镇", "桥围村"], ["水站", "坪石镇", "水村"],
                              ["东桥围站", "黄圃镇", "东桥围村"]])
        let (v, _) = VillageListImporter.villages(villages, file: "v.xlsx")
        let (s, _) = VillageListImporter.stations(stations, file: "s.xlsx")
        let coverage = Coverage(villages: v, stations: s)
        #expect(coverage.villagesWithStation == 0)
        #expect(coverage.unmatchedStations == [0, 1, 2])
        // One character apart: suggested, never counted.
        let typo = Coverage(villages: v, stations: VillageListImporter.stations(sheet([["站点名称", "镇", "村"], ["水囗站", "坪石镇", "水囗村"]]),
                                                                               file: "s.xlsx").entries)
        #expect(typo.villagesWithStation == 0)
        #expect(typo.findings.first?.message.contains("是否就是“水口村”？确认后请在配置的别名表中写明旧名与新名") == true,
                "\(typo.findings)")
        #expect(typo.findings.first?.remedy == .villageAlias(town: "坪石镇", old: "水囗村"), "the config's spelling is Scoring's to add")
    }

    /// A village list with one column, each village written with its town (and county) in front.
    @Test func aVillageListWithoutATownColumn() {
        let villages = sheet([["行政村名称", "是否省定贫困村"], ["乐昌市黄圃镇桥围村委会", "是"], ["黄圃镇新市村", "否"],
                              ["坪石镇水口村", "是"], ["镇南村", "否"]])
        let (entries, findings) = VillageListImporter.villages(villages, file: "villages.xlsx", county: "乐昌市")
        #expect(entries.map { "\($0.town)|\($0.name)" } == ["黄圃镇|桥围村", "黄圃镇|新市村", "坪石镇|水口村"])
        #expect(findings.map(\.code.rawValue) == ["villages.incomplete"], "镇南村 names no town")
        let stations = sheet([["站点名称", "地址"], ["服务站一", "乐昌市黄圃镇桥围村委会旁"], ["服务站二", "坪石镇水口村12号"]])
        let (s, _) = VillageListImporter.stations(stations, file: "stations.xlsx", county: "乐昌市")
        let coverage = Coverage(villages: entries, stations: s)
        #expect(coverage.villagesWithStation == 2, "town and village taken from the address when the name has neither")
        #expect(coverage.poorVillagesWithStation == 2)
    }

    /// An exact header beats a key word met earlier: 人员状态 after 脱贫状态 is the status column.
    @Test func theStatusColumnIsFoundByItsExactNameFirst() throws {
        let mapping = try #require(HeaderRecognition.recognise(sheet([
            ["姓名", "证件号码", "脱贫状态", "人员状态", "劳动技能"], ["甲", Self.id(0), "已脱贫", "死亡", "普通劳动力"],
        ])))
        #expect(mapping.column(.personStatus) == 3)
        let people = RegistryImporter.read(sheet([["姓名", "证件号码", "脱贫状态", "人员状态", "劳动技能"],
                                                  ["甲", Self.id(0), "已脱贫", "死亡", "普通劳动力"],
                                                  ["乙", Self.id(1), "已脱贫", "正常", "普通劳动力"]]), file: "poor.xlsx").people
        #expect(PoorRegistry(people: people, attendance: Attendance(imports: [])).laborPopulation == [1])
    }

    /// A summary of sessions in a sign-in workbook is not a list of people: a warning, not an
    /// error that stops `check`; a list of people whose name column is not recognised stays an error.
    @Test func aSummarySheetIsNotAListOfPeople() {
        let summary = SigninImporter.read(sheet([["期数", "培训日期", "培训主题", "参训人数"], ["1", "2020-07-15", "电商基础", "45"],
                                                 ["2", "2020-07-16", "直播带货", "38"]]), file: "汇总.xlsx")
        #expect(summary.findings.map(\.code) == [.sheetNotAList])
        #expect(summary.findings.first?.severity == .warning)
        let people = SigninImporter.read(sheet([["序号", "人员", "联系电话", "培训日期"], ["1", "张三", "13800000000", "2020-07-15"],
                                                ["2", "李四", "13800000001", "2020-07-15"]]), file: "签到.xlsx")
        #expect(people.findings.map(\.code) == [.sheetNoPersonColumn])
        #expect(people.findings.first?.severity == .error)
    }

    /// 制表人：…　审核人：… under a list is the form's sign-off, even where a label falls in the
    /// name or ID column; a row with a valid ID is a person whatever else it holds.
    @Test func footerSignOffRowsAreNotPeople() {
        let part = SigninImporter.read(sheet([
            ["培训时间：2020年7月15日"], ["序号", "姓名", "性别", "身份证号", "联系电话"],
            ["1", "张三", "男", Self.id(0), "13900000000"],
            ["制表人：李四", "", "", "审核人：王五", ""],
            ["", "填报日期：2020年7月16日", "", "", ""],
            ["单位（盖章）", "", "", "", ""],
            ["7", "赵六", "女", "", "", "备注：代签"],
        ]), file: "签到.xlsx")
        #expect(part.records.count == 2, "赵六's remark is not a sign-off")
        #expect(part.findings.filter { $0.code == .rowSignOff }.map { $0.provenance.row } == [3, 4, 5])
        #expect(!part.findings.contains { $0.code == .idMalformed }, "审核人：王五 is no ID number")
    }
}
