import Testing
@testable import SheetIO

@Suite struct LocalDateTimeTests {
    @Test(arguments: [
        (1.0, false, "1900-01-01"), (59.0, false, "1900-02-28"), (60.0, false, "1900-02-29"),
        (61.0, false, "1900-03-01"), (44027.0, false, "2020-07-15"), (44027.5, false, "2020-07-15 12:00:00"),
        (0.25, false, "06:00:00"), (0.0, true, "00:00:00"), (1.0, true, "1904-01-02"), (42565.0, true, "2020-07-15"),
        (2958465.0, false, "9999-12-31"), (43831.999999, false, "2020-01-02"),
    ])
    func serials(serial: Double, uses1904: Bool, expected: String) throws {
        let dt = try #require(LocalDateTime(excelSerial: serial, uses1904: uses1904))
        #expect(dt.description == expected)
    }

    @Test func roundTripsSerials() throws {
        for serial in [1.0, 59, 60, 61, 100, 44027.75, 2958465] {
            let dt = try #require(LocalDateTime(excelSerial: serial, uses1904: false))
            #expect(dt.excelSerial() == serial)
            let dt1904 = try #require(LocalDateTime(excelSerial: serial, uses1904: true))
            #expect(dt1904.excelSerial(uses1904: true) == serial)
        }
    }

    @Test func rejectsOutOfRange() {
        #expect(LocalDateTime(excelSerial: -1, uses1904: false) == nil)
        #expect(LocalDateTime(excelSerial: 3_000_000, uses1904: false) == nil)
        #expect(LocalDateTime(excelSerial: .nan, uses1904: false) == nil)
    }
}

@Suite struct CellTextTests {
    @Test(arguments: [
        (1.0, "1"), (-3.0, "-3"), (0.1, "0.1"), (1.5, "1.5"), (13812345678.0, "13812345678"),
        (4.40281199001011e17, "440281199001011000"), (1e-5, "1e-05"), (123456789012345.0, "123456789012345"),
        (1e21, "1e+21"), (-0.0, "0"),
    ])
    func numbers(value: Double, expected: String) {
        #expect(Cell(column: 0, value: .number(value)).text == expected)
    }

    @Test func exactIntegerWins() {
        let cell = Cell(column: 0, value: .number(4.40281199001011e17), exactInteger: "440281199001011234")
        #expect(cell.text == "440281199001011234")
    }

    @Test func otherKinds() {
        #expect(Cell(column: 0, value: .bool(true)).text == "TRUE")
        #expect(Cell(column: 0, value: .error("#N/A")).text == "#N/A")
        #expect(Cell(column: 0, value: .date(LocalDateTime(year: 2020, month: 7, day: 5))).text == "2020-07-05")
    }
}

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (14, "", true), (0, "General", false), (49, "@", false), (164, "yyyy\"年\"m\"月\"d\"日\"", true),
        (165, "0.00", false), (166, "[Red]0.00", false), (167, "[h]:mm", true), (168, "\"day\"0", false),
        (169, "[$-804]yyyy/m/d", true), (170, "0_);[Red](0)", false), (171, "m/d/yy", true),
        (172, "0.00E+00", false), (31, "", true), (57, "", true), (173, "\\d0", false), (174, "h\"时\"mm\"分\"", true),
    ])
    func dateDetection(id: Int, code: String, expected: Bool) {
        #expect(NumberFormat.isDateTimeFormat(id: id, code: code) == expected)
    }
}

@Suite struct CellReferenceTests {
    @Test func parsesAndPrints() throws {
        #expect(CellReference("A1") == CellReference(row: 0, column: 0))
        #expect(CellReference("$B$12") == CellReference(row: 11, column: 1))
        #expect(CellReference("XFD1048576") == CellReference(row: 1_048_575, column: 16_383))
        #expect(CellReference("A0") == nil)
        #expect(CellReference("1A") == nil)
        #expect(CellReference.columnName(0) == "A")
        #expect(CellReference.columnName(26) == "AA")
        #expect(CellReference.columnName(16_383) == "XFD")
        #expect(CellRange("C3:A1")?.description == "A1:C3")
    }
}

@Suite struct DisplayPathTests {
    @Test(arguments: [
        ("a/b/签到表.xlsx", "签到表.xlsx"), ("签到表.xlsx", "签到表.xlsx"), ("/data/第一期/", "第一期"),
        ("//x//", "x"), ("/", "/"), ("", ""), ("a/é", "é"), ("村/", "村"),
    ])
    func fileName(path: String, expected: String) {
        #expect(DisplayPath.fileName(path) == expected)
    }
}
