import Foundation
import Testing
import TestSupport
@testable import SheetIO

@Suite struct WriterTests {
    let dir: URL
    init() throws { dir = try TestSupport.temporaryDirectory("writer") }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Writes a workbook with every feature the evaluation workbook uses.
    func writeFull(_ file: String) throws {
        let writer = try XLSXWriter(path: file)
        let sheet = try writer.addSheet("考评指标体系")
        let title = CellStyle(fontName: "宋体", fontSize: 14, bold: true, horizontal: .center, vertical: .center, border: .thin)
        try sheet.merge(CellRange("A1:D1")!, value: .text("乐昌市自评表"), style: title)
        try sheet.write(.text("身份证号"), row: 1, column: 0)
        try sheet.write(.text("440281199001011234"), row: 2, column: 0, style: CellStyle(numberFormat: "@"))
        try sheet.write(.number(0.0104), row: 2, column: 1, style: CellStyle(numberFormat: "0.00%"))
        try sheet.write(.date(LocalDateTime(year: 2021, month: 8, day: 31)), row: 2, column: 2)
        try sheet.write(.bool(true), row: 2, column: 3)
        try sheet.writeFormula("=B3*100", cachedValue: 1.04, row: 3, column: 1)
        try sheet.writeFormula("=IF(B3>=0.01,\"达标\",\"未达标\")", cachedText: "达标", row: 3, column: 2)
        try sheet.write(.error("#N/A"), row: 3, column: 3)
        try sheet.setColumnWidth(0...0, width: 22)
        try sheet.setColumnWidth(1...3, width: 12.5)
        try sheet.setRowHeight(0, height: 30)
        try sheet.freezePanes(rows: 2)
        try sheet.autofilter(CellRange("A2:D4")!)
        try sheet.validateList(CellRange("E3:E10")!, items: ["是", "否"])
        try sheet.validateList(CellRange("F3:F10")!, source: CellRange("A1:A3")!, sourceSheet: "选项")
        try sheet.setupPrint(PrintSetup(repeatRows: 0...1, header: "&C考评自评表"))
        let options = try writer.addSheet("选项")
        for (i, item) in ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"].enumerated() {
            try options.write(.text(item), row: i, column: 0)
            try options.write(.number(Double(i + 1) * 10), row: i, column: 1)
        }
        options.hide()
        let charts = try writer.addSheet("图表")
        for kind in [ChartSpec.Kind.column, .bar, .pie] {
            let spec = ChartSpec(kind: kind, title: "人次", series: [ChartSpec.Series(
                name: "人次", sheet: "选项", categories: CellRange("A1:A3")!, values: CellRange("B1:B3")!)],
                categoryAxisTitle: "类别", valueAxisTitle: "人")
            try writer.insertChart(spec, on: charts, at: CellReference(row: kind == .pie ? 20 : 0, column: kind == .bar ? 8 : 0))
        }
        sheet.activate()
        try writer.close()
    }

    struct Dump: Decodable {
        struct SheetDump: Decodable {
            struct CellDump: Decodable {
                var value: JSONValue
                var cached: JSONValue
                var type: String
                var format: String
                var bold: Bool
                var font: String?
            }
            struct Validation: Decodable { var sqref: String; var formula: String? }
            var name: String
            var state: String
            var cells: [String: CellDump]
            var merged: [String]
            var widths: [String: Double]
            var heights: [String: Double]
            var freeze: String?
            var autofilter: String?
            var validations: [Validation]
            var orientation: String?
            var paper: Int?
            var fitToWidth: Int?
            var fitToPage: Bool?
            var printTitleRows: String?
        }
        var sheets: [SheetDump]
        var charts: [String]
    }

    enum JSONValue: Decodable, Equatable {
        case string(String), number(Double), bool(Bool), null
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else { self = .string(try c.decode(String.self)) }
        }
    }

    @Test func openpyxlReadsEveryFeature() throws {
        let file = path("full.xlsx")
        try writeFull(file)
        let json = try TestSupport.python("openpyxl_dump.py", [file])
        let dump = try JSONDecoder().decode(Dump.self, from: Data(json.utf8))
        #expect(dump.sheets.map(\.name) == ["考评指标体系", "选项", "图表"])
        #expect(dump.sheets.map(\.state) == ["visible", "hidden", "visible"])
        let s = dump.sheets[0]
        #expect(s.merged == ["A1:D1"])
        #expect(s.cells["A1"]?.value == .string("乐昌市自评表"))
        #expect(s.cells["A1"]?.bold == true)
        #expect(s.cells["A1"]?.font == "宋体")
        #expect(s.cells["A3"]?.value == .string("440281199001011234"), "an ID number stays text")
        #expect(s.cells["A3"]?.format == "@")
        #expect(s.cells["B3"]?.value == .number(0.0104))
        #expect(s.cells["B3"]?.format == "0.00%")
        #expect(s.cells["C3"]?.value == .string("2021-08-31T00:00:00"))
        #expect(s.cells["D3"]?.value == .bool(true))
        #expect(s.cells["B4"]?.value == .string("=B3*100"))
        #expect(s.cells["B4"]?.cached == .number(1.04), "the cached value viewers show")
        #expect(s.cells["C4"]?.cached == .string("达标"))
        #expect(s.widths["A"] == 22.71 || s.widths["A"] == 22)  // Excel adds padding to character widths
        #expect(s.heights["1"] == 30)
        #expect(s.freeze == "A3")
        #expect(s.autofilter == "A2:D4")
        #expect(s.validations.map(\.sqref).sorted() == ["E3:E10", "F3:F10"])
        #expect(s.validations.contains { $0.formula == "\"是,否\"" })
        #expect(s.validations.contains { $0.formula == "选项!$A$1:$A$3" })
        #expect(s.orientation == "landscape")
        #expect(s.paper == 9)
        #expect((s.fitToWidth ?? 1) == 1, "1 is the default, which libxlsxwriter leaves out")
        #expect(s.fitToPage == true)
        #expect(s.printTitleRows == "$1:$2")
        #expect(dump.charts.count == 3)
    }

    @Test func ourReaderReadsItBack() throws {
        let file = path("roundtrip.xlsx")
        try writeFull(file)
        let workbook = try Workbook.open(file)
        #expect(workbook.sheets.map(\.visibility) == [.visible, .hidden, .visible])
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.mergedRanges == [CellRange("A1:D1")!])
        #expect(sheet.cell(row: 2, column: 0)?.value == .text("440281199001011234"))
        #expect(sheet.cell(row: 2, column: 1)?.value == .number(0.0104))
        #expect(sheet.cell(row: 2, column: 2)?.value == .date(LocalDateTime(year: 2021, month: 8, day: 31)))
        #expect(sheet.cell(row: 2, column: 3)?.value == .bool(true))
        #expect(sheet.cell(row: 3, column: 1)?.value == .number(1.04))
        #expect(sheet.cell(row: 3, column: 2)?.value == .text("达标"))
        // An error is written as the formula that yields it; its cached result reads as text.
        #expect(sheet.cell(row: 3, column: 3)?.text == "#N/A")
    }

    @Test func libreOfficeOpensItAndAgreesWithTheCachedValues() throws {
        let file = path("lo.xlsx")
        try writeFull(file)
        let out = try TestSupport.temporaryDirectory("writer-lo")
        let profile = try TestSupport.temporaryDirectory("lo-profile")
        let result = try TestSupport.run("soffice", ["--headless", "-env:UserInstallation=file://\(profile.path)",
                                                     "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", out.path, file])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("lo.csv"), encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.first?.hasPrefix("\"乐昌市自评表\"") == true, "\(lines.first ?? "")")
        // LibreOffice recalculates on load: its results must equal what we cached.
        #expect(lines[3].contains("104.00%") || lines[3].contains("1.04"), "\(lines[3])")
        #expect(lines[3].contains("达标"))
    }

    @Test func constantMemoryStreamsRowsInOrder() throws {
        let file = path("big.xlsx")
        let writer = try XLSXWriter(path: file, constantMemory: true)
        let sheet = try writer.addSheet("学员名单")
        for row in 0..<100_000 {
            try sheet.write(.number(Double(row + 1)), row: row, column: 0)
            try sheet.write(.text("学员\(row + 1)"), row: row, column: 1)
        }
        #expect(throws: SheetError.self, "an earlier row cannot be written in constant-memory mode") {
            try sheet.write(.text("迟到"), row: 5, column: 0)
        }
        try writer.close()
        let workbook = try Workbook.open(file)
        var count = 0
        var last: Row?
        try workbook.forEachRow(in: workbook.sheets[0]) { count += 1; last = $0 }
        #expect(count == 100_000)
        #expect(last?[1]?.value == .text("学员100000"))
    }

    @Test func refusesWhatLibxlsxwriterWouldCrashOn() throws {
        let writer = try XLSXWriter(path: path("validation.xlsx"))
        let sheet = try writer.addSheet("表")
        let long = (1...20).map { "第\($0)个很长的下拉选项" }
        #expect(throws: SheetError.self) { try sheet.validateList(CellRange("A1:A5")!, items: long) }
        #expect(throws: SheetError.self) { try writer.addSheet("名称[非法]") }
        #expect(throws: SheetError.self) { try writer.addSheet(String(repeating: "长", count: 32)) }
        #expect(throws: SheetError.self) { try writer.addSheet("表") }
        #expect(throws: SheetError.self) { try sheet.write(.text(String(repeating: "字", count: 40_000)), row: 0, column: 0) }
        #expect(throws: SheetError.self) { try sheet.write(.text("x"), row: 1_048_576, column: 0) }
        try writer.close()
    }

    @Test func droppedWriterLeavesTheOldOutputAndNoTemporaryFile() throws {
        let file = path("keep.xlsx")
        try Data("old".utf8).write(to: URL(fileURLWithPath: file))
        do {
            let writer = try XLSXWriter(path: file)
            let sheet = try writer.addSheet("表")
            try sheet.write(.text("新内容"), row: 0, column: 0)
            // dropped without close()
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["keep.xlsx"])
    }

    @Test func refusesToOverwriteAnInput() throws {
        let input = path("input.xlsx")
        try writeFull(input)
        let error = try #require(throws: SheetError.self) { try XLSXWriter(path: input, refusing: [input]) }
        #expect(error.message.contains("输出文件与输入文件是同一个文件"))
        #expect(throws: SheetError.self) { try CSVWriter(path: input, refusing: [dir.path + "/./input.xlsx"]) }
    }
}
