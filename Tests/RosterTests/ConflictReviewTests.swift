import Testing
@testable import Roster
import SheetIO

private func validID(_ body: String) -> String { body + String(IDNumber.checkCharacter(body)!) }

/// R6 (one ID written with several names) and R7 (one mobile number under three or more names)
/// as review items: what the people and the poor tagging are under no decision, 是同一人 and
/// 不是同一人.
@Suite struct IDTwoNamesReviewTests {
    static let x = validID("44028119800101101"), y = validID("44028119810202102")

    /// Three sessions: 张三 writes X twice, 李四 writes X once (in 水口村, no phone), and 李四
    /// signs again without an ID in the same village.
    static func imports() -> [SigninImport] {
        [[["培训时间：2020年7月15日"], ["姓名", "身份证号", "村"], ["张三", x, "水口村"], ["李四", x, "水口村"]],
         [["培训时间：2020年7月16日"], ["姓名", "身份证号", "村"], ["张三", x, "水口村"]],
         [["培训时间：2020年7月17日"], ["姓名", "身份证号", "村"], ["李四", "", "水口村"]]]
            .map { SigninImporter.read(sheet($0), file: "签到表.xlsx") }
    }

    static func registry(_ rows: [[String]]) -> [RegistryPerson] {
        RegistryImporter.read(sheet([["姓名", "证件号码", "劳动技能", "乡（镇）", "行政村"]] + rows), file: "poor.xlsx").people
    }

    @Test func openItemKeepsOneByTheIDAndTheFinding() throws {
        let a = Attendance(imports: Self.imports())
        #expect(a.persons.count == 2, "张三 and 李四 joined by R1; the ID-less 李四 apart")
        #expect(a.persons.map(\.records) == [[0, 1, 2], [3]])
        let review = try #require(a.reviews.first { $0.rule == "R6" })
        #expect(review.key == ReviewKey.make("R6", Self.x, "张三|李四"))
        #expect(!review.key.contains("4402") && review.decision == nil)
        #expect(review.records == [0, 1], "the first row of each name")
        #expect(review.idOwner == "张三")
        #expect(review.reason == "身份证号 440281********1017 写了 2 个姓名（“张三”2 行、“李四”1 行），按此号算作一人；"
            + "如不是同一人，此号归“张三”（写得最多），“李四”的记录不再按此号比对")
        #expect(a.findings.map(\.code) == [.linkIdTwoNames])
        #expect(a.reviews.map(\.rule) == ["R3", "R6"], "the ID-less 李四 and the 李四 joined to X: name + village, as before")
    }

    @Test func sameKeepsOnePersonAndSettlesTheFinding() throws {
        let key = try #require(Attendance(imports: Self.imports()).reviews.first { $0.rule == "R6" }?.key)
        let a = Attendance(imports: Self.imports(), decisions: [key: .same])
        #expect(a.persons.count == 2)
        #expect(a.persons[0].links == ["R1：身份证号相同", Attendance.confirmedLink])
        #expect(a.findings.isEmpty, "a person confirmed it: no longer a data problem")
        #expect(a.reviews.map(\.rule) == ["R3", "R6"])
        #expect(a.reviews.map(\.decision) == [nil, .same])
        #expect(a.separated.isEmpty)
    }

    @Test func differentTakesTheIDFromTheMinorityName() throws {
        let key = try #require(Attendance(imports: Self.imports()).reviews.first { $0.rule == "R6" }?.key)
        let a = Attendance(imports: Self.imports(), decisions: [key: .different])
        #expect(a.wrongID == [1])
        #expect(a.persons.count == 3, "张三 keeps X; each 李四 row stands alone until a person links them")
        #expect(a.persons.map(\.records) == [[0, 2], [1], [3]])
        #expect(a.persons.map { $0.id?.value } == [Self.x, nil, nil])
        #expect(a.persons.map(\.links) == [["R1：身份证号相同"], [], []])
        // The 李四 rows now have no ID that links them: name + village goes to review (R3).
        #expect(a.reviews.map(\.rule) == ["R3"])
        #expect(a.reviews[0].records == [1, 3])
        #expect(a.separated.map(\.key) == [key])
        let fix = a.findings.filter { $0.code == .linkIdTwoNames }
        #expect(fix.count == 1)
        #expect(fix.first?.provenance.row == 3, "the 李四 row of the first sheet")
        #expect(fix.first?.message == "经人工核查，身份证号 440281********1017 属于“张三”，此行的“李四”不是此人，证件号填错了；"
            + "已不按此号比对，请在源表中改正此行的身份证号")
        // The R3 decision then joins the two 李四 rows as usual.
        let both = Attendance(imports: Self.imports(), decisions: [key: .different, a.reviews[0].key: .same])
        #expect(both.persons.count == 2)
        #expect(both.personTimes == 4)
    }

    @Test func theRegistryNameOwnsTheIDAndOnlyItIsTagged() throws {
        // The registry holds X under 李四, although 张三 is written more often.
        let people = Self.registry([["李四", Self.x, "普通劳动力", "坪石镇", "水口村"]])
        let open = Attendance(imports: Self.imports(), registry: people)
        let review = try #require(open.reviews.first { $0.rule == "R6" })
        #expect(review.idOwner == "李四")
        #expect(review.reason.hasSuffix("此号归“李四”（建档立卡名单中此号的姓名），“张三”的记录不再按此号比对"))
        #expect(review.key == ReviewKey.make("R6", Self.x, "张三|李四"), "the key does not depend on the owner")
        // Undecided: the one person (named 张三, first) is tagged through X.
        let taggedOpen = PoorRegistry(people: people, attendance: open)
        #expect(taggedOpen.trainedLabor == [0])
        #expect(taggedOpen.matches[0]?.match == .confirmed)

        let apart = Attendance(imports: Self.imports(), decisions: [review.key: .different], registry: people)
        #expect(apart.wrongID == [0, 2], "the 张三 rows lose X")
        #expect(apart.persons.map(\.records) == [[0], [1], [2], [3]])
        #expect(apart.persons.map { $0.name?.key } == ["张三", "李四", "张三", "李四"])
        #expect(apart.persons.map { $0.id?.value } == [nil, Self.x, nil, nil])
        let tagged = PoorRegistry(people: people, attendance: apart)
        #expect(tagged.matches[1]?.registry == 0, "李四, who owns X, is the trained poor person")
        #expect(tagged.matches[1]?.match == .confirmed)
        #expect(tagged.matches[0] == nil && tagged.matches[2] == nil, "no 张三 reaches the registry")
        #expect(tagged.trainedLabor == [1], "张三 is not credited through 李四's ID")
    }

    @Test func aTieGoesToTheEarliestRowAndTheAuditSkipsTheWrongID() throws {
        // One row each; 李四's row says 女 while X is a man's: audited only while X is his.
        let rows = [["培训时间：2020年7月15日"], ["姓名", "身份证号", "性别"], ["张三", Self.x, "男"], ["李四", Self.x, "女"]]
        let imports = [SigninImporter.read(sheet(rows), file: "签到表.xlsx")]
        let open = Attendance(imports: imports)
        #expect(open.reviews.first?.idOwner == "张三")
        #expect(open.reviews.first?.reason.contains("此号归“张三”（最先出现）") == true)
        #expect(Audit.run(open).map(\.code) == [.auditSex])
        let apart = Attendance(imports: imports, decisions: [open.reviews[0].key: .different])
        #expect(apart.persons.count == 2)
        #expect(Audit.run(apart).isEmpty)
    }

    @Test func anIDWhoseFirstRowHasNoNameIsComparedFromItsFirstName() throws {
        let rows = [["培训时间：2020年7月15日"], ["姓名", "身份证号"], ["", Self.x], ["张三", Self.x], ["李四", Self.x], ["李四", Self.x]]
        let imports = [SigninImporter.read(sheet(rows), file: "签到表.xlsx")]
        let open = Attendance(imports: imports)
        #expect(open.records.count == 4)
        let review = try #require(open.reviews.first)
        #expect(review.rule == "R6" && review.records == [1, 2] && review.idOwner == "李四")
        let apart = Attendance(imports: imports, decisions: [review.key: .different])
        #expect(apart.wrongID == [1])
        #expect(apart.persons.map(\.records) == [[0, 2, 3], [1]], "the row with no name keeps the ID, with 李四")
    }

    @Test func aNewNameReopensTheItem() {
        let before = Attendance(imports: Self.imports()).reviews.first { $0.rule == "R6" }?.key ?? ""
        var more = Self.imports()
        more.append(SigninImporter.read(sheet([["培训时间：2020年7月18日"], ["姓名", "身份证号"], ["王五", Self.x]]), file: "新.xlsx"))
        let after = Attendance(imports: more, decisions: [before: .different])
        let reopened = after.reviews.first { $0.rule == "R6" }
        #expect(reopened?.key == ReviewKey.make("R6", Self.x, "张三|李四|王五"))
        #expect(reopened?.decision == nil)
        #expect(after.persons.count == 2, "the old decision does not apply to what the clerk has not seen")
    }
}

@Suite struct SharedPhoneReviewTests {
    static let x = validID("44028119800101101"), y = validID("44028119810202102")

    /// 甲, 乙 and 丙 on one phone; 甲 signs in twice (R2 joins him), 乙 and 丙 carry their IDs.
    static func imports(丙ID: String = y) -> [SigninImport] {
        [[["培训时间：2020年7月15日"], ["姓名", "身份证号", "手机"],
          ["甲", "", "13900000009"], ["乙", x, "13900000009"], ["丙", 丙ID, "13900000009"]],
         [["培训时间：2020年7月16日"], ["姓名", "身份证号", "手机"], ["甲", "", "13900000009"]]]
            .map { SigninImporter.read(sheet($0), file: "签到表.xlsx") }
    }

    @Test func openItemCountsThemApartWithTheFinding() throws {
        let a = Attendance(imports: Self.imports())
        #expect(a.persons.count == 3)
        let review = try #require(a.reviews.first { $0.rule == "R7" })
        #expect(review.key == ReviewKey.make("R7", "13900000009", "丙|乙|甲"))
        #expect(review.records == [0, 1, 2])
        #expect(review.reason == "手机号 139****0009 被 3 个不同姓名使用（“甲”、“乙”、“丙”），按不同的人计；可能是家人、村干部代填或代签")
        #expect(a.findings.map(\.code) == [.linkPhoneManyNames])
    }

    @Test func differentAcknowledgesTheSharedPhone() throws {
        let key = try #require(Attendance(imports: Self.imports()).reviews.first?.key)
        let a = Attendance(imports: Self.imports(), decisions: [key: .different])
        #expect(a.persons.count == 3)
        #expect(a.personTimes == 4)
        #expect(a.findings.isEmpty)
        #expect(a.reviews.isEmpty && a.separated.map(\.key) == [key])
    }

    @Test func sameMergesTheNamesExceptDifferentIDs() throws {
        let key = try #require(Attendance(imports: Self.imports()).reviews.first?.key)
        let a = Attendance(imports: Self.imports(), decisions: [key: .same])
        // 乙 and 丙 have different IDs (N1): 甲 joins 乙, 丙 stays apart and is named.
        #expect(a.persons.map(\.records) == [[0, 1, 3], [2]])
        #expect(a.persons[0].links == [Attendance.confirmedLink, "R2：姓名与手机号相同"])
        #expect(a.persons[0].id?.value == Self.x)
        #expect(a.duplicateSignins == 1, "甲 and 乙 at the first session are one person's repeat")
        #expect(a.findings.map(\.code) == [.linkN1Conflict])
        #expect(a.findings.first?.message == "手机号 139****0009 的 3 个姓名经人工确认为同一人，但“丙”与其余姓名的身份证号不同，仍按不同的人计；请核实")
        #expect(!a.findings.contains { $0.code == .linkIdTwoNames }, "a confirmed merge is not an ID written with two names")

        // An R5 pair inside the group is settled by the same decision.
        let variants = [SigninImporter.read(sheet([["培训时间：2020年7月15日"], ["姓名", "手机"],
                                                   ["劉德華", "13900000009"], ["刘德华", "13900000009"], ["王五", "13900000009"]]), file: "签到表.xlsx")]
        let listed = Attendance(imports: variants)
        #expect(listed.reviews.map(\.rule) == ["R5", "R7"])
        let merged = Attendance(imports: variants, decisions: [listed.reviews[1].key: .same])
        #expect(merged.persons.count == 1)
        #expect(merged.reviews.map(\.rule) == ["R7"], "nothing is left to decide on the pair")

        // Without a second ID all three are one person.
        let one = Attendance(imports: Self.imports(丙ID: ""), decisions: [key: .same])
        #expect(one.persons.count == 1)
        #expect(one.personTimes == 2, "three names at the first session are one person-time")
        #expect(one.findings.isEmpty)
    }
}
