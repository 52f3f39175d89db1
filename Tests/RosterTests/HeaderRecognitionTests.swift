import Testing
@testable import Roster
import SheetIO

/// A sheet from rows of text ("" for an empty cell), as a reader would deliver it.
func sheet(_ rows: [[String]], merged: [String] = []) -> Sheet {
    let built = rows.enumerated().compactMap { index, fields -> Row? in
        let cells = fields.enumerated().compactMap { column, text in
            text.isEmpty ? nil : Cell(column: column, value: .text(text))
        }
        return cells.isEmpty ? nil : Row(index: index, cells: cells)
    }
    return Sheet(info: SheetInfo(index: 0, name: "Sheet1"), rows: built,
                 summary: SheetSummary(mergedRanges: merged.compactMap { CellRange($0) }, rowCount: built.count))
}

@Suite struct HeaderRecognitionTests {
    @Test func headerBelowTitleRows() throws {
        let mapping = try #require(HeaderRecognition.recognise(sheet([
            ["乐昌市农村电商培训签到表"],
            ["培训时间：2020年7月15日", "", "", "培训地点：乐昌市电子商务公共服务中心"],
            ["序号", "姓名", "性别", "身份证号", "联系电话", "镇", "村"],
            ["1", "张三", "男", "44028119850312101X", "13812345678", "坪石镇", "水口村"],
        ])))
        #expect(mapping.headerRows == [2])
        #expect(mapping.titleRows == [0, 1])
        #expect(mapping.firstDataRow == 3)
        let expected: [ColumnRole: Int] = [.serial: 0, .name: 1, .sex: 2, .idNumber: 3, .phone: 4, .town: 5, .village: 6]
        #expect(mapping.matches.mapValues(\.column) == expected)
    }

    @Test func onlineFormExport() throws {
        // case 31: a BOM on the first header and "3、您的姓名：" style questions
        let mapping = try #require(HeaderRecognition.recognise(sheet([
            ["\u{FEFF}序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的姓名：", "2、手机号码", "3、身份证号码（必填）", "4、所在村"],
            ["1", "2026/09/03 12:00:00", "125秒", "手机提交", "直接访问", "1.2.3.4(广东-韶关)", "张三", "13812345678", "44028119850312101X", "水口村"],
        ])))
        #expect(mapping.column(.serial) == 0)
        #expect(mapping.column(.submittedAt) == 1)
        #expect(mapping.column(.formMetadata) == 2)
        #expect(mapping.column(.name) == 6)
        #expect(mapping.column(.phone) == 7)
        #expect(mapping.column(.idNumber) == 8)
        #expect(mapping.column(.village) == 9)
    }

    @Test func twoRowMergedHeader() throws {
        let mapping = try #require(HeaderRecognition.recognise(sheet([
            ["学员信息", "", "", "培训日期"],
            ["姓名", "身份证号码", "联系电话", ""],
            ["张三", "44028119850312101X", "13812345678", "2020-07-15"],
        ], merged: ["A1:C1", "D1:D2"])))
        #expect(mapping.headerRows == [0, 1])
        #expect(mapping.column(.name) == 0)
        #expect(mapping.column(.idNumber) == 1)
        #expect(mapping.column(.date) == 3)
        #expect(mapping.firstDataRow == 2)
    }

    @Test func registryHeaderVariants() throws {
        // case 28: 人口编号 for 人编号, full- and half-width brackets in 乡（镇）
        for town in ["乡（镇）", "乡(镇)"] {
            let mapping = try #require(HeaderRecognition.recognise(sheet([
                ["户编号", "人口编号", "姓名", "证件号码", "与户主关系", "劳动技能", "务工状况", town, "行政村", "自然村"],
            ])))
            let expected: [ColumnRole: Int] = [.householdID: 0, .personID: 1, .name: 2, .idNumber: 3, .relation: 4,
                                               .laborSkill: 5, .workStatus: 6, .town: 7, .village: 8, .naturalVillage: 9]
            #expect(mapping.matches.mapValues(\.column) == expected)
        }
    }

    @Test func reasonsAreGivenInChinese() throws {
        let mapping = try #require(HeaderRecognition.recognise(sheet([["学员姓名", "学员身份证号码(18位)"]])))
        #expect(mapping.matches[.name]?.reason == "表头“学员姓名”是“姓名”的常见写法")
        #expect(mapping.matches[.idNumber]?.reason == "表头“学员身份证号码(18位)”含有“身份证”")
    }

    @Test func noHeaderNoMapping() {
        #expect(HeaderRecognition.recognise(sheet([["会议纪要"], ["今天讨论了电商培训的安排"]])) == nil)
    }
}
