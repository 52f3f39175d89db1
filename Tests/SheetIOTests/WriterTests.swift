import Foundation
import Testing
import TestSupport
@testable import SheetIO

/// Workbooks written through `XLSXWriter`, read back by openpyxl, python-calamine,
/// LibreOffice and our own reader.
@Suite final class WriterTests {
    let dir: URL
    init() throws { dir = try TestSupport.temporaryDirectory("writer") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    // MARK: The full workbook

    static let title = CellStyle(fontName: "宋体", fontSize: 14, bold: true, horizontal: .center,
                                 vertical: .center, border: .thin, fill: 0xDDEBF7)
    static let header = CellStyle(bold: true, italic: true, fontColor: 0xC00000, wrap: true,
                                  horizontal: .left, vertical: .top, border: .medium)
    static let towns = ["乐城", "北乡", "九峰"]

    /// Writes a workbook using every feature of the writer; returns its path.
    @discardableResult
    func writeFull(_ name: String = "full.xlsx") throws -> String {
        let file = path(name)
        let writer = try XLSXWriter(path: file)
        let sheet = try writer.addSheet("考评指标体系")
        try sheet.merge(CellRange("A1:E1")!, value: .text("乐昌市自评表"), style: Self.title)
        for (column, label) in ["序号", "身份证号", "完成率", "日期", "达标"].enumerated() {
            try sheet.write(label, row: 1, column: column, style: Self.header)
        }
        try sheet.write(1, row: 2, column: 0)
        try sheet.write("440281199001011234", row: 2, column: 1, style: .text)
        try sheet.write(0.0104, row: 2, column: 2, style: CellStyle(numberFormat: "0.00%"))
        try sheet.write(LocalDateTime(year: 2021, month: 8, day: 31), row: 2, column: 3)
        try sheet.write(true, row: 2, column: 4)
        try sheet.write(.number(2), row: 3, column: 0)
        try sheet.write(.text("13800138000"), row: 3, column: 1, style: .text)
        try sheet.write(.number(0.5), row: 3, column: 2, style: CellStyle(numberFormat: "0.00%"))
        try sheet.write(.date(LocalDateTime(year: 2021, month: 9, day: 1, hour: 8, minute: 30)), row: 3, column: 3)
        try sheet.write(.bool(false), row: 3, column: 4)
        try sheet.writeFormula("=SUM(A3:A4)", cachedValue: 3, row: 4, column: 0)
        try sheet.writeFormula("=IF(C3>=0.01,\"达标\",\"未达标\")", cachedText: "达标", row: 4, column: 1)
        try sheet.write(.error("#N/A"), row: 4, column: 2)
        try sheet.write(.date(LocalDateTime(year: 1899, month: 12, day: 30, hour: 8, minute: 30, hasDate: false)),
                        row: 4, column: 3)
        try sheet.write(.empty, row: 4, column: 4, style: CellStyle(border: .thin, fill: 0xFFFF00))
        try sheet.merge(CellRange("A6:B6")!, value: .number(42), style: CellStyle(horizontal: .right))
        try sheet.merge(CellRange("C6")!, value: .text("单格"))
        try sheet.setColumnWidth(0...0, width: 8)
        try sheet.setColumnWidth(1...1, width: 22)
        try sheet.setColumnWidth(2...4, width: 12.5)
        try sheet.setRowHeight(0, height: 30)
        try sheet.freezePanes(rows: 2, columns: 1)
        try sheet.autofilter(CellRange("A2:E5")!)
        try sheet.validateList(CellRange("F3:F10")!, items: ["是", "否"])
        try sheet.validateList(CellRange("G3:G10")!, source: CellRange("A1:A20")!, sourceSheet: "选项")
        try sheet.setupPrint(PrintSetup(repeatRows: 0...1,
                                        margins: .init(left: 0.5, right: 0.4, top: 0.9, bottom: 0.6),
                                        header: "&C考评自评表", footer: "&R第 &P 页"))

        let options = try writer.addSheet("选项")
        for i in 0..<20 { try options.write("第\(i + 1)个很长的下拉选项", row: i, column: 0) }
        options.hide()

        let data = try writer.addSheet("签到 表")
        try data.write("镇", row: 0, column: 0)
        try data.write("男", row: 0, column: 1)
        try data.write("女", row: 0, column: 2)
        for (i, town) in Self.towns.enumerated() {
            try data.write(town, row: i + 1, column: 0)
            try data.write(Double(10 * (i + 1)), row: i + 1, column: 1)
            try data.write(Double(5 * (i + 1)), row: i + 1, column: 2)
        }
        try data.setupPrint(PrintSetup(landscape: false, paper: 8, fitToPagesWide: 2))

        let charts = try writer.addSheet("图表")
        let towns = CellRange("A2:A4")!
        try charts.insertChart(Chart(kind: .column, title: "各镇培训人次", series: [
            .init(name: "男", sheet: "签到 表", categories: towns, values: CellRange("B2:B4")!),
            .init(name: "女", sheet: "签到 表", categories: towns, values: CellRange("C2:C4")!),
        ], categoryAxisTitle: "镇", valueAxisTitle: "人次", legend: .bottom), at: CellReference(row: 0, column: 0))
        try charts.insertChart(Chart(kind: .bar, title: "男性人次", series: [
            .init(name: "男", sheet: "签到 表", categories: towns, values: CellRange("B2:B4")!),
        ]), at: CellReference(row: 0, column: 9), xScale: 1.5)
        try charts.insertChart(Chart(kind: .pie, title: "女性占比", series: [
            .init(name: "女", sheet: "签到 表", categories: towns, values: CellRange("C2:C4")!),
        ]), at: CellReference(row: 20, column: 0), yScale: 0.5)
        charts.activate()
        try writer.close()
        return file
    }

    @Test func openpyxlReadsValuesFormatsAndFormulaResults() throws {
        let book = try readBack(try writeFull())
        #expect(book.sheets.map(\.name) == ["考评指标体系", "选项", "签到 表", "图表"])
        #expect(book.sheets.map(\.state) == ["visible", "hidden", "visible", "visible"])
        #expect(book.active == "图表")
        let s = try #require(book.sheets.first)

        let title = try #require(s.cells["A1"])
        #expect(title.value == .string("乐昌市自评表"))
        #expect(title.font == .init(name: "宋体", size: 14, bold: true, italic: false, color: nil))
        #expect(title.fill == "FFDDEBF7")
        #expect(title.border == ["thin", "thin", "thin", "thin"])
        #expect(title.horizontal == "center" && title.vertical == "center" && title.wrap == false)
        let header = try #require(s.cells["B2"])
        #expect(header.value == .string("身份证号"))
        #expect(header.font == .init(name: "Calibri", size: 11, bold: true, italic: true, color: "FFC00000"))
        #expect(header.border == ["medium", "medium", "medium", "medium"])
        #expect(header.horizontal == "left" && header.vertical == "top" && header.wrap == true)

        // Text stays text: all 18 digits, not a rounded number.
        #expect(s.cells["B3"]?.type == "str")
        #expect(s.cells["B3"]?.value == .string("440281199001011234"))
        #expect(s.cells["B3"]?.format == "@")
        #expect(s.cells["B4"]?.value == .string("13800138000"))
        #expect(s.cells["A3"]?.type == "int" && s.cells["A3"]?.value == .number(1))
        #expect(s.cells["C3"]?.type == "float" && s.cells["C3"]?.value == .number(0.0104))
        #expect(s.cells["C3"]?.format == "0.00%")
        #expect(s.cells["D3"]?.type == "datetime")
        #expect(s.cells["D3"]?.value == .string("2021-08-31T00:00:00"))
        #expect(s.cells["D3"]?.format == "yyyy-mm-dd")
        #expect(s.cells["D4"]?.value == .string("2021-09-01T08:30:00"))
        #expect(s.cells["D4"]?.format == "yyyy-mm-dd hh:mm:ss")
        #expect(s.cells["D5"]?.type == "time" && s.cells["D5"]?.value == .string("08:30:00"))
        #expect(s.cells["E3"]?.value == .bool(true))
        #expect(s.cells["E4"]?.value == .bool(false))

        // Formula text, and the cached result that viewers which do not recalculate show.
        #expect(s.cells["A5"]?.value == .string("=SUM(A3:A4)"))
        #expect(s.cells["A5"]?.cached == .number(3))
        #expect(s.cells["B5"]?.value == .string("=IF(C3>=0.01,\"达标\",\"未达标\")"))
        #expect(s.cells["B5"]?.cached == .string("达标"))
        #expect(s.cells["C5"]?.value == .string("=NA()"))
        #expect(s.cells["C5"]?.cached == .string("#N/A"))
        // A styled blank keeps its fill and borders.
        #expect(s.cells["E5"]?.value == .null)
        #expect(s.cells["E5"]?.fill == "FFFFFF00")
        #expect(s.cells["E5"]?.border == ["thin", "thin", "thin", "thin"])

        #expect(s.merged == ["A1:E1", "A6:B6"], "a single-cell range is written, not merged")
        #expect(s.cells["A6"]?.value == .number(42))
        #expect(s.cells["A6"]?.horizontal == "right")
        #expect(s.cells["C6"]?.value == .string("单格"))
    }

    @Test func openpyxlReadsLayoutValidationAndPrintSetup() throws {
        let book = try readBack(try writeFull())
        let s = try #require(book.sheets.first)
        // libxlsxwriter stores Excel's width: characters plus 5 pixels of padding, in 1/256ths.
        #expect(s.widths == ["A": 8.7109375, "B": 22.7109375, "C": 13.28515625])
        #expect(s.widthSpans["C"] == [3, 5])
        #expect(s.heights["1"] == 30)
        #expect(s.freeze == "B3")
        #expect(s.autofilter == "A2:E5")
        #expect(s.validations == [
            .init(sqref: "F3:F10", type: "list", formula: "\"是,否\""),
            .init(sqref: "G3:G10", type: "list", formula: "'选项'!$A$1:$A$20"),
        ])
        #expect(s.orientation == "landscape")
        #expect(s.paper == 9)
        #expect(s.fitToPage == true)
        #expect(s.fitToWidth == nil, "1 wide is Excel's default, which libxlsxwriter leaves out")
        #expect(s.fitToHeight == 0)
        #expect(s.printTitleRows == "$1:$2")
        #expect(s.margins == [0.5, 0.4, 0.9, 0.6])
        #expect(s.header == "&C考评自评表")
        #expect(s.footer == "&R第 &P 页")

        let data = book.sheets[2]
        #expect(data.orientation == "portrait")
        #expect(data.paper == 8)
        #expect(data.fitToWidth == 2)
        #expect(data.fitToHeight == 0)
        #expect(data.printTitleRows == nil)
        #expect(data.header == nil)
    }

    @Test func chartsHaveTheirKindTitlesSeriesAndPlaces() throws {
        let book = try readBack(try writeFull())
        #expect(book.charts.count == 3)
        let column = try #require(book.charts["xl/charts/chart1.xml"])
        #expect(column.contains("<c:barDir val=\"col\"/>"))
        #expect(column.contains("<a:t>各镇培训人次</a:t>"))
        #expect(column.contains("<a:t>镇</a:t>") && column.contains("<a:t>人次</a:t>"), "axis titles")
        // A sheet name with a space is quoted in the series references.
        #expect(column.contains("<c:f>'签到 表'!$A$2:$A$4</c:f>"))
        #expect(column.contains("<c:f>'签到 表'!$B$2:$B$4</c:f>"))
        #expect(column.contains("<c:f>'签到 表'!$C$2:$C$4</c:f>"))
        #expect(column.contains("<c:v>男</c:v>") && column.contains("<c:v>女</c:v>"), "series names")
        #expect(column.contains("<c:v>30</c:v>") && column.contains("<c:v>九峰</c:v>"), "cached data from the sheet")
        #expect(column.contains("<c:legendPos val=\"b\"/>"))

        let bar = try #require(book.charts["xl/charts/chart2.xml"])
        #expect(bar.contains("<c:barDir val=\"bar\"/>"))
        #expect(bar.contains("<a:t>男性人次</a:t>"))
        #expect(!bar.contains("<c:legend>"), "one series: no legend by default")

        let pie = try #require(book.charts["xl/charts/chart3.xml"])
        #expect(pie.contains("<c:pieChart>"))
        #expect(pie.contains("<c:legendPos val=\"r\"/>"))

        // Anchors: the top-left cells asked for, and a size of 480 x 288 pixels times the scale
        // ending in the cell it reaches (columns are 64 pixels, rows 20, an offset 9525 EMU a pixel).
        let drawing = try #require(book.drawings["xl/drawings/drawing1.xml"])
        #expect(book.drawings.count == 1, "all three charts sit on one sheet")
        let anchors = drawing.components(separatedBy: "<xdr:twoCellAnchor>").dropFirst()
        func corner(_ anchor: String, _ tag: String) -> String {
            let part = anchor.slice(between: "<xdr:\(tag)>", and: "</xdr:\(tag)>") ?? ""
            return ["col", "colOff", "row", "rowOff"]
                .map { part.slice(between: "<xdr:\($0)>", and: "</xdr:\($0)>") ?? "?" }
                .joined(separator: ",")
        }
        #expect(anchors.map { corner($0, "from") } == ["0,0,0,0", "9,0,0,0", "0,0,20,0"])
        #expect(anchors.map { corner($0, "to") } == [
            "7,304800,14,76200",   // 480 = 7 x 64 + 32; 288 = 14 x 20 + 8
            "20,152400,14,76200",  // x 1.5: 720 = 11 x 64 + 16
            "7,304800,27,38100",   // y 0.5: 144 = 7 x 20 + 4
        ])
    }

    @Test func ourReaderReadsItBack() throws {
        let workbook = try Workbook.open(try writeFull())
        #expect(workbook.sheets.map(\.name) == ["考评指标体系", "选项", "签到 表", "图表"])
        #expect(workbook.sheets.map(\.visibility) == [.visible, .hidden, .visible, .visible])
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.mergedRanges == [CellRange("A1:E1")!, CellRange("A6:B6")!])
        #expect(sheet.cell(row: 2, column: 1)?.value == .text("440281199001011234"))
        #expect(sheet.cell(row: 2, column: 2)?.value == .number(0.0104))
        #expect(sheet.cell(row: 2, column: 3)?.value == .date(LocalDateTime(year: 2021, month: 8, day: 31)))
        #expect(sheet.cell(row: 3, column: 3)?.value == .date(LocalDateTime(year: 2021, month: 9, day: 1, hour: 8, minute: 30)))
        #expect(sheet.cell(row: 2, column: 4)?.value == .bool(true))
        #expect(sheet.cell(row: 4, column: 0)?.value == .number(3))
        #expect(sheet.cell(row: 4, column: 1)?.value == .text("达标"))
    }

    /// A table with merges kept in memory beside a sheet streamed in constant-memory mode, as
    /// Report writes its official table and its evidence sheets; page breaks on the first.
    @Test func constantMemoryPerSheetBesideAnInMemorySheet() throws {
        let file = path("mixed.xlsx")
        let writer = try XLSXWriter(path: file)
        let table = try writer.addSheet("表")
        try table.write("下面", row: 3, column: 0)
        try table.merge(CellRange("A1:C2")!, value: .text("标题"))   // an earlier row, after a later one
        try table.setPageBreaks(beforeRows: [0, 3])
        let streamed = try writer.addSheet("流水", constantMemory: true)
        // Filter and frozen header are set before the rows exist: afterwards is too late.
        try streamed.freezePanes(rows: 1)
        try streamed.autofilter(CellRange("A1:B4")!)
        try streamed.write("序号", row: 0, column: 0)
        try streamed.write("身份证号", row: 0, column: 1)
        for i in 1...3 {
            try streamed.write(Double(i), row: i, column: 0)
            try streamed.write("44028119900101123\(i)", row: i, column: 1, style: .text)
        }
        let error = try #require(throws: SheetError.self) { try streamed.write("迟到", row: 1, column: 0) }
        #expect(error.message.contains("省内存模式"))
        #expect(throws: SheetError.self) { try streamed.merge(CellRange("A2:B2")!, value: .text("迟到")) }
        try table.write("仍可回写", row: 2, column: 0)
        try writer.close()

        let result = try TestSupport.run("python3", ["-c", """
            import json, sys, zipfile, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            t, s = wb["表"], wb["流水"]
            z = zipfile.ZipFile(sys.argv[1])
            print(json.dumps({"merged": [str(r) for r in t.merged_cells.ranges], "a3": t["A3"].value, "a4": t["A4"].value,
                "breaks": [b.id for b in t.row_breaks.brk], "freeze": s.freeze_panes, "filter": s.auto_filter.ref,
                "rows": [[c.value for c in r] for r in s.iter_rows()],
                "inline": ["inlineStr" in z.read(n).decode() for n in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml")]}))
            """, file])
        #expect(result.status == 0, "\(result.stderr)")
        struct Read: Decodable {
            var merged: [String]; var a3: String?; var a4: String?; var breaks: [Int]; var freeze: String?; var filter: String?
            var rows: [[Value]]; var inline: [Bool]
            enum Value: Decodable, Equatable {
                case text(String), number(Double)
                init(from decoder: Decoder) throws {
                    let c = try decoder.singleValueContainer()
                    if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
                }
            }
        }
        let read = try JSONDecoder().decode(Read.self, from: Data(result.stdout.utf8))
        #expect(read.merged == ["A1:C2"] && read.a3 == "仍可回写" && read.a4 == "下面")
        #expect(read.breaks == [3], "openpyxl numbers a break by the row above it")
        #expect(read.freeze == "A2" && read.filter == "A1:B4")
        #expect(read.rows == [[.text("序号"), .text("身份证号")]] + (1...3).map { [.number(Double($0)), .text("44028119900101123\($0)")] })
        #expect(read.inline == [false, true], "only the streamed sheet writes strings inline")
    }

    @Test func libreOfficeOpensItAndShowsTheFirstSheet() throws {
        let file = try writeFull("lo.xlsx")
        let out = try TestSupport.temporaryDirectory("writer-lo")
        let profile = try TestSupport.temporaryDirectory("lo-profile-writer")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: profile)
        }
        // 44,34,76: comma-separated, double quotes, UTF-8.
        let result = try TestSupport.run("soffice", [
            "--headless", "-env:UserInstallation=file://\(profile.path)",
            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", out.path, file,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("lo.csv"), encoding: .utf8)
        #expect(csv.split(whereSeparator: \.isNewline).map(String.init) == [
            "乐昌市自评表,,,,",
            "序号,身份证号,完成率,日期,达标",
            "1,440281199001011234,1.04%,2021-08-31,TRUE",
            "2,13800138000,50.00%,2021-09-01 08:30:00,FALSE",
            "3,达标,#N/A,08:30:00,",
            "42,,单格,,",
        ])
    }

    // MARK: Sheet references and styles

    @Test(arguments: [
        ("Sheet1", "Sheet1!$A$2:$A$10"),
        ("data_2021.v2", "data_2021.v2!$A$2:$A$10"),
        ("Sheet 1", "'Sheet 1'!$A$2:$A$10"),
        ("签到表", "'签到表'!$A$2:$A$10"),
        ("It's", "'It''s'!$A$2:$A$10"),
        ("Q1", "'Q1'!$A$2:$A$10"),
        ("abc123", "'abc123'!$A$2:$A$10"),
        ("R1C1", "'R1C1'!$A$2:$A$10"),
        ("C3PO", "'C3PO'!$A$2:$A$10"),
        ("rc", "'rc'!$A$2:$A$10"),
        ("True", "'True'!$A$2:$A$10"),
        ("2021", "'2021'!$A$2:$A$10"),
        ("a-b", "'a-b'!$A$2:$A$10"),
    ])
    func sheetNamesAreQuotedWhenAFormulaCouldMisreadThem(sheet: String, expected: String) {
        #expect(CellRange("A2:A10")!.absoluteReference(sheet: sheet) == expected)
    }

    @Test func referencesWithoutASheetAndToOneCell() {
        #expect(CellRange("B3")!.absoluteReference() == "$B$3")
        #expect(CellRange("AA10:AB12")!.absoluteReference(sheet: "Data") == "Data!$AA$10:$AB$12")
    }

    @Test func eachDistinctStyleBecomesOneFormat() throws {
        let file = path("styles.xlsx")
        let writer = try XLSXWriter(path: file)
        let sheet = try writer.addSheet("表")
        for row in 0..<300 {
            // Fresh but equal values each time: the cache is keyed by value, not identity.
            let style = [CellStyle(bold: true), CellStyle(numberFormat: "0.00"), CellStyle(border: .thin, fill: 0x000000)][row % 3]
            try sheet.write(Double(row), row: row, column: 0, style: style)
        }
        #expect(writer.formatCount == 3)
        try writer.close()
        let styles = try zipEntry(file, "xl/styles.xml")
        #expect(styles.contains("<cellXfs count=\"4\">"), "the default format and three styles")
        // Black is a colour of its own, not "no colour".
        #expect(styles.contains("<fgColor rgb=\"FF000000\"/>"))
    }

    @Test func sheetsWrittenOnSeveralThreadsAtOnceKeepEveryCellAndStyle() throws {
        let file = path("threads.xlsx")
        let writer = try XLSXWriter(path: file)
        // Streamed sheets beside in-memory ones, whose text goes to the shared-string table.
        // Handed to one thread each, which the type allows but cannot promise the compiler.
        let sheets = Handed(try (0..<6).map { try writer.addSheet("表\($0)", constantMemory: $0 % 3 != 0) })
        let rows = 3_000
        // Each sheet meets styles of its own and styles every sheet uses, first on any thread.
        @Sendable func style(_ sheet: Int, _ row: Int) -> CellStyle {
            row % 2 == 0 ? CellStyle(fontColor: UInt32(0x100000 * (sheet + 1)), numberFormat: "0.\(String(repeating: "0", count: row % 5))")
                         : CellStyle(bold: row % 4 == 1, numberFormat: "@")
        }
        let failures = ThreadFailures(count: sheets.value.count)
        DispatchQueue.concurrentPerform(iterations: sheets.value.count) { s in
            do {
                for row in 0..<rows {
                    try sheets.value[s].write(Double(row * 10 + s), row: row, column: 0, style: style(s, row))
                    try sheets.value[s].write("共用\(row % 50)", row: row, column: 1, style: style(s, row + 1))
                }
            } catch { failures.record(error, at: s) }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(writer.formatCount == sheets.value.count * 5 + 2, "five colours-by-format per sheet, two shared styles")
        try writer.close()

        let result = try TestSupport.run("python3", ["-c", """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            for s, ws in enumerate(wb.worksheets):
                for r, (a, b) in enumerate(ws.iter_rows(max_col=2), start=0):
                    assert a.value == r * 10 + s, (ws.title, r, a.value)
                    assert b.value == "共用%d" % (r % 50), (ws.title, r, b.value)
                    if r % 2 == 0:
                        assert a.number_format == "0." + "0" * (r % 5), (r, a.number_format)
                        assert a.font.color.rgb == "FF%06X" % (0x100000 * (s + 1)), (r, a.font.color.rgb)
                        assert b.number_format == "@" and bool(b.font.b) == ((r + 1) % 4 == 1)
                    else:
                        assert a.number_format == "@" and bool(a.font.b) == (r % 4 == 1)
                assert ws.max_row == \(rows), ws.max_row
            print("ok", len(wb.worksheets))
            """, file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok 6\n")
    }

    // MARK: Constant memory

    @Test func constantMemoryStreamsOneHundredThousandRows() throws {
        let file = path("big.xlsx")
        let writer = try XLSXWriter(path: file, constantMemory: true, temporaryDirectory: dir.path)
        let sheet = try writer.addSheet("学员名单")
        try sheet.merge(CellRange("A1:C1")!, value: .text("学员名单"))
        for row in 1...100_000 {
            try sheet.write(Double(row), row: row, column: 0)
            try sheet.write("学员\(row)", row: row, column: 1)
            try sheet.write("4402811990\(String(format: "%08d", row))", row: row, column: 2)
        }
        try writer.close()
        let counted = try TestSupport.run("python3", ["-c", """
            import sys
            from python_calamine import CalamineWorkbook
            rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
            print(len(rows), rows[0][0], rows[1], rows[-1])
            """, file])
        #expect(counted.status == 0, "\(counted.stderr)")
        #expect(counted.stdout == "100001 学员名单 [1.0, '学员1', '440281199000000001'] [100000.0, '学员100000', '440281199000100000']\n")

        let workbook = try Workbook.open(file)
        var count = 0
        var last: Row?
        try workbook.forEachRow(in: workbook.sheets[0]) { count += 1; last = $0 }
        #expect(count == 100_001)
        #expect(last?[2]?.value == .text("440281199000100000"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["big.xlsx"], "no temporary file left")
    }

    @Test func constantMemoryRefusesAnEarlierRow() throws {
        let file = path("order.xlsx")
        let writer = try XLSXWriter(path: file, constantMemory: true)
        let sheet = try writer.addSheet("学员名单")
        for row in 0..<10 { try sheet.write("第\(row + 1)行", row: row, column: 0) }
        let error = try #require(throws: SheetError.self) { try sheet.write("迟到", row: 5, column: 1) }
        #expect(error.kind == .writeFailed)
        #expect(error.file == file)
        #expect(error.sheet == "学员名单")
        #expect(error.cell == "B6")
        #expect(error.row == 5)
        #expect(error.detail == "Worksheet row or column index out of range.")
        #expect(error.description.contains("省内存模式下只能从上到下按顺序写行"))
        // A merge over the header after the data fails the same way instead of vanishing.
        #expect(throws: SheetError.self) { try sheet.merge(CellRange("A1:C1")!, value: .text("标题")) }
        try writer.close()
        let workbook = try Workbook.open(file)
        let read = try workbook.read(workbook.sheets[0])
        #expect(read.rows.count == 10)
        #expect(read.cell(row: 5, column: 1) == nil)
        #expect(read.mergedRanges.isEmpty)
    }

    // MARK: Limits and refusals

    @Test func inlineListsUpTo255BytesAreWrittenAndLongerOnesRefused() throws {
        let file = path("validation.xlsx")
        let writer = try XLSXWriter(path: file)
        let sheet = try writer.addSheet("表")
        // 36 items of 6 bytes and 36 commas make 252 bytes; "abc" brings it to exactly 255.
        let fits = Array(repeating: "中文", count: 36) + ["abc"]
        #expect(fits.joined(separator: ",").utf8.count == 255)
        try sheet.validateList(CellRange("A1:A5")!, items: fits)
        // One byte more would overflow libxlsxwriter 1.1.4's buffer and abort the process.
        let error = try #require(throws: SheetError.self) {
            try sheet.validateList(CellRange("B1:B5")!, items: fits.dropLast() + ["abcd"])
        }
        #expect(error.kind == .invalidArgument)
        #expect(error.message.contains("256 字节"))
        #expect(error.advice?.contains("单元格区域") == true)
        let twenty = (1...20).map { "第\($0)个很长的下拉选项" }
        #expect(throws: SheetError.self) { try sheet.validateList(CellRange("C1:C5")!, items: twenty) }
        #expect(throws: SheetError.self) { try sheet.validateList(CellRange("C1:C5")!, items: ["是,否"]) }
        #expect(throws: SheetError.self) { try sheet.validateList(CellRange("C1:C5")!, items: []) }
        // The same twenty items work from cells.
        for (i, item) in twenty.enumerated() { try sheet.write(item, row: i, column: 25) }
        try sheet.validateList(CellRange("C1:C5")!, source: CellRange("Z1:Z20")!)
        try writer.close()

        let s = try #require(try readBack(file).sheets.first)
        #expect(s.validations == [
            .init(sqref: "A1:A5", type: "list", formula: "\"" + fits.joined(separator: ",") + "\""),
            .init(sqref: "C1:C5", type: "list", formula: "'表'!$Z$1:$Z$20"),
        ])
    }

    @Test func refusesWhatExcelCannotHold() throws {
        let writer = try XLSXWriter(path: path("limits.xlsx"))
        let sheet = try writer.addSheet("表")
        for bad in ["", String(repeating: "长", count: 32), "名称[非法]", "a:b", "a*b", "a?b", "a/b", "a\\b", "'引号", "引号'"] {
            let error = try #require(throws: SheetError.self, "\(bad)") { try writer.addSheet(bad) }
            #expect(error.kind == .invalidArgument)
            #expect(error.message.contains("工作表名称无效"))
        }
        _ = try writer.addSheet(String(repeating: "长", count: 31))
        _ = try writer.addSheet("Data")
        #expect(throws: SheetError.self, "names differ only in case") { try writer.addSheet("DATA") }
        #expect(throws: SheetError.self) { try writer.addSheet("表") }

        try sheet.write(String(repeating: "字", count: 32_767), row: 0, column: 0)
        let long = try #require(throws: SheetError.self) {
            try sheet.write(String(repeating: "字", count: 32_768), row: 0, column: 0)
        }
        #expect(long.cell == "A1" && long.kind == .invalidArgument)
        #expect(throws: SheetError.self) { try sheet.write("x", row: 1_048_576, column: 0) }
        #expect(throws: SheetError.self) { try sheet.write("x", row: 0, column: 16_384) }
        #expect(throws: SheetError.self) { try sheet.write(-1, row: -1, column: 0) }
        #expect(throws: SheetError.self) { try sheet.write(.nan, row: 1, column: 0) }
        #expect(throws: SheetError.self) { try sheet.write(LocalDateTime(year: 1899, month: 12, day: 1), row: 1, column: 0) }
        #expect(throws: SheetError.self) { try sheet.write(LocalDateTime(year: 2021, month: 2, day: 30), row: 1, column: 0) }
        #expect(throws: SheetError.self) { try sheet.setupPrint(PrintSetup(header: String(repeating: "页", count: 256))) }
        try sheet.setupPrint(PrintSetup(header: String(repeating: "页", count: 255)))
        #expect(throws: SheetError.self) { try sheet.setColumnWidth(0...0, width: 300) }
        #expect(throws: SheetError.self) { try sheet.writeFormula("=", cachedValue: 0, row: 2, column: 0) }

        let chart = Chart(kind: .column, title: "空", series: [])
        #expect(throws: SheetError.self, "no series") { try sheet.insertChart(chart, at: CellReference(row: 5, column: 5)) }
        let elsewhere = Chart(kind: .pie, title: "饼", series: [
            .init(name: "人", sheet: "不存在", categories: CellRange("A1:A2")!, values: CellRange("B1:B2")!),
        ])
        #expect(throws: SheetError.self, "unknown sheet") { try sheet.insertChart(elsewhere, at: CellReference(row: 5, column: 5)) }
        try writer.close()
    }

    @Test func aClosedWriterRefusesFurtherWrites() throws {
        let writer = try XLSXWriter(path: path("closed.xlsx"))
        let sheet = try writer.addSheet("表")
        try sheet.write("内容", row: 0, column: 0)
        try writer.close()
        try writer.close()  // a second close does nothing
        let error = try #require(throws: SheetError.self) { try sheet.write("迟到", row: 1, column: 0) }
        #expect(error.message.contains("已经关闭"))
        #expect(throws: SheetError.self) { try sheet.freezePanes(rows: 1) }
        #expect(throws: SheetError.self) { try writer.addSheet("又一个") }
    }

    @Test func aHiddenFirstSheetIsNotTheOneShown() throws {
        let file = path("hidden.xlsx")
        let writer = try XLSXWriter(path: file)
        let first = try writer.addSheet("隐藏")
        try first.write("x", row: 0, column: 0)
        first.hide()
        _ = try writer.addSheet("显示")
        try writer.close()
        let book = try readBack(file)
        #expect(book.sheets.map(\.state) == ["hidden", "visible"])
        #expect(book.active == "显示")

        let none = try XLSXWriter(path: path("all-hidden.xlsx"))
        try none.addSheet("唯一").hide()
        let error = try #require(throws: SheetError.self) { try none.close() }
        #expect(error.message.contains("所有工作表都被隐藏"))
        #expect(!FileManager.default.fileExists(atPath: path("all-hidden.xlsx")))
    }

    // MARK: The output file

    @Test func aDroppedWriterLeavesTheOldOutputAndNoTemporaryFile() throws {
        let file = path("keep.xlsx")
        try Data("old".utf8).write(to: URL(fileURLWithPath: file))
        for constantMemory in [false, true] {
            let writer = try XLSXWriter(path: file, constantMemory: constantMemory)
            let sheet = try writer.addSheet("表")
            try sheet.write("新内容", row: 0, column: 0)
            // dropped here without close()
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["keep.xlsx"])
    }

    @Test func aFailedCloseReportsLibxlsxwritersReasonAndKeepsTheOldOutput() throws {
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let file = sub.appendingPathComponent("out.xlsx").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: file))
        let writer = try XLSXWriter(path: file)
        try writer.addSheet("表").write("新内容", row: 0, column: 0)
        // The directory moves away, so the temporary file cannot be created where it was meant to be.
        let moved = dir.appendingPathComponent("moved")
        try FileManager.default.moveItem(at: sub, to: moved)
        let error = try #require(throws: SheetError.self) { try writer.close() }
        #expect(error.kind == .writeFailed)
        #expect(error.file == file)
        #expect(error.detail == "Error creating output xlsx file. Usually a permissions error.")
        #expect(try String(contentsOf: moved.appendingPathComponent("out.xlsx"), encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: moved.path) == ["out.xlsx"])
    }

    @Test func refusesAnOutputThatIsAnInput() throws {
        let input = try writeFull("input.xlsx")
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let error = try #require(throws: SheetError.self) { try XLSXWriter(path: input, refusing: [input]) }
        #expect(error.kind == .invalidArgument)
        #expect(error.message.contains("输出文件与输入文件是同一个文件"))
        #expect(throws: SheetError.self, "another spelling of the same path") {
            try XLSXWriter(path: input, refusing: [dir.path + "/./input.xlsx"])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
    }

    // MARK: Reading back

    /// What openpyxl (and the zip's own entries) say about a written workbook.
    struct Book: Decodable {
        struct Sheet: Decodable {
            struct Font: Decodable, Equatable {
                var name: String?
                var size: Double?
                var bold: Bool
                var italic: Bool
                var color: String?
            }
            struct Cell: Decodable {
                var type: String
                var value: JSONValue
                var cached: JSONValue
                var format: String
                var font: Font
                var fill: String?
                var border: [String?]
                var horizontal: String?
                var vertical: String?
                var wrap: Bool
            }
            struct Validation: Decodable, Equatable {
                var sqref: String
                var type: String?
                var formula: String?
            }
            var name: String
            var state: String
            var cells: [String: Cell]
            var merged: [String]
            var widths: [String: Double]
            var widthSpans: [String: [Int]]
            var heights: [String: Double]
            var freeze: String?
            var autofilter: String?
            var validations: [Validation]
            var orientation: String?
            var paper: Int?
            var fitToPage: Bool?
            var fitToWidth: Int?
            var fitToHeight: Int?
            var printTitleRows: String?
            var margins: [Double]
            var header: String?
            var footer: String?
        }
        var sheets: [Sheet]
        var active: String
        var charts: [String: String]
        var drawings: [String: String]
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

    func readBack(_ file: String) throws -> Book {
        let result = try TestSupport.run("python3", ["-c", Self.openpyxlDump, file])
        guard result.status == 0 else { throw TestFailure("openpyxl could not read \(file):\n\(result.stderr)") }
        return try JSONDecoder().decode(Book.self, from: Data(result.stdout.utf8))
    }

    func zipEntry(_ file: String, _ entry: String) throws -> String {
        let result = try TestSupport.run("python3", ["-c", """
            import sys, zipfile
            sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())
            """, file, entry])
        guard result.status == 0 else { throw TestFailure("no \(entry) in \(file):\n\(result.stderr)") }
        return result.stdout
    }

    /// Loads the workbook twice (formulas, then cached values) and prints what matters as JSON.
    static let openpyxlDump = #"""
        import datetime, json, re, sys, zipfile
        import openpyxl

        path = sys.argv[1]
        formulas = openpyxl.load_workbook(path)
        cached = openpyxl.load_workbook(path, data_only=True)

        def value(v):
            if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
                return v.isoformat()
            return v

        def color(c):
            return c.rgb if c is not None and c.type == "rgb" else None

        def cell(c, wc):
            f = c.font
            solid = c.fill is not None and c.fill.fill_type == "solid"
            b = c.border
            return {
                "type": type(c.value).__name__, "value": value(c.value), "cached": value(wc.value),
                "format": c.number_format,
                "font": {"name": f.name, "size": f.sz, "bold": bool(f.b), "italic": bool(f.i), "color": color(f.color)},
                "fill": color(c.fill.fgColor) if solid else None,
                "border": [b.left.style, b.right.style, b.top.style, b.bottom.style],
                "horizontal": c.alignment.horizontal, "vertical": c.alignment.vertical,
                "wrap": bool(c.alignment.wrap_text),
            }

        def sheet(ws):
            wc = cached[ws.title]
            ps, pm = ws.page_setup, ws.page_margins
            fit = ws.sheet_properties.pageSetUpPr
            header = ws.HeaderFooter.oddHeader
            footer = ws.HeaderFooter.oddFooter
            return {
                "name": ws.title, "state": ws.sheet_state,
                "cells": {c.coordinate: cell(c, wc[c.coordinate]) for c in ws._cells.values()},
                "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
                "widthSpans": {k: [d.min, d.max] for k, d in ws.column_dimensions.items() if d.customWidth},
                "heights": {str(k): d.height for k, d in ws.row_dimensions.items() if d.height},
                "freeze": ws.freeze_panes, "autofilter": ws.auto_filter.ref,
                "validations": sorted(({"sqref": str(d.sqref), "type": d.type, "formula": d.formula1}
                                       for d in ws.data_validations.dataValidation), key=lambda d: d["sqref"]),
                "orientation": ps.orientation, "paper": int(ps.paperSize) if ps.paperSize is not None else None,
                "fitToPage": fit.fitToPage if fit is not None else None,
                "fitToWidth": int(ps.fitToWidth) if ps.fitToWidth is not None else None,
                "fitToHeight": int(ps.fitToHeight) if ps.fitToHeight is not None else None,
                "printTitleRows": ws.print_title_rows,
                "margins": [pm.left, pm.right, pm.top, pm.bottom],
                "header": header.center.text and "&C" + header.center.text,
                "footer": footer.right.text and "&R" + footer.right.text,
            }

        names = zipfile.ZipFile(path).namelist()
        z = zipfile.ZipFile(path)
        print(json.dumps({
            "sheets": [sheet(ws) for ws in formulas.worksheets],
            "active": formulas.active.title,
            "charts": {n: z.read(n).decode() for n in names if re.match(r"xl/charts/chart\d+\.xml$", n)},
            "drawings": {n: z.read(n).decode() for n in names if re.match(r"xl/drawings/drawing\d+\.xml$", n)},
        }, ensure_ascii=False))
        """#
}

private extension String {
    /// The text between the first `start` and the next `end` after it.
    func slice(between start: String, and end: String) -> String? {
        guard let from = range(of: start) else { return nil }
        guard let to = range(of: end, range: from.upperBound..<endIndex) else { return nil }
        return String(self[from.upperBound..<to.lowerBound])
    }
}

/// Errors met on several threads at once, each thread writing its own slot.
final class ThreadFailures: @unchecked Sendable {
    private var slots: [String?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func record(_ error: Error, at index: Int) { lock.withLock { slots[index] = "\(error)" } }
    var all: [String] { lock.withLock { slots.compactMap { $0 } } }
}

/// A value handed to other threads where the caller guarantees one thread uses each part.
struct Handed<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
