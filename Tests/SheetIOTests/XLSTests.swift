import Foundation
import Testing
import TestSupport
@testable import SheetIO

/// Legacy .xls files saved by LibreOffice (Tests/Fixtures/make_fixtures.py), read through the
/// public `Workbook` API and compared cell by cell with expected.json.
@Suite struct XLSTests {
    static func kind(_ value: CellValue) -> String {
        switch value {
        case .empty: return "empty"
        case .text: return "text"
        case .number: return "number"
        case .bool: return "bool"
        case .date: return "date"
        case .error: return "error"
        }
    }

    /// Every cell of every sheet as `ref -> (kind, text)`, checking that no row is empty.
    static func cells(of workbook: Workbook, _ sheet: SheetInfo) throws -> (cells: [String: ExpectedCell], merged: [String]) {
        var found: [String: ExpectedCell] = [:]
        let summary = try workbook.forEachRow(in: sheet) { row in
            #expect(!row.cells.isEmpty, "row \(row.index + 1) of \(sheet.name) was delivered without cells")
            for cell in row.cells {
                found[cell.reference(row: row.index)] = ExpectedCell(kind: kind(cell.value), text: cell.text)
            }
        }
        return (found, summary.mergedRanges.map(\.description).sorted())
    }

    /// Records an issue for each cell that differs from expected.json, or that it does not list.
    static func compare(_ found: [String: ExpectedCell], _ want: ExpectedSheet, _ label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        for (ref, cell) in want.cells.sorted(by: { $0.key < $1.key }) {
            let got = found[ref].map { "\($0.kind) \($0.text.debugDescription)" } ?? "nothing"
            #expect(got == "\(cell.kind) \(cell.text.debugDescription)", "\(label)!\(ref)", sourceLocation: sourceLocation)
        }
        let extra = Set(found.keys).subtracting(want.cells.keys)
        #expect(extra.isEmpty, "\(label): cells not in expected.json: \(extra.sorted())", sourceLocation: sourceLocation)
    }

    @Test(arguments: ["lo_basic.xls", "lo_shared.xls", "lo_openpyxl.xls", "lo_xlsxwriter.xls", "boolerr.xls"])
    func readsEveryCellAsExpected(file: String) throws {
        let expected = try #require(try Fixtures.expected.files[file])
        try Self.expectMatches(file, expected)
    }

    /// Reads a fixture .xls and compares sheets, visibility, date system, merged ranges and
    /// every cell with what the fixture maker recorded.
    static func expectMatches(_ file: String, _ expected: ExpectedWorkbook,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let workbook = try Workbook.open(try Fixtures.path(file))
        #expect(workbook.format == .xls, sourceLocation: sourceLocation)
        #expect(workbook.warnings.isEmpty, sourceLocation: sourceLocation)
        #expect(workbook.uses1904 == expected.date1904, sourceLocation: sourceLocation)
        #expect(workbook.sheets.map(\.name) == expected.sheets.map(\.name), sourceLocation: sourceLocation)
        #expect(workbook.sheets.map(\.visibility.rawValue) == expected.sheets.map(\.visibility), sourceLocation: sourceLocation)
        for (sheet, want) in zip(workbook.sheets, expected.sheets) {
            let (found, merged) = try cells(of: workbook, sheet)
            #expect(merged == want.merged.sorted(), "\(file) \(sheet.name)", sourceLocation: sourceLocation)
            compare(found, want, "\(file) \(sheet.name)", sourceLocation: sourceLocation)
        }
    }

    @Test func cellsKeepTheirDateFormatsAndFormulaResults() throws {
        let workbook = try Workbook.open(try Fixtures.path("lo_basic.xls"))
        let sheet = try workbook.read(workbook.sheets[0])
        let cjkDate = try #require(sheet.cell(row: 3, column: 5))  // F4, 2020年7月16日
        #expect(cjkDate.value == .date(LocalDateTime(year: 2020, month: 7, day: 16)))
        #expect(cjkDate.format.isDateTime)
        let time = try #require(sheet.cell(row: 5, column: 5))  // F6, a time of day alone
        #expect(time.value == .date(LocalDateTime(year: 1899, month: 12, day: 31, hour: 14, minute: 30, hasDate: false)))
        #expect(time.text == "14:30:00")
        #expect(sheet.cell(row: 4, column: 6)?.value == .bool(true))  // G5: LibreOffice writes =TRUE()
        #expect(sheet.cell(row: 5, column: 6)?.value == .number(2))  // G6: =1+1
        #expect(sheet.cell(row: 6, column: 6)?.value == .error("#N/A"))  // G7
        #expect(sheet.cell(row: 2, column: 4)?.format.isDateTime == false)  // E3, a phone number
    }

    /// BOOLERR records: TRUE and #N/A are told apart (FreeXL read both as the number 1), and
    /// the formula beside them keeps its cached result (FreeXL dropped formulas).
    @Test func booleansErrorsAndFormulaResultsAreKept() throws {
        let sheet = try Workbook.open(try Fixtures.path("boolerr.xls")).read(SheetInfo(index: 0, name: "签到表"))
        #expect(sheet.cell(row: 4, column: 6)?.value == .bool(true))
        #expect(sheet.cell(row: 6, column: 6)?.value == .error("#N/A"))
        #expect(sheet.cell(row: 5, column: 6)?.value == .number(2))
    }

    @Test func renamedFileIsReadByContentWithAWarning() throws {
        let expected = try #require(try Fixtures.expected.files["renamed_xls.xlsx"])
        let workbook = try Workbook.open(try Fixtures.path("renamed_xls.xlsx"))
        #expect(workbook.format == .xls)
        #expect(workbook.warnings.map(\.description) == ["文件「renamed_xls.xlsx」扩展名为 .xlsx，但内容是旧版 Excel（.xls），已按实际内容读取"])
        let (found, _) = try Self.cells(of: workbook, workbook.sheets[0])
        Self.compare(found, expected.sheets[0], "renamed_xls.xlsx")
    }

    @Test func encryptedFileIsRefusedBeforeItsCiphertextIsParsed() throws {
        #expect(try Fixtures.expected.unreadable["encrypted.xls"] == "encrypted")
        let error = try #require(throws: SheetError.self) { try Workbook.open(try Fixtures.path("encrypted.xls")) }
        #expect(error.kind == .encrypted)
        #expect(error.description.hasPrefix("文件「encrypted.xls」："))
        #expect(error.description.contains("密码"))
    }

    /// Damaged copies of lo_basic.xls, written to a temporary directory.
    static func damaged(_ name: String, _ make: ([UInt8]) -> [UInt8]) throws -> String {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("lo_basic.xls"))))
        let url = try TestSupport.temporaryDirectory("xls-damaged").appendingPathComponent(name)
        try Data(make(original)).write(to: url)
        return url.path
    }

    /// Opens a file and reads every sheet, returning the error it ends in.
    static func readAll(_ path: String) -> SheetError? {
        do {
            let workbook = try Workbook.open(path)
            for sheet in workbook.sheets { try workbook.forEachRow(in: sheet) { _ in } }
            return nil
        } catch let error as SheetError {
            return error
        } catch {
            Issue.record("not a SheetError: \(error)")
            return nil
        }
    }

    @Test(arguments: [600, 2048, 5000])
    func truncatedFileEndsInAnError(length: Int) throws {
        let path = try Self.damaged("cut-\(length).xls") { Array($0.prefix(length)) }
        let error = try #require(Self.readAll(path))
        #expect(error.kind == .corrupt)
        #expect(error.description.contains("cut-\(length).xls"))
        #expect(error.advice != nil)
    }

    @Test(arguments: [false, true])
    func randomBytesAfterTheHeaderEndInAnError(keepRealHeader: Bool) throws {
        let path = try Self.damaged("random-\(keepRealHeader).xls") { original in
            var state: UInt32 = 2_463_534_242
            var bytes = Array(original.prefix(keepRealHeader ? 512 : 8))
            while bytes.count < original.count {
                state ^= state << 13; state ^= state >> 17; state ^= state << 5
                bytes.append(UInt8(truncatingIfNeeded: state))
            }
            return bytes
        }
        let error = try #require(Self.readAll(path))
        #expect([.corrupt, .unsupportedFormat].contains(error.kind), "\(error)")
        #expect(error.description.contains("random-\(keepRealHeader).xls"))
    }

    @Test func wordDocumentRenamedXLSIsNamedAsSuch() throws {
        // A compound file with the right header but no Workbook stream: rename the stream.
        let path = try Self.damaged("document.xls") { original in
            var bytes = original
            let name = Array("Workbook".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            let other = Array("WordDoc\0".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            guard let at = (0...(bytes.count - name.count)).first(where: { bytes[$0..<($0 + name.count)].elementsEqual(name) })
            else { return bytes }
            bytes.replaceSubrange(at..<(at + name.count), with: other)
            return bytes
        }
        let error = try #require(Self.readAll(path))
        #expect(error.kind == .unsupportedFormat)
        #expect(error.message.contains("没有 Excel 工作簿"))
    }
}
