import Foundation
import Roster
import SheetIO
import Testing

@Suite struct ReviewDecisionTests {
    private func twoSessions() -> [SigninImport] {
        [[["培训时间：2020年7月15日"], ["姓名", "村"], ["王芳", "水口村"]],
         [["培训时间：2020年7月16日"], ["姓名", "村"], ["王芳", "水口村"]]].map { SigninImporter.read(sheet($0), file: "签到表.xlsx") }
    }

    @Test func reviewKeysAreStableAndShowNoNames() {
        let first = Attendance(imports: twoSessions())
        let again = Attendance(imports: twoSessions().reversed())
        #expect(first.reviews.count == 1)
        let key = first.reviews[0].key
        #expect(key == again.reviews[0].key, "the key follows what linked the records, not their order")
        #expect(key == ReviewKey.make("R3", "王芳", "水口村"))
        #expect(key.hasPrefix("r3-") && key.count == 19 && ReviewKey.isValid(key) && !key.contains("王"))
        #expect(!ReviewKey.isValid("r3-xyz") && !ReviewKey.isValid("../r3-0123456789abcdef"))
    }

    @Test func sameMergesTheRecordsAndSaysSo() {
        let key = Attendance(imports: twoSessions()).reviews[0].key
        let merged = Attendance(imports: twoSessions(), decisions: [key: .same])
        #expect(merged.persons.count == 1)
        #expect(merged.persons[0].sessions.count == 2)
        #expect(merged.persons[0].links == [Attendance.confirmedLink])
        #expect(merged.reviews.map(\.decision) == [.same], "a confirmed link stays listed, marked")
        #expect(merged.personTimes == 2)
    }

    @Test func differentKeepsThemApartAndOffTheList() {
        let key = Attendance(imports: twoSessions()).reviews[0].key
        let apart = Attendance(imports: twoSessions(), decisions: [key: .different])
        #expect(apart.persons.count == 2)
        #expect(apart.reviews.isEmpty)
        #expect(apart.separated.map(\.key) == [key])
        // A decision on a key no longer listed changes nothing.
        #expect(Attendance(imports: twoSessions(), decisions: ["r3-0000000000000000": .same]).persons.count == 2)
    }
}

@Suite struct VariantNameReviewTests {
    @Test func variantNamesUnderOneMobileAreReviewedAndMergedOnlyByDecision() {
        let imports = [[["培训时间：2020年7月15日"], ["姓名", "手机"], ["劉德華", "13800005678"]],
                       [["培训时间：2020年7月16日"], ["姓名", "手机"], ["刘德华", "13800005678"]]].map { SigninImporter.read(sheet($0), file: "签到表.xlsx") }
        let attendance = Attendance(imports: imports)
        #expect(attendance.persons.count == 2)
        #expect(attendance.reviews.map(\.rule) == ["R5"])
        #expect(attendance.reviews[0].reason == "“劉德華”与“刘德华”只差繁简或异体字，且手机号相同（138****5678），可能是同一人")
        let merged = Attendance(imports: imports, decisions: [attendance.reviews[0].key: .same])
        #expect(merged.persons.count == 1)
    }
}

@Suite struct FileClassifierTests {
    private func classify(_ rows: [[String]]) -> InputClass? { FileClassifier.classify(sheet(rows))?.0 }

    @Test func sheetsAreSortedByTheirHeader() throws {
        #expect(classify([["签到表"], ["序号", "姓名", "身份证号", "签名"]]) == .signins)
        #expect(classify([["户编号", "姓名", "证件号码", "与户主关系", "劳动技能"]]) == .poorRegistry)
        #expect(classify([["站点名称", "镇", "村", "地址", "联系人"]]) == .stations)
        #expect(classify([["镇", "村", "是否省定贫困村"]]) == .villages)
        #expect(classify([["填表说明"], ["1. 请用黑色签字笔填写"]]) == nil)
        let (_, reason) = try #require(FileClassifier.classify(sheet([["序号", "姓名", "身份证号", "签名"]])))
        #expect(reason == "第 1 行表头有“姓名”“身份证号”“签名”，是签到表的列")
    }

    @Test func filesThatAreNotTablesAreNotData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("classify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let docx = dir.appendingPathComponent("封面.docx").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: docx))
        #expect(FileClassifier.classify(path: docx) == FileClassification(.notData, "不是表格文件（.docx），不作为数据读取"))
        let notes = dir.appendingPathComponent("填表说明.csv").path
        try Data("填表说明\n请如实填写\n".utf8).write(to: URL(fileURLWithPath: notes))
        #expect(FileClassifier.classify(path: notes).inputClass == .notData)
        let csv = dir.appendingPathComponent("培训签到.csv").path
        try Data("姓名,身份证号,联系电话\n张三,,13800001111\n".utf8).write(to: URL(fileURLWithPath: csv))
        #expect(FileClassifier.classify(path: csv).inputClass == .signins)
    }
}
