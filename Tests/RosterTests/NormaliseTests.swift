import Testing
@testable import Roster
import SheetIO

/// DOMAIN §6 messy-input cases for identity numbers, names, phones and dates.
@Suite struct IDNumberTests {
    @Test(arguments: [
        ("11010519491231002x", "11010519491231002X", IDNumber.Status.valid, false),      // case 1
        ("11010519491231002Ⅹ", "11010519491231002X", .valid, false),                    // case 2 (U+2169)
        ("11010519491231002Ｘ", "11010519491231002X", .valid, false),
        ("110105194912310021", "110105194912310021", .badCheck(expected: "X"), false),  // case 3
        (" 440308199901101512 ", "440308199901101512", .valid, false),                   // case 4
        ("'440308199901101512", "440308199901101512", .valid, true),
        ("=\"440308199901101512\"", "440308199901101512", .valid, true),
        ("４４０３０８１９９９０１１０１５１２", "440308199901101512", .valid, false),          // case 5
        ("4403 0819 9901 1015 12", "440308199901101512", .valid, true),                  // case 6
        ("440308-19990110-1512", "440308199901101512", .valid, true),
        ("4.40308E+17", "4.40308E+17", .precisionLost, false),                           // case 7
        ("440308199901101000", "440308199901101000", .precisionLost, false),             // case 8
        ("610104620927690", "610104196209276908", .upgraded, false),                     // case 11
        ("610104620927997", "610104620927997", .centenarianSequence, false),             // case 12
        ("44030819990230151X", "44030819990230151X", .badDate, false),                   // case 14
        ("44030819990110151200", "440308199901101512", .valid, true),                    // case 15
        ("张三", "张三", .malformed, false),
    ])
    func normalises(input: String, value: String, status: IDNumber.Status, reformatted: Bool) {
        let id = IDNumber(input)
        #expect(id.value == value)
        #expect(id.status == status)
        #expect(id.reformatted == reformatted)
    }

    @Test func numericCellsLoseDigits() throws {
        // case 9: a numeric xlsx cell holding a Double
        let lost = try #require(IDNumber(cell: Cell(column: 0, value: .number(4.403081999011e17))))
        #expect(lost.status == .precisionLost)
        #expect(lost.trustedPrefix == "440308199901100")
        #expect(!lost.isUsable)
        // ...but a whole integer written out in the XML can still be checked
        let exact = try #require(IDNumber(cell: Cell(column: 0, value: .number(4.40308199901101504e17),
                                                     exactInteger: "440308199901101512")))
        #expect(exact.status == .valid)
    }

    @Test func derivedFacts() {
        let id = IDNumber("11010519491231002X")
        #expect(id.birthDate == LocalDateTime(year: 1949, month: 12, day: 31))
        #expect(id.sex == "女")
        #expect(id.regionCode == "110105")
        #expect(id.masked == "110105********002X")
        #expect(IDNumber.checkCharacter("11010519491231002") == "X")
    }
}

@Suite struct PersonNameTests {
    @Test(arguments: ["张  三", "张　三", "张三\u{200B}", " 张三 ", "ＺＨＡＮＧ"])
    func whitespaceGoes(input: String) throws {
        let name = try #require(PersonName(input))
        #expect(name.key == (input.contains("Ｚ") ? "ZHANG" : "张三"))   // case 19
    }

    @Test(arguments: ["买买提•吐尔逊", "买买提・吐尔逊", "买买提.吐尔逊", "买买提·吐尔逊"])
    func dotsFold(input: String) throws {
        #expect(try #require(PersonName(input)).key == "买买提·吐尔逊")   // case 20
    }

    @Test func noTraditionalFolding() throws {
        #expect(try #require(PersonName("劉德華")).key == "劉德華")   // case 21
        #expect(try #require(PersonName("王峯")).key != (try #require(PersonName("王峰"))).key)   // case 22
    }

    @Test func annotationsSplitOff() throws {
        let proxy = try #require(PersonName("李四（代签）"))   // case 23
        #expect(proxy.key == "李四")
        #expect(proxy.annotation == "代签")
        let phone = try #require(PersonName("李四13812345678"))
        #expect(phone.key == "李四")
        #expect(phone.annotation == "13812345678")
        #expect(PersonName("   ") == nil)
        #expect(PersonName("123") == nil)
    }
}

@Suite struct PhoneTests {
    @Test(arguments: ["+86 138-1234-5678", "008613812345678", "13812345678.0", "\t13812345678", "１３８１２３４５６７８",
                      "8613812345678"])
    func mobiles(input: String) {
        let phone = Phone(input)
        #expect(phone.kind == .mobile)   // case 24
        #expect(phone.digits == "13812345678")
        #expect(phone.masked == "138****5678")
    }

    @Test func landlineAndInvalid() {
        #expect(Phone("0755-12345678").kind == .landline)   // case 25
        #expect(Phone("1381234567").kind == .invalid)
        #expect(Phone("12345678").kind == .invalid)
        #expect(Phone("无").kind == .invalid)
    }
}

@Suite struct DateTextTests {
    @Test(arguments: ["2020.7.15", "2020年7月15日", "2020/07/15", "2020-7-15", "20200715", "培训时间：2020年7月15日上午",
                      "２０２０年７月１５日"])
    func texts(input: String) {
        #expect(DateText.parse(input) == LocalDateTime(year: 2020, month: 7, day: 15))
    }

    @Test func cells() {
        #expect(DateText.date(in: Cell(column: 0, value: .number(44027))) == LocalDateTime(year: 2020, month: 7, day: 15))
        #expect(DateText.date(in: Cell(column: 0, value: .number(5))) == nil, "a small number is not a date")
        #expect(DateText.date(in: Cell(column: 0, value: .date(LocalDateTime(year: 2020, month: 7, day: 15, hour: 9))))
                == LocalDateTime(year: 2020, month: 7, day: 15))
        #expect(DateText.parse("2020年2月30日") == nil)
        #expect(DateText.parse("电话13812345678") == nil)
    }
}

@Suite struct CertificateSuffixTests {
    @Test(arguments: ["44030819990110151201", "4403081999011015120102"])
    func suffixAfterAValidIDIsDropped(input: String) {
        #expect(IDNumber(input).value == "440308199901101512")
        #expect(IDNumber(input).status == .valid)
    }

    @Test(arguments: ["44030819990110151301", "4403081999011015130102"])
    func suffixAfterAnInvalidIDIsMalformed(input: String) {
        #expect(IDNumber(input).status == .malformed, "20 or 22 characters whose first 18 fail the check are no ID")
    }
}

@Suite struct RegionTests {
    @Test func provinceCodes() {
        #expect(IDNumber("440308199901101512").hasKnownProvince)
        #expect(IDNumber("362324198001010014").hasKnownProvince, "case 13: an abolished county code in a real province passes")
        let body = "99030819990110151"
        let unknown = IDNumber(body + String(IDNumber.checkCharacter(body)!))
        #expect(unknown.status == .valid)
        #expect(!unknown.hasKnownProvince)
        #expect(IDFindings.check(unknown, at: Provenance(file: "f", sheet: "s")).map(\.code) == [.idUnknownRegion])
    }
}
