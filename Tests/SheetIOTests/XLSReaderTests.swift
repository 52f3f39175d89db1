import Foundation
import Testing
import TestSupport
@testable import SheetIO

/// The BIFF reader on the files of Tests/Fixtures/make_xls.py: LibreOffice's and xlwt's .xls
/// (expected values as python-calamine reads them) and hand-built BIFF5/BIFF8 records for
/// what no program here writes (expected values as written, calamine's reading compared).
@Suite struct XLSReaderTests {
    static let expectations: Result<ExpectedFixtures, TestFailure> = {
        do {
            let data = try Data(contentsOf: try Fixtures.directory.appendingPathComponent("xls_expected.json"))
            return .success(try JSONDecoder().decode(ExpectedFixtures.self, from: data))
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("cannot read xls_expected.json: \(error)"))
        }
    }()

    /// How python-calamine's reading differed from what was written, per file.
    struct CalamineNotes: Decodable {
        var files: [String: File]
        struct File: Decodable { var calamine: [String] }
    }

    static func calamineNotes(_ file: String) throws -> [String] {
        let data = try Data(contentsOf: try Fixtures.directory.appendingPathComponent("xls_expected.json"))
        return try #require(try JSONDecoder().decode(CalamineNotes.self, from: data).files[file]).calamine
    }

    @Test(arguments: ["lo_big_sst.xls", "lo_1904.xls", "xlwt_basic.xls", "hand_biff8.xls", "hand_biff5.xls",
                      "hand_biff5_1252.xls"])
    func readsEveryCellAsExpected(file: String) throws {
        let expected = try #require(try Self.expectations.get().files[file])
        try XLSTests.expectMatches(file, expected)
    }

    /// Where python-calamine reads the hand-built files differently, it is calamine that is
    /// wrong, and only in these ways: it does not follow a STRING record into its CONTINUE,
    /// and it garbles code page 936 text (1252 it reads right).
    @Test func calamineAgreesExceptWhereItIsKnownWrong() throws {
        #expect(try Self.calamineNotes("hand_biff5_1252.xls") == [])
        #expect(try Self.calamineNotes("lo_big_sst.xls") == [])
        #expect(try Self.calamineNotes("xlwt_basic.xls") == [])
        let biff8 = try Self.calamineNotes("hand_biff8.xls")
        #expect(biff8.count == 1)
        #expect(biff8.first?.hasPrefix("签到表!C6: calamine {'kind': 'text', 'text': '结果结果") == true)
        // Every cell calamine misreads in the GBK file is text: its numbers, dates and booleans agree.
        let textCells: Set<String> = ["A1", "B1", "C1", "D1", "B4"]
        for note in try Self.calamineNotes("hand_biff5.xls") {
            let isName = note.contains("calamine names it")
            let cell = note.split(separator: "!").dropFirst().first?.split(separator: ":").first.map(String.init)
            #expect(isName || note.hasPrefix("备用!A1") || cell.map(textCells.contains) == true, "\(note)")
        }
    }

    @Test func handBuiltBIFF8KeepsFormatsTypesAndOrder() throws {
        let workbook = try Workbook.open(try Fixtures.path("hand_biff8.xls"))
        // The chart sheet (BOUNDSHEET type 2) has no cells and is not listed.
        #expect(workbook.sheets.map(\.name) == ["签到表", "Hidden", "VeryHidden", "乱序"])
        let sheet = try workbook.read(workbook.sheets[0])
        let id = try #require(sheet.cell(row: 1, column: 1))
        #expect(id.value == .text("440281199001011234"))
        #expect(id.format.isText)
        #expect(id.exactInteger == nil)
        let cents = try #require(sheet.cell(row: 2, column: 1))
        #expect(cents.value == .number(12.34))
        #expect(cents.format.code == "0.00")
        let cjk = try #require(sheet.cell(row: 3, column: 1))
        #expect(cjk.value == .date(LocalDateTime(year: 2020, month: 7, day: 17)))
        #expect(cjk.format.code == "yyyy\"年\"m\"月\"d\"日\"")
        #expect(cjk.format.isDateTime)
        #expect(sheet.cell(row: 3, column: 5)?.value == .number(44032))  // General: a number
        // The split string: compressed in the SST record, UTF-16 in its CONTINUE.
        #expect(sheet.cell(row: 0, column: 3)?.value == .text("ABCDEFGH乐昌市培训"))
        // The embedded chart's NUMBER at A1 is not a cell of the sheet.
        #expect(sheet.cell(row: 0, column: 0)?.value == .text("姓名"))
        // Rows arrive in order even from a sheet written out of order.
        let shuffled = try workbook.read(workbook.sheets[3])
        #expect(shuffled.rows.map(\.index) == [0, 1, 5])
        #expect(shuffled.rows[2].cells.map(\.column) == [0, 1])
    }

    @Test func bigSharedStringTableStreamsRowsInOrder() throws {
        let workbook = try Workbook.open(try Fixtures.path("lo_big_sst.xls"))
        var indexes: [Int] = []
        var names = Set<String>()
        let summary = try workbook.forEachRow(in: workbook.sheets[0]) { row in
            indexes.append(row.index)
            if row.index >= 2, case .text(let name)? = row[1]?.value { names.insert(name) }
        }
        #expect(indexes == Array(0..<3002))
        #expect(names.count == 3000)  // each name unique: the SST has thousands of strings
        #expect(summary.mergedRanges.map(\.description) == ["A1:H1"])
    }

    @Test func excel95TextIsDecodedFromItsCodePage() throws {
        let workbook = try Workbook.open(try Fixtures.path("hand_biff5.xls"))
        #expect(workbook.sheets.map(\.name) == ["培训签到", "备用"])
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.cell(row: 0, column: 1)?.value == .text("乐昌市长来镇"))
        #expect(sheet.cell(row: 0, column: 3)?.value == .text("富文本单元格"))  // RSTRING
        #expect(sheet.cell(row: 3, column: 1)?.value == .text("公式结果"))  // FORMULA + STRING
        #expect(sheet.cell(row: 1, column: 2)?.value == .date(LocalDateTime(year: 2020, month: 7, day: 15)))
    }

    @Test func filePassIsTheEncryptedFileMessage() throws {
        #expect(try Self.expectations.get().unreadable["hand_filepass.xls"] == "encrypted")
        let error = try #require(throws: SheetError.self) { try Workbook.open(try Fixtures.path("hand_filepass.xls")) }
        #expect(error.kind == .encrypted)
        #expect(error.description.hasPrefix("文件「hand_filepass.xls」："))
    }

    /// Hostile copies of hand_biff8.xls: each ends in a SheetError naming the file (or, where
    /// nothing needed is broken, reads), in this process: a trap would end the test run.
    @Test(arguments: [
        ("hostile_sst_length.xls", SheetError.Kind.corrupt),  // the FreeXL crash
        ("hostile_fat_cycle.xls", .corrupt),
        ("hostile_sheet_offset.xls", .corrupt),
        ("hostile_bad_sst_index.xls", .corrupt),
        ("hostile_merged_count.xls", .corrupt),
        ("hostile_column.xls", .limitExceeded),
        ("hostile_huge_stream.xls", .corrupt),
        ("hostile_far_cell.xls", .limitExceeded),  // found by the mutation loop: a 67 MB CSV
        ("hand_biff4.xls", .unsupportedFormat),
    ])
    func hostileFileEndsInAnError(file: String, kind: SheetError.Kind) throws {
        let error = try #require(XLSTests.readAll(try Fixtures.path(file)))
        #expect(error.kind == kind, "\(error)")
        #expect(error.description.hasPrefix("文件「\(file)」"))
        #expect(error.advice != nil)
    }

    @Test func badStringIndexNamesTheCell() throws {
        let error = try #require(XLSTests.readAll(try Fixtures.path("hostile_bad_sst_index.xls")))
        #expect(error.sheet == "签到表")
        #expect(error.cell == "A1")
        #expect(error.message.contains("70000"))
    }

    /// Damage that leaves what is read intact: a cyclic directory tree (streams are also found
    /// by scanning), an absurd declared string count, 60 000 empty CONTINUE records.
    @Test(arguments: ["hostile_dir_cycle.xls", "hostile_sst_count.xls", "hostile_continue_flood.xls"])
    func harmlessDamageStillReads(file: String) throws {
        let workbook = try Workbook.open(try Fixtures.path(file))
        let sheet = try workbook.read(workbook.sheets[0])
        #expect(sheet.cell(row: 0, column: 3)?.value == .text("ABCDEFGH乐昌市培训"))
        #expect(sheet.rows.map(\.index) == [0, 1, 2, 3, 4, 5, 8])
    }

    /// The first bytes of an .xls (what a broken download leaves) are a damaged workbook, not
    /// a GB18030 CSV of one odd line.
    @Test(arguments: [3, 5, 8, 100])
    func startOfAnOLESignatureIsNeverText(length: Int) throws {
        let path = try XLSTests.damaged("head-\(length).xls") { Array($0.prefix(length)) }
        let error = try #require(XLSTests.readAll(path))
        #expect(error.kind == .corrupt, "\(error)")
        let content = FormatDetector.classify(Array(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))))
        #expect(content == (length < 8 ? .truncated : .compoundFile))
    }

    /// Every byte flip and truncation of the small hand-built files ends in a value or a
    /// SheetError: none may trap, hang or leak another error type.
    @Test(arguments: ["hand_biff8.xls", "hand_biff5.xls"])
    func mutantsEndInValuesOrErrors(file: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Fixtures.path(file))))
        let directory = try TestSupport.temporaryDirectory("xls-mutants")
        defer { try? FileManager.default.removeItem(at: directory) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let url = directory.appendingPathComponent("mutant.xls")
        for round in 0..<600 {
            var bytes = original
            if round % 10 == 9 {
                bytes = Array(bytes.prefix(512 + random(bytes.count - 512)))
            } else {
                for _ in 0..<(1 + random(4)) {
                    // The workbook stream lies after the header, FAT and directory (sector 2 on).
                    let at = round % 3 == 0 ? random(bytes.count) : 1536 + random(bytes.count - 1536)
                    bytes[at] = round % 2 == 0 ? UInt8(random(256)) : bytes[at] ^ 0xFF
                }
            }
            try Data(bytes).write(to: url)
            do {
                let workbook = try Workbook.open(url.path)
                for sheet in workbook.sheets { try workbook.forEachRow(in: sheet) { _ in } }
            } catch is SheetError {
                continue
            }
        }
    }
}
