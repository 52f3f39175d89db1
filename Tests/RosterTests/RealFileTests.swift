import Testing
import TestSupport
@testable import Roster
import SheetIO

/// Sign-in sheets made at test time by XlsxWriter, openpyxl and a GB18030 CSV
/// (Tests/Fixtures/make_signins.py), read through SheetIO as the real run will.
@Suite struct RealFileTests {
    static func imports(_ file: String) throws -> [SigninImport] {
        let workbook = try Workbook.open(try TestSupport.fixture(file))
        return try workbook.sheets.map { SigninImporter.read(try workbook.read($0), file: workbook.path, uses1904: workbook.uses1904) }
    }

    @Test func xlsxWriterWorkbook() throws {
        let parts = try Self.imports("signin_xlsxwriter.xlsx")
        #expect(parts.map { $0.sessions.count } == [1, 1])
        let first = parts[0].sessions[0]
        #expect(first.date == LocalDateTime(year: 2020, month: 7, day: 15))
        #expect(first.place == "坪石镇电商服务中心")
        #expect(parts[1].sessions[0].date == LocalDateTime(year: 2020, month: 7, day: 16))
        #expect(parts[0].records.count == 4, "张三 twice, 李四, 王五; not the signature-only row nor the totals")
        let lost = parts[0].findings.filter { $0.code == .idPrecisionLost }
        #expect(lost.map(\.provenance.row) == [6])
        #expect(parts[1].findings.contains { $0.code == .idUpgraded })

        let attendance = Attendance(imports: parts)
        #expect(attendance.signinRows == 6)
        #expect(attendance.duplicateSignins == 1)
        #expect(attendance.personTimes == 5)
        #expect(attendance.personTimesBySession == [3, 2], "张三's repeat on the first day counts once")
        #expect(attendance.persons.count == 4, "张三, 李四 (both days), 王五, 陈七")
        #expect(attendance.persons[1].sessions == [0, 1])
    }

    @Test func onlineFormExport() throws {
        let parts = try Self.imports("signin_wjx.xlsx")
        #expect(parts[0].mapping?.column(.name) == 6)
        #expect(parts[0].sessions.map(\.date) == [LocalDateTime(year: 2020, month: 7, day: 20)])
        let attendance = Attendance(imports: parts)
        #expect(attendance.signinRows == 3)
        #expect(attendance.duplicateSignins == 1, "王芳 submitted twice: same name and phone")
        #expect(attendance.persons.count == 2)
    }

    @Test func gb18030CSVWithTwoDates() throws {
        let parts = try Self.imports("signin_dates_gb18030.csv")
        #expect(parts[0].sessions.map(\.topic) == ["直播带货", "网店运营"])
        let attendance = Attendance(imports: parts)
        #expect(attendance.personTimes == 3)
        #expect(attendance.persons.count == 2)
        #expect(Audit.run(attendance, province: "44").isEmpty)
    }
}
