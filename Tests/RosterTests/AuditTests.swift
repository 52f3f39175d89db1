import Testing
@testable import Roster
import SheetIO

@Suite struct AuditTests {
    @Test func signals() {
        let adult = "44028119850312101" + String(IDNumber.checkCharacter("44028119850312101")!)      // 男, 35 in 2020
        let child = "44028120100101102" + String(IDNumber.checkCharacter("44028120100101102")!)      // 女, 10
        let outside = "11010519491231002X"                                                          // 北京, 70
        let morning = sheet([["培训时间：2020年7月15日", "", "培训地点：坪石镇"], ["姓名", "性别", "身份证号"],
                             ["张三", "女", adult], ["小红", "女", child], ["老李", "女", outside]])
        let afternoon = sheet([["培训时间：2020年7月15日", "", "培训地点：北乡镇"], ["姓名", "身份证号"], ["张三", adult]])
        let attendance = Attendance(imports: [SigninImporter.read(morning, file: "a.xlsx"), SigninImporter.read(afternoon, file: "b.xlsx")])
        let findings = Audit.run(attendance, province: "44")
        #expect(findings.map(\.code.rawValue).sorted() == ["audit.age", "audit.region", "audit.sex", "audit.two_places"])
        #expect(findings.first { $0.code == .auditAge }?.message.contains("10 岁") == true)
        #expect(findings.first { $0.code == .auditTwoPlaces }?.message.contains("北乡镇；坪石镇") == true)
        #expect(findings.allSatisfy { !$0.message.contains(adult) && !$0.message.contains(child) })
    }
}
