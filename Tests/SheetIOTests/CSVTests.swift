import Foundation
import Testing
import TestSupport
@testable import SheetIO

/// The CSV reader and writer, through the public `Workbook.open` and `CSVWriter`.
///
/// Every file is made here from bytes, so each test shows exactly what it reads; GB18030
/// bytes come from Python's own codec, not from the iconv the reader uses.
@Suite struct CSVTests {
    let dir: URL
    init() throws { dir = try TestSupport.temporaryDirectory("csv") }

    // MARK: - Helpers

    /// Writes bytes to a file in this test's directory and returns its path.
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func file(_ name: String, utf8 text: String) throws -> String {
        try file(name, Array(text.utf8))
    }

    /// Opens a file and reads its one sheet.
    func read(_ path: String) throws -> (Workbook, Sheet) {
        let workbook = try Workbook.open(path)
        return (workbook, try workbook.read(workbook.sheets[0]))
    }

    /// The error that opening or reading a file ends in, with the rows delivered before it.
    func failure(_ path: String) throws -> (SheetError, [Row]) {
        var rows: [Row] = []
        let error = try #require(throws: SheetError.self) {
            let workbook = try Workbook.open(path)
            try workbook.forEachRow(in: workbook.sheets[0]) { rows.append($0) }
        }
        return (error, rows)
    }

    /// Text encoded by Python's codec (`gb18030`, `utf-16-le`, ...).
    static func encode(_ text: String, _ codec: String) throws -> [UInt8] {
        let code = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('\(codec)'))"
        let result = try TestSupport.run("python3", ["-c", code], stdin: Data(text.utf8))
        guard result.status == 0 else { throw TestFailure("python3 could not encode: \(result.stderr)") }
        return Array(result.stdoutData)
    }

    /// Bytes decoded by Python's codec.
    static func decode(_ bytes: [UInt8], _ codec: String) throws -> String {
        let code = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('\(codec)').encode('utf-8'))"
        let result = try TestSupport.run("python3", ["-c", code], stdin: Data(bytes))
        guard result.status == 0 else { throw TestFailure("python3 could not decode: \(result.stderr)") }
        return String(decoding: result.stdoutData, as: UTF8.self)
    }

    static func isText(_ cell: Cell) -> Bool {
        if case .text = cell.value { return true }
        return false
    }

    // MARK: - Encodings

    /// A sign-in sheet with what real ones hold: an ID ending in X, a blank ID, a Uyghur name
    /// with its middle dot, a character outside the BMP, quotes, commas and a line break.
    static let signInText = "序号,姓名,身份证号,备注\r\n1,张三,44028119900101123X,第一行\r\n2,李四,,身份证号为空\r\n"
        + "3,买买提·吐尔逊,650101198808081237,\"含逗号,和\"\"引号\"\"\"\r\n4,王𠮷,440281199001011234,\"多行\n备注\"\r\n"
    static let signInGrid: [[String]] = [
        ["序号", "姓名", "身份证号", "备注"], ["1", "张三", "44028119900101123X", "第一行"],
        ["2", "李四", "", "身份证号为空"], ["3", "买买提·吐尔逊", "650101198808081237", "含逗号,和\"引号\""],
        ["4", "王𠮷", "440281199001011234", "多行\n备注"],
    ]

    static func bytes(of text: String, in encoding: TextEncoding) throws -> [UInt8] {
        switch encoding {
        case .utf8: return Array(text.utf8)
        case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .utf16LE: return [0xFF, 0xFE] + (try encode(text, "utf-16-le"))
        case .utf16BE: return [0xFE, 0xFF] + (try encode(text, "utf-16-be"))
        case .utf32LE: return [0xFF, 0xFE, 0x00, 0x00] + (try encode(text, "utf-32-le"))
        case .utf32BE: return [0x00, 0x00, 0xFE, 0xFF] + (try encode(text, "utf-32-be"))
        case .gb18030: return try encode(text, "gb18030")
        }
    }

    @Test(arguments: TextEncoding.allCases)
    func everyEncodingReadsExactly(encoding: TextEncoding) throws {
        let path = try file("签到表-\(encoding.rawValue).csv", try Self.bytes(of: Self.signInText, in: encoding))
        let (workbook, sheet) = try read(path)
        #expect(workbook.format == .csv)
        #expect(workbook.textEncoding == encoding)
        #expect(workbook.delimiter == ",")
        #expect(workbook.sheets.map(\.name) == ["签到表-\(encoding.rawValue)"])
        if encoding == .gb18030 {
            #expect(workbook.warnings.map(\.description) == ["文件「签到表-gb18030.csv」不是 UTF-8 编码，已按 GB18030（GBK）编码读取"])
        } else {
            #expect(workbook.warnings.isEmpty)
        }
        #expect(sheet.textGrid() == Self.signInGrid)
        #expect(sheet.rows.map(\.index) == [0, 1, 2, 3, 4], "a quoted line break stays inside its record")
        #expect(sheet.rows[2].cells.map(\.column) == [0, 1, 3], "the blank ID is no cell at all")
        #expect(sheet.rows.allSatisfy { $0.cells.allSatisfy(Self.isText) })
    }

    @Test func gb18030AfterALongASCIIStartIsStillFound() throws {
        // Over a megabyte of digits first: the encoding is decided by the Chinese text after it.
        var ascii = "ID,phone\r\n"
        for i in 0..<60_000 { ascii += "4402811990\(String(format: "%08d", i)),13800000000\r\n" }
        #expect(ascii.utf8.count > CSVDialect.chunkSize)
        let path = try file("late.csv", Array(ascii.utf8) + (try Self.encode("张三,乐昌市\r\n", "gb18030")))
        let (workbook, sheet) = try read(path)
        #expect(workbook.textEncoding == .gb18030)
        #expect(sheet.rows.count == 60_002)
        #expect(sheet.rows.last?.index == 60_001)
        #expect(sheet.rows.last?.cells.map(\.text) == ["张三", "乐昌市"])
        #expect(sheet.rows[1].cells.map(\.text) == ["440281199000000000", "13800000000"])
    }

    // MARK: - Chunk boundaries

    /// Three records that put every quoting case, every line end and characters of 2 to 4
    /// bytes side by side; shifted across the 1 MiB read boundary one byte at a time.
    static let pattern = "\"q\"\"q\",\"l1\r\nl2\",x\"y\r\n\"\",中文𠮷,\"a\"b\rü,\"end\"\"\",\n"
    static let patternRows: [[Int: String]] = [
        [0: "q\"q", 1: "l1\r\nl2", 2: "x\"y"], [1: "中文𠮷", 2: "ab"], [0: "ü", 1: "end\""],
    ]

    /// Checks a file of a padding line and repeated `pattern`s, in `encoding`.
    func checkPattern(_ bytes: [UInt8], padding: Int, encoding: TextEncoding, repeats: Int) throws {
        let path = try file("shift-\(padding).csv", bytes)
        let (workbook, sheet) = try read(path)
        #expect(workbook.textEncoding == encoding)
        let expectedCount = repeats * 3 + (padding > 0 ? 1 : 0)
        try #require(sheet.rows.count == expectedCount, "padding \(padding)")
        var rows = sheet.rows[...]
        if padding > 0 {
            #expect(rows.first?.index == 0 && rows.first?.cells.map(\.text) == [String(repeating: "p", count: padding)])
            rows = rows.dropFirst()
        }
        for (k, row) in rows.enumerated() {
            let expected = Self.patternRows[k % 3]
            let found = Dictionary(uniqueKeysWithValues: row.cells.map { ($0.column, $0.text) })
            guard row.index == k + 1, found == expected else {
                Issue.record("padding \(padding), record \(k + 1): index \(row.index), \(found) != \(expected)")
                return
            }
        }
    }

    /// A few paddings through the public API: the reader carries a field, a quote, a CR,
    /// a UTF-8 character or an iconv character from one 1 MiB read to the next.
    @Test(arguments: [TextEncoding.utf8, .utf8BOM, .gb18030, .utf16LE])
    func recordsAcrossTheReadBoundary(encoding: TextEncoding) throws {
        let body = try Self.bytes(of: "\n" + String(repeating: Self.pattern, count: CSVDialect.chunkSize / 40), in: encoding)
        let bom = [UInt8](body.prefix(encoding == .utf8BOM ? 3 : encoding == .utf16LE ? 2 : 0))
        let unit = encoding == .utf16LE ? 2 : 1
        for padding in [0, 1, 5, 17, 30] {
            let pad = (0..<padding).flatMap { _ in unit == 2 ? [UInt8(ascii: "p"), 0] : [UInt8(ascii: "p")] }
            try checkPattern(bom + pad + body.dropFirst(bom.count), padding: padding, encoding: encoding,
                             repeats: CSVDialect.chunkSize / 40)
        }
    }

    /// Parses bytes handed over in pieces cut at the given offsets, as chunks of a file are.
    static func parse(_ bytes: [UInt8], cuts: [Int]) throws -> [Row] {
        var parser = CSVParser(delimiter: UInt8(ascii: ","), path: "pieces.csv")
        var rows: [Row] = []
        var start = 0
        for end in cuts + [bytes.count] {
            try Array(bytes[start..<end]).withUnsafeBufferPointer { piece in
                if let base = piece.baseAddress { try parser.feed(base, count: piece.count) { rows.append($0) } }
            }
            start = end
        }
        try parser.finish { rows.append($0) }
        return rows
    }

    @Test func theParserGivesTheSameRowsWhereverTheBytesAreCut() throws {
        let bytes = Array(("p\n" + Self.pattern + Self.pattern).utf8)
        let expected = [[0: "p"]] + Self.patternRows + Self.patternRows
        let whole = try Self.parse(bytes, cuts: [])
        #expect(whole.map(\.index) == [0, 1, 2, 3, 4, 5, 6])
        #expect(whole.map { Dictionary(uniqueKeysWithValues: $0.cells.map { ($0.column, $0.text) }) } == expected)
        for cut in 0...bytes.count {
            let rows = try Self.parse(bytes, cuts: [cut])
            #expect(rows.map(\.index) == whole.map(\.index) && rows.map(\.cells) == whole.map(\.cells), "cut at \(cut)")
        }
        let byteByByte = try Self.parse(bytes, cuts: Array(1..<bytes.count))
        #expect(byteByByte.map(\.cells) == whole.map(\.cells))
    }

    @Test func theValidatorFindsTheSameByteWhereverTheBytesAreCut() throws {
        let good = Array(Self.pattern.utf8)
        let bad = Array("中文𠮷,".utf8) + [0xF0, 0x9F, 0x98] + Array("x,ü\n".utf8)
        for cut in 0...good.count {
            var validator = UTF8Validator(startingAt: 3)
            let first = good.withUnsafeBufferPointer { validator.check($0.baseAddress!, count: cut) }
            let second = good.withUnsafeBufferPointer { validator.check($0.baseAddress! + cut, count: good.count - cut) }
            #expect(first == nil && second == nil && validator.finish() == nil, "cut at \(cut)")
            #expect(validator.multiByteCharacters == 4)
        }
        for cut in 0...bad.count {
            var validator = UTF8Validator(startingAt: 3)
            let found = bad.withUnsafeBufferPointer {
                validator.check($0.baseAddress!, count: cut) ?? validator.check($0.baseAddress! + cut, count: bad.count - cut)
            }
            #expect(found == 3 + 11, "cut at \(cut): the cut-short 4-byte character")
        }
    }

    @Test func theTranscoderCarriesCharactersCutBetweenCalls() throws {
        let gb = try Self.encode(Self.pattern, "gb18030")
        for cut in 0...gb.count {
            let transcoder = try #require(Transcoder(from: "GB18030", to: "UTF-8"))
            var output: [UInt8] = []
            try gb.withUnsafeBytes { raw in
                try transcoder.convert(UnsafeRawBufferPointer(rebasing: raw[..<cut]), into: &output)
                try transcoder.convert(UnsafeRawBufferPointer(rebasing: raw[cut...]), into: &output, final: true)
            }
            #expect(String(decoding: output, as: UTF8.self) == Self.pattern, "cut at \(cut)")
        }
    }

    // MARK: - Delimiters, quotes, line ends

    @Test(arguments: [
        ("comma.csv", "姓名,身份证号,备注\n张三,440281199001011234,a\n", Character(",")),
        ("tab.txt", "姓名\t身份证号\t备注\n张三\t440281199001011234\ta\n", "\t"),
        ("semicolon.csv", "姓名;身份证号;备注\n张三;440281199001011234;a\n", ";"),
        ("bar.txt", "姓名|身份证号|备注\n张三|440281199001011234|a\n", "|"),
    ])
    func sniffsTheDelimiter(name: String, text: String, delimiter: Character) throws {
        let (workbook, sheet) = try read(try file(name, utf8: text))
        #expect(workbook.delimiter == delimiter)
        #expect(sheet.textGrid() == [["姓名", "身份证号", "备注"], ["张三", "440281199001011234", "a"]])
    }

    @Test func commasInsideQuotesDoNotWinTheVote() throws {
        let semicolons = "标题：2020年第一期培训\n姓名;备注;电话\n张三;\"去过,乐昌,坪石\";138\n李四;\"a,b\";139\n王五;\"c,d,e,f\";\n"
        let (workbook, sheet) = try read(try file("semi.csv", utf8: semicolons))
        #expect(workbook.delimiter == ";")
        #expect(sheet.cell(row: 2, column: 1)?.text == "去过,乐昌,坪石")
        #expect(sheet.rows.map(\.width) == [1, 3, 3, 3, 2])

        let tabs = "姓名\t备注\n张三\t\"1,2\"\n李四\t3,4\n王五\t5\n"
        let (tabbed, tabSheet) = try read(try file("tabs.tsv", utf8: tabs))
        #expect(tabbed.delimiter == "\t")
        #expect(tabSheet.textGrid() == [["姓名", "备注"], ["张三", "1,2"], ["李四", "3,4"], ["王五", "5"]])
    }

    @Test func aFileWithoutDelimitersIsOneColumnOfComma() throws {
        let (workbook, sheet) = try read(try file("names.csv", utf8: "张三\n李四\n"))
        #expect(workbook.delimiter == ",")
        #expect(sheet.textGrid() == [["张三"], ["李四"]])
    }

    @Test func quotesAreReadAsExcelWritesAndReadsThem() throws {
        let text = "\"a\"\"b\",ab\"c,\"x\"y,\"多\n行\",\"r\r\nn\",\"\",\"\"\"\"\n"
        let (_, sheet) = try read(try file("quotes.csv", utf8: text))
        #expect(sheet.rows.count == 1)
        #expect(sheet.rows[0].cells.map(\.column) == [0, 1, 2, 3, 4, 6])
        #expect(sheet.rows[0].cells.map(\.text) == ["a\"b", "ab\"c", "xy", "多\n行", "r\r\nn", "\""])
    }

    @Test(arguments: ["\r\n", "\n", "\r"])
    func everyLineEndGivesTheSameRows(lineEnd: String) throws {
        let text = ["标题", "", "姓名,电话", "张三,13812345678", ",,", "", "李四,13912345678"].joined(separator: lineEnd)
        let (_, sheet) = try read(try file("ends.csv", utf8: text + lineEnd))
        #expect(sheet.rows.map(\.index) == [0, 2, 3, 6], "blank lines are left out but keep their numbers")
        #expect(sheet.textGrid() == [["标题", ""], ["", ""], ["姓名", "电话"], ["张三", "13812345678"], ["", ""], ["", ""],
                                     ["李四", "13912345678"]])
        #expect(sheet.cell(row: 6, column: 1)?.text == "13912345678")
    }

    @Test func lastRecordWithoutLineEndAndTrailingDelimiter() throws {
        let (_, sheet) = try read(try file("tail.csv", utf8: "a,b\nc,"))
        #expect(sheet.textGrid() == [["a", "b"], ["c", ""]])
        let (_, quoted) = try read(try file("tailq.csv", utf8: "a,\"b\""))
        #expect(quoted.textGrid() == [["a", "b"]])
    }

    @Test func emptyFileHasNoRows() throws {
        let (workbook, sheet) = try read(try file("empty.csv", []))
        #expect(workbook.textEncoding == .utf8)
        #expect(sheet.rows.isEmpty)
        #expect(sheet.summary.usedRange == nil)
    }

    /// DOMAIN case 10: pandas turns an ID column with a blank into floats; we keep text.
    @Test func idColumnWithBlanksStaysExactText() throws {
        let text = "姓名,身份证号,电话\n张三,440281199001011234,013800000000\n李四,,\n王五,44028119900101123x,\n"
            + "赵六,4.40281199001011E+17,1.38E+10\n钱七,000123,0\n"
        let (_, sheet) = try read(try file("ids.csv", utf8: text))
        #expect(sheet.rows.map { $0[1]?.value } == [
            .text("身份证号"), .text("440281199001011234"), nil, .text("44028119900101123x"),
            .text("4.40281199001011E+17"), .text("000123"),
        ])
        #expect(sheet.cell(row: 1, column: 2)?.value == .text("013800000000"))
        #expect(sheet.cell(row: 5, column: 2)?.value == .text("0"))
        #expect(sheet.rows.allSatisfy { $0.cells.allSatisfy { Self.isText($0) && $0.exactInteger == nil } })
    }

    // MARK: - Bad bytes

    @Test func badByteInUTF8NamesOffsetAndRow() throws {
        let prefix = Array("序号,姓名,身份证号,备注\n1,张三,440281199001011234,好\n2,李四,".utf8)
        let path = try file("bad.csv", prefix + [0xFF] + Array(",x\n3,王五,1,2\n".utf8))
        let (workbook, _) = try readExpectingFailure(path)
        #expect(workbook?.textEncoding == .utf8, "enough good UTF-8 before the bad byte: damaged UTF-8, not GBK")
        let (error, rows) = try failure(path)
        #expect(error.kind == .badEncoding)
        #expect(error.row == 2)
        #expect(error.detail == "字节偏移 \(prefix.count)：0xFF 0x2C 0x78 0x0A")
        #expect(error.message.contains("偏移 \(prefix.count) 字节"))
        #expect(error.description.hasPrefix("文件「bad.csv」工作表「bad」第 3 行："))
        #expect(error.advice?.contains("另存为") == true)
        #expect(rows.map(\.index) == [0, 1], "rows before the bad byte were delivered")
    }

    /// Opens and reads a file that must fail while reading, to look at what `open` decided.
    func readExpectingFailure(_ path: String) throws -> (Workbook?, Sheet?) {
        let workbook = try Workbook.open(path)
        let sheet = try? workbook.read(workbook.sheets[0])
        #expect(sheet == nil, "reading \(path) must fail")
        return (workbook, sheet)
    }

    @Test(arguments: [
        ("overlong", [UInt8]([0xC0, 0xAF])), ("surrogate", [0xED, 0xA0, 0x80]), ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        ("stray continuation", [0x80]), ("cut short", [0xE5, 0xBC]),
    ])
    func malformedUTF8IsRefusedNotMisread(label: String, bad: [UInt8]) throws {
        // Several of these decode as GB18030 (C0 AF is a GBK character): the good UTF-8
        // before them shows the file is UTF-8, so they are errors, not mojibake.
        let prefix = Array("姓名,村,镇\n张三,坪石村,坪石镇\n".utf8)
        let path = try file("bad-\(label).csv", prefix + bad + Array(",x\n".utf8))
        let (error, rows) = try failure(path)
        #expect(error.kind == .badEncoding, "\(label)")
        #expect(error.detail?.hasPrefix("字节偏移 \(prefix.count)：") == true, "\(label): \(error)")
        #expect(error.row == 2)
        #expect(rows.count == 2)
    }

    @Test func cutShortAtTheEndOfTheFile() throws {
        let prefix = Array("姓名,村,镇\n张三,坪石村,坪石镇\n李四,".utf8)
        let (error, _) = try failure(try file("cut.csv", prefix + [0xE5, 0xBC]))
        #expect(error.kind == .badEncoding)
        #expect(error.detail == "字节偏移 \(prefix.count)：0xE5 0xBC")
        #expect(error.row == 2)
    }

    @Test func badByteFarIntoALargeUTF8File() throws {
        var text = "姓名,身份证号\n"
        for i in 0..<70_000 { text += "张三\(i),440281199001011234\n" }
        let prefix = Array(text.utf8)
        #expect(prefix.count > CSVDialect.chunkSize)
        let (error, rows) = try failure(try file("late-bad.csv", prefix + [0xFE, 0xFE] + Array("\n".utf8)))
        #expect(error.kind == .badEncoding)
        #expect(error.detail == "字节偏移 \(prefix.count)：0xFE 0xFE 0x0A")
        #expect(error.row == 70_001)
        #expect(rows.count == 70_001)
    }

    @Test func neitherUTF8NorGB18030IsRefusedOnOpening() throws {
        // 0x80 and 0xFF are no character in either encoding.
        let path = try file("neither.csv", Array("a,b\nc,d\n".utf8) + [0x80, 0xFF] + Array(",e\n".utf8))
        let error = try #require(throws: SheetError.self) { try Workbook.open(path) }
        #expect(error.kind == .badEncoding)
        #expect(error.row == 2)
        #expect(error.detail == "字节偏移 8：0x80 0xFF 0x2C 0x65")
        #expect(error.message.contains("既不是 UTF-8 也不是 GB18030"))
    }

    @Test func badByteInGB18030NamesOffsetAndRow() throws {
        let good = try Self.encode("姓名,镇\r\n张三,坪石镇\r\n李四,", "gb18030")
        let path = try file("gb-bad.csv", good + [0xFF] + (try Self.encode("九峰镇\r\n", "gb18030")))
        let (error, rows) = try failure(path)
        #expect(error.kind == .badEncoding)
        #expect(error.row == 2)
        #expect(error.detail?.hasPrefix("字节偏移 \(good.count)：0xFF") == true, "\(error)")
        #expect(error.message.contains("GB18030"))
        #expect(rows.map { $0.cells.map(\.text) } == [["姓名", "镇"], ["张三", "坪石镇"]])
    }

    @Test func brokenUTF16IsRefused() throws {
        let good = try Self.encode("姓名\n张三\n", "utf-16-le")
        // An unpaired high surrogate, then an odd last byte.
        let (lone, _) = try failure(try file("lone.csv", [0xFF, 0xFE] + good + [0x3D, 0xD8, 0x41, 0x00]))
        #expect(lone.kind == .badEncoding)
        #expect(lone.detail?.hasPrefix("字节偏移 \(2 + good.count)：") == true, "\(lone)")
        #expect(lone.row == 2)
        let (odd, _) = try failure(try file("odd.csv", [0xFF, 0xFE] + good + [0x41]))
        #expect(odd.kind == .badEncoding)
        #expect(odd.detail == "字节偏移 \(2 + good.count)：0x41")
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomGarbageEndsInAnError(seed: UInt64) throws {
        // No NUL bytes, so the text reader (not the binary check) must refuse it.
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        var bytes: [UInt8] = []
        for _ in 0..<(seed == 5 ? 3_000_000 : 20_000) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: state >> 56) | 1)
        }
        let (error, _) = try failure(try file("garbage-\(seed).csv", bytes))
        #expect(error.kind == .badEncoding, "\(error)")
    }

    @Test func nulBytesAfterTheStartAreJustBytes() throws {
        let text = String(repeating: "张三,1\n", count: 1_000) + "a\u{0}b,c\n"
        let (_, sheet) = try read(try file("nul.csv", utf8: text))
        #expect(sheet.rows.count == 1_001)
        #expect(sheet.rows.last?.cells.map(\.text) == ["a\u{0}b", "c"])
    }

    // MARK: - Malformed structure and limits

    @Test func unterminatedQuoteNamesTheRowWhereItOpened() throws {
        let path = try file("open-quote.csv", utf8: "姓名,备注\n张三,\"没有闭合\n李四,x\n王五,y\n")
        let (error, rows) = try failure(path)
        #expect(error.kind == .corrupt)
        #expect(error.row == 1)
        #expect(error.description.hasPrefix("文件「open-quote.csv」工作表「open-quote」第 2 行："))
        #expect(error.message.contains("引号"))
        #expect(error.advice?.contains("补上缺少的引号") == true)
        #expect(rows.count == 1)
    }

    @Test func unterminatedQuoteOverAHugeTailStopsAtTheCellLimit() throws {
        let tail = String(repeating: "李四,很长的备注内容\n", count: 20_000)
        let (error, _) = try failure(try file("runaway.csv", utf8: "姓名,备注\n张三,\"开始\n" + tail))
        #expect(error.kind == .limitExceeded)
        #expect(error.row == 1)
        #expect(error.cell == "B2")
        #expect(error.message.contains("引号"))
    }

    @Test func tooManyColumns() throws {
        let (error, rows) = try failure(try file("wide.csv", utf8: "a,b\n" + String(repeating: ",", count: 20_000) + "x\n"))
        #expect(error.kind == .limitExceeded)
        #expect(error.row == 1)
        #expect(error.message.contains("16384 列"))
        #expect(rows.count == 1)

        // Exactly Excel's width is fine.
        let (_, sheet) = try read(try file("widest.csv", utf8: String(repeating: ",", count: 16_383) + "末\n"))
        #expect(sheet.rows[0].cells.map(\.column) == [16_383])
        #expect(sheet.rows[0].cells[0].reference(row: 0) == "XFD1")
    }

    @Test func aFieldOverTheCellLimit() throws {
        let (error, _) = try failure(try file("huge.csv", utf8: "a,b\nc," + String(repeating: "字", count: 40_000) + "\n"))
        #expect(error.kind == .limitExceeded)
        #expect(error.row == 1)
        #expect(error.cell == "B2")
        #expect(error.message.contains("32767"))

        // 32 767 UTF-16 units fit; a character outside the BMP counts two, as in Excel.
        let (_, sheet) = try read(try file("full.csv", utf8: String(repeating: "字", count: 32_767) + "\n"))
        #expect(sheet.rows[0].cells[0].text.count == 32_767)
        let (astral, _) = try failure(try file("astral.csv", utf8: String(repeating: "𠮷", count: 16_384) + "\n"))
        #expect(astral.kind == .limitExceeded)
    }

    @Test func tooManyRows() throws {
        let text = String(repeating: "1\n", count: SheetLimits.maxRows + 1)
        var delivered = 0
        let path = try file("tall.csv", utf8: text)
        let error = try #require(throws: SheetError.self) {
            let workbook = try Workbook.open(path)
            try workbook.forEachRow(in: workbook.sheets[0]) { _ in delivered += 1 }
        }
        #expect(error.kind == .limitExceeded)
        #expect(error.row == SheetLimits.maxRows)
        #expect(delivered == SheetLimits.maxRows)
    }

    // MARK: - Writer

    @Test func writerQuotesOnlyWhatNeedsIt() throws {
        let path = dir.appendingPathComponent("out.csv").path
        let writer = try CSVWriter(path: path)
        try writer.write(["姓名", "有,逗号", "有\"引号\"", "两\n行", "回车\r", " 前后空格 ", "单引号'", "制表\t", ""])
        try writer.write(["440281199001011234", "=1+1", "", ""])
        try writer.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(String(decoding: bytes, as: UTF8.self)
            == "姓名,\"有,逗号\",\"有\"\"引号\"\"\",\"两\n行\",\"回车\r\", 前后空格 ,单引号',制表\t,\r\n440281199001011234,=1+1,,\r\n")
        let (_, sheet) = try read(path)
        #expect(sheet.textGrid() == [["姓名", "有,逗号", "有\"引号\"", "两\n行", "回车\r", " 前后空格 ", "单引号'", "制表\t"],
                                     ["440281199001011234", "=1+1", "", "", "", "", "", ""]])
    }

    @Test func writerWithTabsQuotesTabsNotCommas() throws {
        let path = dir.appendingPathComponent("out.tsv").path
        let writer = try CSVWriter(path: path, delimiter: "\t")
        try writer.write(["a,b", "c\td", "e"])
        try writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\t\"c\td\"\te\r\n")
    }

    static let writerRows = [["姓名", "备注", "身份证号"], ["张三", "有,逗号", "44028119900101123X"],
                             ["买买提·吐尔逊", "有\"引号\"", ""], ["王𠮷", "两\n行", "440281199001011234"]]
    static let writerText = "姓名,备注,身份证号\r\n张三,\"有,逗号\",44028119900101123X\r\n买买提·吐尔逊,\"有\"\"引号\"\"\",\r\n"
        + "王𠮷,\"两\n行\",440281199001011234\r\n"

    @Test(arguments: [TextEncoding.utf8, .utf8BOM, .gb18030])
    func writerEncodingsRoundTrip(encoding: TextEncoding) throws {
        let path = dir.appendingPathComponent("out-\(encoding.rawValue).csv").path
        let writer = try CSVWriter(path: path, encoding: encoding)
        for row in Self.writerRows { try writer.write(row) }
        try writer.close()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes == (try Self.bytes(of: Self.writerText, in: encoding)))
        if encoding == .gb18030 { #expect(try Self.decode(bytes, "gb18030") == Self.writerText) }
        let (workbook, sheet) = try read(path)
        #expect(workbook.textEncoding == encoding)
        #expect(sheet.textGrid() == Self.writerRows)
    }

    @Test func writerStreamsManyRows() throws {
        let path = dir.appendingPathComponent("many.csv").path
        let writer = try CSVWriter(path: path, encoding: .gb18030)
        for i in 0..<50_000 { try writer.write(["\(i)", "张三\(i)", "坪石镇第\(i % 20)村"]) }
        try writer.close()
        let (workbook, sheet) = try read(path)
        #expect(workbook.textEncoding == .gb18030)
        #expect(sheet.rows.count == 50_000)
        #expect(sheet.rows[49_999].cells.map(\.text) == ["49999", "张三49999", "坪石镇第19村"])
    }

    @Test func writerRefusesToOverwriteAnInput() throws {
        let input = try file("input.csv", utf8: "原始,数据\n")
        let error = try #require(throws: SheetError.self) {
            try CSVWriter(path: dir.path + "/./input.csv", refusing: [input])
        }
        #expect(error.kind == .invalidArgument)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "原始,数据\n")
    }

    @Test func writerDroppedWithoutCloseLeavesTheTargetAlone() throws {
        let target = try file("target.csv", utf8: "旧内容\n")
        do {
            let writer = try CSVWriter(path: target)
            try writer.write(["新内容"])
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "旧内容\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["target.csv"], "no temporary file left")

        let writer = try CSVWriter(path: target)
        try writer.write(["新内容"])
        try writer.close()
        try writer.close()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "新内容\r\n")
        #expect(throws: SheetError.self) { try writer.write(["晚了"]) }
    }

    @Test func writerRefusesAnImpossibleSetup() throws {
        let path = dir.appendingPathComponent("x.csv").path
        #expect(throws: SheetError.self) { try CSVWriter(path: path, delimiter: "\"") }
        #expect(throws: SheetError.self) { try CSVWriter(path: path, encoding: .utf16LE) }
        #expect(throws: SheetError.self) { try CSVWriter(path: dir.path + "/没有这个目录/x.csv") }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
