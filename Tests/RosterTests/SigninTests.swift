import Foundation
import Testing
@testable import Roster
import SheetIO

private func importSheet(_ rows: [[String]], file: String = "签到表.xlsx", sheetName: String = "Sheet1") -> SigninImport {
    var s = sheet(rows)
    s.info.name = sheetName
    return SigninImporter.read(s, file: file)
}

/// Valid made-up identity numbers (check digits computed).
private let idA = "44028119850312101" + String(IDNumber.checkCharacter("44028119850312101")!)
private let idB = "44028119900101102" + String(IDNumber.checkCharacter("44028119900101102")!)
private let idC = "44028119700505203" + String(IDNumber.checkCharacter("44028119700505203")!)

@Suite struct SigninImporterTests {
    @Test func sessionFromTitleRowsAndSkippedRows() throws {
        let result = importSheet([
            ["乐昌市农村电商培训签到表"],
            ["培训时间：2020年7月15日", "", "", "培训地点：乐昌市电子商务公共服务中心"],
            ["序号", "姓名", "性别", "身份证号", "联系电话", "镇", "村", "签名"],
            ["1", "张  三", "男", idA, "13812345678", "坪石镇", "水口村", "张三"],
            ["2", "李四（代签）", "女", idB, "139 1234 5678", "北乡镇", "北高岭村"],
            ["3", "", "", "", "", "", "", "王五"],
            [""],
            ["4", "王五", "男", "4.40281E+17", "13712345678", "九峰镇", "茶料村"],
            ["合计", "3人"],
        ])
        #expect(result.sessions.count == 1)
        let session = try #require(result.sessions.first)
        #expect(session.date == LocalDateTime(year: 2020, month: 7, day: 15))
        #expect(session.dateSource == "标题行")
        #expect(session.place == "乐昌市电子商务公共服务中心")
        #expect(session.topic == "乐昌市农村电商培训", "the title's form word 签到表 is not part of the topic")
        #expect(result.records.map { $0.name?.key } == ["张三", "李四", "王五"])
        #expect(result.records.map(\.provenance.row) == [3, 4, 7])
        #expect(result.records[1].phone?.digits == "13912345678")
        let codes = result.findings.map(\.code)
        #expect(codes.contains(.rowTotal))
        #expect(codes.contains(.nameAnnotation))
        #expect(codes.contains(.idPrecisionLost))
        #expect(!codes.contains(.rowNoPerson), "a signature-only row is skipped quietly")
        for finding in result.findings {
            #expect(!finding.message.contains(idA) && !finding.message.contains("13912345678"))
        }
    }

    @Test func aDateColumnSplitsSessions() {
        let result = importSheet([
            ["姓名", "身份证号码", "培训日期", "培训主题"],
            ["张三", idA, "2020.7.15", "直播带货"],
            ["李四", idB, "2020.7.15", "直播带货"],
            ["张三", idA, "2020年7月16日", "网店运营"],
        ])
        #expect(result.sessions.count == 2)
        #expect(result.sessions.map(\.date) == [LocalDateTime(year: 2020, month: 7, day: 15), LocalDateTime(year: 2020, month: 7, day: 16)])
        #expect(result.sessions.map(\.topic) == ["直播带货", "网店运营"])
        #expect(result.records.map(\.session) == [0, 0, 1])
    }

    @Test func dateFromSheetOrFileName() {
        let bySheet = importSheet([["姓名", "身份证号"], ["张三", idA]], sheetName: "2020.8.3第二期")
        #expect(bySheet.sessions.first?.date == LocalDateTime(year: 2020, month: 8, day: 3))
        #expect(bySheet.sessions.first?.dateSource == "工作表名称")
        let byFile = importSheet([["姓名", "身份证号"], ["张三", idA]], file: "data/20200901签到表.xlsx")
        #expect(byFile.sessions.first?.dateSource == "文件名")
        let none = importSheet([["姓名", "身份证号"], ["张三", idA]])
        #expect(none.findings.contains { $0.code == .sessionNoDate })
    }

    @Test func noHeaderIsAnError() {
        let result = importSheet([["会议纪要"], ["今天"]])
        #expect(result.records.isEmpty)
        #expect(result.findings.first?.severity == .error)
        #expect(result.findings.first?.message.contains("找不到表头") == true)
    }
}

@Suite struct AttendanceTests {
    @Test func repeatsAtOneSessionCountOnce() {
        // case 16 and 17
        let first = importSheet([["培训时间：2020年7月15日"], ["姓名", "身份证号"], ["张三", idA], ["张三", idA.lowercased()], ["李四", idB]])
        let second = importSheet([["培训时间：2020年7月16日"], ["姓名", "身份证号"], ["张三", idA]])
        let attendance = Attendance(imports: [first, second])
        #expect(attendance.signinRows == 4)
        #expect(attendance.duplicateSignins == 1)
        #expect(attendance.personTimes == 3)
        #expect(attendance.persons.count == 2)
        #expect(attendance.persons[0].sessions == [0, 1])
        #expect(attendance.persons[0].links == ["R1：身份证号相同"], "each rule once")
    }

    @Test func differentValidIDsAreNeverMerged() {
        // case 18: two 张伟 in one village with different IDs; and N1 against R2
        let result = importSheet([["姓名", "身份证号", "联系电话", "村"],
                                  ["张伟", idA, "13812345678", "水口村"], ["张伟", idC, "13812345678", "水口村"]])
        let attendance = Attendance(imports: [result])
        #expect(attendance.persons.count == 2)
        #expect(attendance.personTimes == 2)
        #expect(attendance.findings.contains { $0.code == .linkN1Conflict })
    }

    @Test func nameAndPhoneLinkAcrossSessions() {
        // case 26
        let a = importSheet([["培训时间：2020年7月15日"], ["姓名", "联系电话"], ["王芳", "13812345678"]])
        let b = importSheet([["培训时间：2020年7月16日"], ["姓名", "手机号"], ["王  芳", "+86 138-1234-5678"]])
        let attendance = Attendance(imports: [a, b])
        #expect(attendance.persons.count == 1)
        #expect(attendance.persons[0].links == ["R2：姓名与手机号相同"])
        #expect(attendance.personTimes == 2)
    }

    @Test func nameAndVillageAloneGoToReview() {
        // case 27
        let a = importSheet([["培训时间：2020年7月15日"], ["姓名", "村"], ["王芳", "水口村"]])
        let b = importSheet([["培训时间：2020年7月16日"], ["姓名", "村"], ["王芳", "水口村"]])
        let attendance = Attendance(imports: [a, b])
        #expect(attendance.persons.count == 2, "never merged silently")
        #expect(attendance.reviews.map(\.rule) == ["R3"])
        #expect(attendance.reviews[0].records == [0, 1])
    }

    @Test func precisionLostIDGoesToReview() {
        let lost = String(idA.prefix(15)) + "000"
        let a = importSheet([["培训时间：2020年7月15日"], ["姓名", "身份证号"], ["张三", idA]])
        let b = importSheet([["培训时间：2020年7月16日"], ["姓名", "身份证号"], ["张三", lost]])
        let attendance = Attendance(imports: [a, b])
        #expect(attendance.persons.count == 2)
        #expect(attendance.reviews.map(\.rule) == ["R4"])
        #expect(!attendance.reviews[0].reason.contains(idA))
    }

    @Test func conflictsAreListed() {
        let result = importSheet([["姓名", "身份证号", "手机"],
                                  ["张三", idA, "13800000001"], ["张叁", idA, ""],
                                  ["甲", "", "13900000009"], ["乙", "", "13900000009"], ["丙", "", "13900000009"]])
        let attendance = Attendance(imports: [result])
        #expect(attendance.findings.map(\.code.rawValue).sorted() == ["link.id_two_names", "link.phone_many_names"])
    }

    @Test func unusedLinesAreSkippedWithOneNote() {
        let result = importSheet([["培训时间：2020年7月15日"], ["序号", "姓名", "身份证号", "签名"],
                                  ["1", "甲", idA, "甲"], ["2", "", "", ""], ["3", "", "", "（签名）"], ["4", "", "", ""]])
        #expect(result.records.count == 1)
        let blank = result.findings.filter { $0.code == .rowBlank }
        #expect(blank.count == 1)
        #expect(blank.first?.message == "有 3 行只有序号或签名、没有姓名和身份证号（第 4、5、6 行），是未用的空行，已跳过")
        #expect(!result.findings.contains { $0.code == .rowNoPerson })
    }

    @Test func namesOnOnePhoneAreCountedOnceEach() {
        let result = importSheet([["姓名", "手机"], ["甲", "13900000009"], ["乙", "13900000009"], ["丙", "13900000009"],
                                  ["丁", "13900000009"], ["丁", "13900000009"], ["甲", "13900000009"]])
        let findings = Attendance(imports: [result]).findings.filter { $0.code == .linkPhoneManyNames }
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("被 4 个不同姓名使用") == true, "\(findings)")
        #expect(findings.first?.message.contains("13900000009") == false, "the phone is masked")
    }

    @Test func theBundledExample() throws {
        let workbook = try Workbook.open(#filePath.replacingOccurrences(of: "Tests/RosterTests/SigninTests.swift", with: "examples/signin-sample.csv"))
        let imported = SigninImporter.read(try workbook.read(workbook.sheets[0]), file: workbook.path)
        let attendance = Attendance(imports: [imported])
        #expect(attendance.signinRows == 5)
        #expect(attendance.duplicateSignins == 1, "张三 signed twice")
        #expect(attendance.personTimes == 4)
        #expect(imported.sessions.first?.date == LocalDateTime(year: 2020, month: 7, day: 15))
    }
}
