import Foundation
import Testing
import TestSupport
import Roster
import Scoring
import SheetIO
@testable import Report

/// The filled workbook, read back by openpyxl and LibreOffice.
@Suite final class ReportTests {
    let fixture: ReportFixture
    init() throws { fixture = try ReportFixture() }
    deinit { fixture.remove() }

    func path(_ name: String) -> String { fixture.dir.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String = "自评表.xlsx", maskPII: Bool = false) throws -> String {
        let out = path(name)
        try EvaluationWorkbook.write(fixture.evaluation, evidence: fixture.evidence, to: out, maskPII: maskPII, inputs: fixture.inputs)
        return out
    }

    // MARK: openpyxl

    struct Book: Decodable {
        var sheets: [Sheet]
        var active: String
    }

    struct Sheet: Decodable {
        var name: String
        var merged: [String]
        var freeze: String?
        var autofilter: String?
        var maxRow: Int
        /// Cell text by reference: cached results for formulas.
        var values: [String: String]
        var formulas: [String: String]
        var fills: [String: String]
        var fitToPage: Bool
        var fitWidth: Int?
        var fitHeight: Int?
        var landscape: Bool
        var printTitleRows: String?
        /// openpyxl's row-break ids: the 1-based row above each break.
        var breaks: [Int]
    }

    static let dump = """
        import json, sys, openpyxl
        def text(v):
            if v is None: return None
            if isinstance(v, bool): return "TRUE" if v else "FALSE"
            if isinstance(v, float) and v.is_integer(): return str(int(v))
            if hasattr(v, "isoformat"): return v.isoformat()
            return str(v)
        wb = openpyxl.load_workbook(sys.argv[1])
        cached = openpyxl.load_workbook(sys.argv[1], data_only=True)
        out = {"sheets": [], "active": wb.active.title}
        for ws in wb.worksheets:
            cs = cached[ws.title]
            values, formulas, fills = {}, {}, {}
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith("="):
                        formulas[c.coordinate] = c.value
                    v = text(cs[c.coordinate].value)
                    if v is not None: values[c.coordinate] = v
                    if c.fill is not None and c.fill.fill_type == "solid":
                        fills[c.coordinate] = c.fill.fgColor.rgb
            out["sheets"].append({"name": ws.title, "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                "freeze": ws.freeze_panes, "autofilter": ws.auto_filter.ref, "maxRow": ws.max_row,
                "values": values, "formulas": formulas, "fills": fills,
                "fitToPage": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
                "fitWidth": ws.page_setup.fitToWidth, "fitHeight": ws.page_setup.fitToHeight,
                "landscape": ws.page_setup.orientation == "landscape",
                "printTitleRows": ws.print_title_rows, "breaks": [b.id for b in ws.row_breaks.brk]})
        print(json.dumps(out, ensure_ascii=False))
        """

    func readBack(_ file: String) throws -> Book {
        let result = try TestSupport.run("python3", ["-c", Self.dump, file])
        guard result.status == 0 else { throw TestFailure("openpyxl cannot read \(file): \(result.stderr)") }
        return try JSONDecoder().decode(Book.self, from: Data(result.stdout.utf8))
    }

    func sheet(_ book: Book, _ name: String) throws -> Sheet {
        try #require(book.sheets.first { $0.name == name })
    }

    /// Data rows of an evidence table: rows 2… up to the first empty 序号 cell.
    func tableRows(_ s: Sheet, columns: String = "ABCDEFGHIJKL") -> [[String]] {
        var rows: [[String]] = []
        var r = 2
        while let first = s.values["A\(r)"], !first.isEmpty, Int(first) != nil {
            rows.append(columns.map { s.values["\($0)\(r)"] ?? "" })
            r += 1
        }
        return rows
    }

    @Test func officialTableReadsBackWithScoresFormulasAndMerges() throws {
        let book = try readBack(try write())
        #expect(book.sheets.map(\.name) == EvaluationWorkbook.sheetNames)
        #expect(book.active == "考评指标体系")
        let s = try sheet(book, "考评指标体系")
        #expect(s.values["A1"] == "2019年省级电子商务进农村综合示范创建考评指标体系")
        #expect(s.values["A3"] == "工作任务" && s.values["B3"] == "评价指标" && s.values["B4"] == "名称")
        #expect(s.values["C4"] == "权重\n(%)" && s.values["G3"] == "自评得分")
        // Header cells, section cells over their rows, 名称/权重 over a continued row, the total label.
        for range in ["A1:H1", "A3:A4", "B3:C3", "D3:D4", "E3:E4", "F3:F4", "G3:G4",
                      "A5:A6", "B7:B8", "C7:C8", "A13:A14", "A15:F15"] {
            #expect(s.merged.contains(range), "\(range) not merged: \(s.merged)")
        }
        #expect(s.values["A5"] == "加强组织领导与统筹协调（10分）")
        // A section's task cell is merged over its rows on each printed page: pieces meet at page breaks.
        let pieces = s.merged.filter { $0.hasPrefix("A") && !$0.contains("F") }
            .compactMap { r -> (Int, Int)? in
                let ends = r.split(separator: ":").map { Int($0.dropFirst())! }
                return ends[0] >= 7 && ends[1] <= 10 ? (ends[0], ends[1]) : nil
            }.sorted { $0.0 < $1.0 }
        let covered = pieces.flatMap { Array($0.0...$0.1) } + (pieces.contains { $0.1 == 10 } ? [] : [10])
        #expect(covered == [7, 8, 9, 10], "\(pieces)")
        for piece in pieces.dropFirst() { #expect(s.breaks.contains(piece.0 - 1), "no page break above row \(piece.0)") }
        if !s.breaks.contains(9) { #expect(pieces.map(\.0) == [7]) } else { #expect(s.values["A10"] == "深入推动电子商务进农村工作（55分）（续）") }
        #expect(s.values["B7"] == "服务体系建设" && s.values["C7"] == "25")
        #expect(s.values["E5"] == "组织领导的评分标准（1-2分）；其他情况不得分。")

        // Every 自评得分, then the total.
        let scores = (5..<(5 + ReportFixture.expectedScores.count)).map { s.values["G\($0)"] ?? "" }
        #expect(scores == ReportFixture.expectedScores)
        #expect(s.values["G15"] == "27")
        #expect(s.formulas["G15"] == "=SUM($G$5:$G$14)")
        #expect(s.values["A15"] == "合计得分")

        // Computed rows are formulas over 指标计算, built from the bands; manual rows are numbers.
        #expect(s.formulas["G5"] == nil)
        let metrics = try sheet(book, "指标计算")
        let coverageRow = try #require(metrics.values.first { $0.value == "training_coverage_rate" }?.key.dropFirst())
        let poorRow = try #require(metrics.values.first { $0.value == "poor_training_rate" }?.key.dropFirst())
        #expect(s.formulas["G10"] == "=IF('指标计算'!$F$\(coverageRow)>=0.01,10,IF('指标计算'!$F$\(coverageRow)>=0.008,8,IF('指标计算'!$F$\(coverageRow)>=0.006,6,0)))+IF('指标计算'!$F$\(poorRow)>=0.5,10,IF('指标计算'!$F$\(poorRow)>=0.4,8,IF('指标计算'!$F$\(poorRow)>=0.3,6,0)))")
        #expect(s.formulas["G11"]?.hasPrefix("=IF('指标计算'!$F$") == true && s.formulas["G11"]?.hasSuffix(",5,-5)") == true)

        // 临界 and 缺 are marked by fill and in the note column.
        #expect(s.fills["G10"] == "FFFFE699", "2.3: 0.81% and 50.00% are within 0.5 points of a threshold")
        #expect(s.values["H10"]?.contains("临界：2.3.a 培训人次/常住人口 0.88%，恰好达到 0.8%：少 1 人次就降档；") == true, "\(s.values["H10"] ?? "")")
        #expect(s.fills["G9"] == "FFF4B084")
        #expect(s.values["H9"]?.hasPrefix("缺：2.2.d") == true)
        #expect(s.values["G14"] == "未判定" && s.fills["G14"] == "FFF4B084")

        // Printing: A4 landscape, one page wide, header rows repeated.
        // One page wide (libxlsxwriter leaves out Excel's default width of 1), as many tall as needed.
        #expect(s.landscape && s.fitToPage && (s.fitWidth ?? 1) == 1 && s.fitHeight == 0)
        #expect(s.printTitleRows == "$3:$4")
        #expect(s.freeze == "A5")
    }

    @Test func metricsSheetShowsPartsRatesBandsAndDefinitions() throws {
        let book = try readBack(try write())
        let s = try sheet(book, "指标计算")
        let row = try #require(s.values.first { $0.value == "training_coverage_rate" }?.key.dropFirst())
        #expect(s.values["D\(row)"] == "7" && s.values["E\(row)"] == "800")
        #expect(try #require(Double(s.values["F\(row)"] ?? "")) == 7.0 / 800.0, "the full value is stored")
        #expect(s.values["H\(row)"] == "≥0.80%（8 分）")
        #expect(s.values["I\(row)"] == "8" && s.values["J\(row)"] == "10" && s.values["K\(row)"] == "临界")
        #expect(s.values["L\(row)"]?.hasPrefix("临界：恰好达到 0.8%：少 1 人次就降档。") == true, "a 临界 mark says why")
        let poor = try #require(s.values.first { $0.value == "poor_training_rate" }?.key.dropFirst())
        let poorRow = try #require(Int(poor))
        // One metric feeding two items takes a row per item.
        #expect(s.values["G\(poorRow)"] == "2.3.b 贫困人口培训率" && s.values["G\(poorRow + 1)"] == "B.1 贫困人口培训率70%及以上")
        #expect(s.values["H\(poorRow + 1)"] == "低于 70.00%（0 分）")
        let text = s.values.values.joined(separator: "\n")
        #expect(text.contains("口径说明"))
        #expect(text.contains("劳动技能为普通劳动力、技能劳动力、弱劳动力或半劳动力的建档立卡贫困人口"))
        let poorDefinition = "劳动技能为普通劳动力、技能劳动力、弱劳动力或半劳动力的建档立卡贫困人口，不含"
        let counts = s.values.values.filter { $0.hasPrefix("有劳动能力的建档立卡贫困人口的计数：") }
        #expect(counts.count == 1)
        #expect(counts.allSatisfy { !$0.contains(poorDefinition) }, "the counts do not restate the definition")
        #expect(text.contains("去掉同一人在同一场次的重复签到 1 行，计 7 人次"))
    }

    @Test func evidenceSheetsListEveryRecord() throws {
        let book = try readBack(try write())
        let sessions = try sheet(book, "培训场次")
        #expect(sessions.freeze == "A2")
        #expect(sessions.autofilter == "A1:I3")
        #expect(tableRows(sessions, columns: "BHI") == [["2020-07-15T00:00:00", "5", "4"], ["2020-08-03T00:00:00", "3", "3"]])
        // 来源文件 is relative to the config's folder, as the config names files.
        let configFolder = URL(fileURLWithPath: fixture.evaluation.configPath).deletingLastPathComponent().path + "/"
        let firstInput = String(fixture.inputs[0].dropFirst(configFolder.count))
        #expect(fixture.inputs[0].hasPrefix(configFolder) && !firstInput.contains("/"))
        #expect(sessions.values["F2"] == firstInput && sessions.values["G2"] == "第一期")
        #expect(sessions.values["A4"] == "合计" && sessions.values["H4"] == "8" && sessions.values["I4"] == "7")

        let people = try sheet(book, "学员名单")
        #expect(people.freeze == "A2" && people.autofilter == "A1:L7")
        #expect(tableRows(people, columns: "BCDGIJK") == [
            ["张三", ReportFixture.zhang, "13812345678", "2", "是", "身份证号确认", "是"],
            ["李四", ReportFixture.li, "13912345678", "1", "是", "身份证号确认", "否（不属劳动力人口）"],
            ["王五", ReportFixture.wang, "13712345678", "1", "否", "", ""],
            ["孙九", "", "", "1", "否", "", ""],
            ["赵六", "", "13600001111", "1", "否", "", ""],
            ["孙九", "", "", "1", "否", "", ""],
        ])

        let poor = try sheet(book, "贫困人口培训清单")
        #expect(tableRows(poor, columns: "BCGH") == [["张三", ReportFixture.zhang, "普通劳动力", "乡(镇)内务工"]])
        #expect(!poor.values.values.contains("李四"), "the list holds exactly the persons counted in the rate")
        let others = try sheet(book, "其他参训建档立卡人员")
        #expect(tableRows(others, columns: "BCM") == [["李四", ReportFixture.li, "不属于有劳动能力的贫困人口（按自评表的口径）"]])

        let coverage = try sheet(book, "站点覆盖")
        #expect(tableRows(coverage, columns: "BCDEG") == [
            ["坪石镇", "水口村", "是", "1", "是"], ["坪石镇", "北高岭村", "否", "0", "否"],
            ["北乡镇", "茶料村", "是", "1", "是"], ["北乡镇", "新村", "否", "0", "否"],
        ])
        #expect(coverage.values.keys.allSatisfy { Int($0.drop { $0.isLetter }) ?? 0 <= 5 }, "only the villages: no sub-tables under them")
        let apart = try sheet(book, "未计入覆盖的站点")
        #expect(apart.freeze == "A2")
        let stationText = apart.values.values
        #expect(stationText.contains("坪石镇镇级服务中心（值班 138-0000-1111）") && stationText.contains("九峰镇山村站"))

        let findings = try sheet(book, "数据问题")
        let severities = Set(tableRows(findings, columns: "B").map { $0[0] })
        #expect(tableRows(findings).count == fixture.evidence.findings.count)
        #expect(severities.isSubset(of: ["错误", "警告", "提示"]))
        #expect(findings.values.values.contains("station.unknown_town"))
        // 孙九 of 新村 signed twice with neither ID nor phone: two people, listed for review.
        let reviews = try sheet(book, "待核查")
        #expect(tableRows(reviews, columns: "ABDGH") == [["1", "R3 同名同村无证件", "孙九", "第一期", "8"],
                                                         ["1", "R3 同名同村无证件", "孙九", "第二期", "5"]])
        #expect(reviews.values["F2"] == firstInput && reviews.values["C2"]?.contains("孙九") == true)
        #expect(reviews.values["I2"]?.hasPrefix("待核查，未合并（r3-") == true)
    }

    @Test func maskedWorkbookHoldsNoWholeIDOrPhone() throws {
        let file = try write("公开版.xlsx", maskPII: true)
        let book = try readBack(file)
        let people = try sheet(book, "学员名单")
        #expect(people.values["C2"] == "440281********1017".replacingOccurrences(of: "1017", with: String(ReportFixture.zhang.suffix(4))))
        #expect(people.values["D2"] == "138****5678")
        // No whole ID or phone anywhere in the package's XML.
        let xml = try TestSupport.run("python3", ["-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            print("".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))
            """, file])
        #expect(xml.status == 0)
        // A phone typed with hyphens into a station's name, too.
        #expect(xml.stdout.contains("坪石镇镇级服务中心（值班 138-****-1111）"))
        for secret in ReportFixture.fullIDs + ReportFixture.phones + ["138-0000-1111"] {
            #expect(!xml.stdout.contains(secret), "\(secret.prefix(6))… appears in the masked workbook")
        }
        #expect(xml.stdout.contains(String(ReportFixture.zhang.prefix(6)) + "********"))
    }

    // MARK: LibreOffice

    func soffice(_ args: [String]) throws -> TestSupport.ProcessResult {
        let profile = try TestSupport.temporaryDirectory("lo-profile-report")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try TestSupport.run("soffice", ["--headless", "-env:UserInstallation=file://\(profile.path)"] + args)
    }

    /// A copy of the workbook without any cached formula result, so LibreOffice must compute them.
    func stripCachedResults(_ file: String) throws -> String {
        let bare = String(file.dropLast(5)) + "-uncached.xlsx"
        let strip = try TestSupport.run("python3", ["-c", """
            import re, sys, zipfile
            src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)
            n = 0
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename.startswith("xl/worksheets/"):
                    text, k = re.subn(r"(<f>[^<]*</f>)<v>[^<]*</v>", r"\\1", data.decode("utf-8"))
                    n += k
                    data = text.encode("utf-8")
                dst.writestr(info, data)
            dst.close()
            print(n)
            """, file, bare])
        #expect(strip.status == 0, "\(strip.stderr)")
        #expect(Int(strip.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 5, "formulas found: \(strip.stdout)")
        return bare
    }

    /// The first sheet as LibreOffice computes and prints it, as CSV rows.
    func libreOfficeCSV(_ file: String) throws -> [[String]] {
        let out = try TestSupport.temporaryDirectory("report-lo")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", out.path, file])
        #expect(result.status == 0, "\(result.stderr)")
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + ".csv"
        return parseCSV(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8))
    }

    @Test func libreOfficeRecalculatesTheSameScores() throws {
        let rows = try libreOfficeCSV(try stripCachedResults(try write()))
        func g(_ r: Int) -> String { r < rows.count && rows[r].count > 6 ? rows[r][6] : "" }
        let recalculated = (4..<(4 + ReportFixture.expectedScores.count)).map(g)
        #expect(recalculated == ReportFixture.expectedScores)
        #expect(g(14) == "27")
        // The header's 自评总分 is a formula over the total: LibreOffice computes it too.
        #expect(rows.count > 1 && rows[1].first == "县（市、区）：乐昌市　　自评总分：27 分")
    }

    /// The real guangdong-2019 template through the config loader: every 自评得分 that LibreOffice
    /// recalculates equals the cached one, and the total is the engine's.
    @Test func guangdong2019TableRecalculatesToTheEngineScores() throws {
        let template = TestSupport.packageRoot.appendingPathComponent("templates/guangdong-2019.yaml").path
        let config = path("kaoping.yaml")
        try """
            county: 乐昌市
            template: \(template)
            cutoff: 2021-08-31
            population: {resident: 800}
            funds: {allocated: 5000000, disbursed: 4167785.00}
            inputs: {villages: villages.xlsx, stations: stations.xlsx, poor_registry: poor.xlsx, signins: [signins.xlsx]}
            facts:
              center_opened: 2020-01-15
              park_enterprises: 20
              park_enterprise_types: 4
              logistics_villages: 4
              online_retail: {previous: 120000000, current: 150000000}
              media: {provincial: 1, municipal: 0, county: 3}
            manual: {"1.1": 2, "1.2": 2, "1.3": 2, "1.4.a": 2, "1.4.b": 2, "2.1.a": 2, "2.1.c": 2, "2.1.d": 1, "2.1.e": 1,
                     "2.1.f": 1, "2.1.g": 1, "2.1.h": 2, "2.2.a": 2, "2.2.b": 2, "2.2.c": 1, "2.2.e": 1, "3.1.a": 2, "3.1.b": 2,
                     "3.2.a": 3, "3.2.b": 3, "4.1": 0, "5.1": 5, "5.2": 4, "5.3": 5, "B.2": 0, "V.1": false, "V.2": false, "V.3": false}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let loaded = try Config.load(path: config)
        let evidence = Evidence.load(loaded.sources)
        let evaluation = Evaluator.evaluate(config: loaded, evidence: evidence)
        let file = path("广东.xlsx")
        try EvaluationWorkbook.write(evaluation, evidence: evidence, to: file)
        let book = try readBack(file)
        let s = try sheet(book, "考评指标体系")
        let rows = evaluation.template.sections.reduce(0) { $0 + $1.rows.count }
        let totalRow = 5 + rows
        #expect(s.values["A\(totalRow)"] == "合计得分")
        let total = NSDecimalNumber(decimal: evaluation.total).doubleValue
        #expect(Double(s.values["G\(totalRow)"] ?? "") == total)
        #expect(s.formulas.count >= 6, "computed rows are formulas: \(s.formulas.keys.sorted())")

        let bare = try stripCachedResults(file)
        let recalculated = try libreOfficeCSV(bare)
        for r in 5...totalRow {
            let lo = r - 1 < recalculated.count && recalculated[r - 1].count > 6 ? recalculated[r - 1][6] : ""
            #expect(lo == (s.values["G\(r)"] ?? ""), "row \(r): LibreOffice \(lo), cached \(s.values["G\(r)"] ?? "")")
        }
    }

    @Test func libreOfficePrintsItToPDF() throws {
        let file = try write()
        let out = try TestSupport.temporaryDirectory("report-pdf")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try soffice(["--convert-to", "pdf", "--outdir", out.path, file])
        #expect(result.status == 0, "\(result.stderr)")
        let pdf = out.appendingPathComponent("自评表.pdf")
        let size = (try FileManager.default.attributesOfItem(atPath: pdf.path)[.size] as? Int) ?? 0
        #expect(size > 10_000)
        let png = try TestSupport.run("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", pdf.path, out.appendingPathComponent("page").path])
        #expect(png.status == 0, "\(png.stderr)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".png") }
        #expect(pages.count == 1)

        // Each evidence sheet prints with its own header: the stations outside the coverage
        // are no longer a sub-table under the villages' repeated header.
        let text = try TestSupport.run("pdftotext", ["-layout", pdf.path, "-"])
        #expect(text.status == 0, "\(text.stderr)")
        let printed = text.stdout.split(separator: "\u{0C}").map(String.init)
        #expect(printed.first?.contains("自评总分：27 分") == true)
        // A page's sheet, from its footer ("站点覆盖　第 1 页，共 1 页").
        func printedPages(of sheet: String) -> [String] {
            printed.filter { page in
                let footer = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty } ?? ""
                return footer.hasPrefix(sheet) && footer.dropFirst(sheet.count).trimmingCharacters(in: .whitespaces).hasPrefix("第")
            }
        }
        let apart = printedPages(of: "未计入覆盖的站点")
        let villages = printedPages(of: "站点覆盖")
        #expect(apart.count == 1 && villages.count == 1)
        #expect(apart.allSatisfy { $0.contains("不计入的原因") && $0.contains("九峰镇山村站") && !$0.contains("是否覆盖") })
        #expect(villages.allSatisfy { $0.contains("是否覆盖") && !$0.contains("不计入的原因") && !$0.contains("九峰镇山村站") })
        let poor = printedPages(of: "贫困人口培训清单")
        #expect(poor.count == 1 && poor[0].contains("张三") && !poor[0].contains("李四"), "only the persons counted in the rate")
    }

    // MARK: Safety

    @Test func refusesToWriteOverAnInput() throws {
        let input = fixture.inputs[0]
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        #expect(throws: SheetError.self) {
            try EvaluationWorkbook.write(fixture.evaluation, evidence: fixture.evidence, to: input, inputs: [])
        }
        // Reached through another spelling of the same path, too.
        let dotted = fixture.dir.appendingPathComponent(".").path + "/" + URL(fileURLWithPath: input).lastPathComponent
        #expect(throws: SheetError.self) {
            try EvaluationWorkbook.write(fixture.evaluation, evidence: fixture.evidence, to: dotted, inputs: fixture.inputs)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
    }

    @Test func aFailedWriteLeavesTheOldWorkbook() throws {
        let file = try write()
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        var broken = fixture.evidence
        // A message longer than Excel allows in a cell fails the write on the last evidence sheet.
        broken.findings.append(Finding(.note, .rowBlank, String(repeating: "长", count: 40_000),
                                       at: Provenance(file: "x.xlsx", sheet: "表")))
        #expect(throws: SheetError.self) {
            try EvaluationWorkbook.write(fixture.evaluation, evidence: broken, to: file, inputs: fixture.inputs)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

/// RFC 4180 rows; quoted fields may hold commas and line breaks (the note column does).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var fields: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
            } else { field.unicodeScalars.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { fields.append(field); field = "" }
        else if c == "\n" { fields.append(field); rows.append(fields); fields = []; field = "" }
        else if c != "\r" { field.unicodeScalars.append(c) }
    }
    if !field.isEmpty || !fields.isEmpty { fields.append(field); rows.append(fields) }
    return rows
}
