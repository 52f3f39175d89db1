import Foundation
import Testing
import TestSupport
@testable import SheetIO

/// `CSVCopy`, the byte-by-byte CSV → CSV path, against the row-by-row path `CSVExport`
/// takes for every other file: the same input must give the same bytes, the same record
/// count and width, or the same error, in every output encoding.
@Suite struct CSVCopyTests {
    let dir: URL
    init() throws { dir = try TestSupport.temporaryDirectory("csvcopy") }

    enum Outcome: Equatable, CustomStringConvertible {
        case written(bytes: [UInt8], records: Int, width: Int)
        case failed(String)

        var description: String {
            switch self {
            case .written(let bytes, let records, let width):
                let text = String(decoding: bytes.prefix(300), as: UTF8.self)
                return "\(records) records × \(width): \(text.debugDescription)\(bytes.count > 300 ? "…(\(bytes.count) bytes)" : "")"
            case .failed(let message): return "failed: \(message)"
            }
        }
    }

    /// Converts a file as `kaoping convert` does, the byte way (when it applies) or row by row.
    func convert(_ input: String, to encoding: TextEncoding = .utf8, keepFarCells: Bool = false, byteCopy: Bool) -> Outcome {
        let output = dir.appendingPathComponent("out-\(byteCopy)-\(encoding.rawValue).csv").path
        do {
            let workbook = try Workbook.open(input)
            let writer = try CSVWriter(path: output, encoding: encoding, refusing: [input])
            let result = try CSVExport(workbook: workbook, sheet: workbook.sheets[0], writer: writer,
                                       keepFarCells: keepFarCells, byteCopy: byteCopy).run()
            try writer.close()
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
            try FileManager.default.removeItem(atPath: output)
            return .written(bytes: bytes, records: result.records, width: result.width)
        } catch let error as SheetError {
            return .failed("\(error) | \(error.detail ?? "")")
        } catch {
            return .failed("\(error)")
        }
    }

    /// `CSVCopy` alone: nil when it declines the file (or the file is not UTF-8).
    func copyOnly(_ input: String, to encoding: TextEncoding = .utf8, keepFarCells: Bool = false) throws -> Outcome? {
        let output = dir.appendingPathComponent("copy-\(encoding.rawValue).csv").path
        guard let workbook = try? Workbook.open(input), let reader = workbook.source as? CSVReader,
              CSVCopy.applies(to: reader) else { return nil }
        let writer = try CSVWriter(path: output, encoding: encoding, refusing: [input])
        let result: CSVExport.Result
        do {
            result = try CSVCopy(reader: reader, writer: writer, keepFarCells: keepFarCells).run()
        } catch is CSVCopy.Declined {
            return nil
        }
        try writer.close()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        try FileManager.default.removeItem(atPath: output)
        return .written(bytes: bytes, records: result.records, width: result.width)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Asserts both paths agree on a file; returns whether `CSVCopy` itself wrote it.
    @discardableResult
    func expectSame(_ path: String, encodings: [TextEncoding] = [.utf8], keepFarCells: Bool = false,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        var copied = false
        for encoding in encodings {
            let rows = convert(path, to: encoding, keepFarCells: keepFarCells, byteCopy: false)
            let bytes = convert(path, to: encoding, keepFarCells: keepFarCells, byteCopy: true)
            #expect(bytes == rows, "\(path) → \(encoding)", sourceLocation: sourceLocation)
            if let direct = try copyOnly(path, to: encoding, keepFarCells: keepFarCells) {
                #expect(direct == rows, "CSVCopy alone: \(path) → \(encoding)", sourceLocation: sourceLocation)
                copied = true
            }
        }
        return copied
    }

    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Files the byte path must write itself, and what it must hand to the row-by-row path.
    static let cases: [(name: String, bytes: [UInt8], copied: Bool)] = [
        ("quoted", utf8("a,b,c\r\n\"x,1\",\"y\"\"2\",\"z\nz\"\r\n\"p\r\nq\",,\"\r\"\r\n"), true),
        ("lf-inside", utf8("h1,h2\n\"line1\nline2\",x\n\"cr\rin\",y\n"), true),
        ("ragged", utf8("a,b\n1,2,3,4\n5\n\n6,,,\n,,,\n7,8\n"), true),
        ("blank-lines", utf8("\n\n\na,b\n\n\n\nc,d\n\n\n"), true),
        ("no-line-end", utf8("a,b\nc,d"), true),
        ("trailing-delimiter", utf8("a,b\nc,"), true),
        ("bom-only", [0xEF, 0xBB, 0xBF], true),
        ("empty", [], true),
        ("only-blank", utf8("\n\r\n\r\n,,,\n"), true),
        ("lone-cr", utf8("a,b\rc,d\re"), true),
        ("cr-cr-lf", utf8("a,b\r\r\nc,d\r\n"), true),
        ("tabs-with-commas", utf8("姓名\t备注\n张三\t有,逗号\n李四\t\"引\"\"号\"\n"), true),
        ("semicolons", utf8("a;b;c\n1;2;3\n\"x;y\";z;\n"), true),
        ("bars", utf8("a|b|c\n1|2|3\n4|5|6\n"), true),
        ("quote-inside-plain-field", utf8("a,b\nab\"c,d\n\"ab\"cd,e\n\"\",x\n\"\"\"\",\" \"\n"), true),
        ("text-after-closing-quote", utf8("\"ab\"c\"d,e\n\"x\" ,y\n"), true),
        ("quote-at-end-of-file", utf8("a,b\n1,\"x\""), true),
        ("nul-after-the-start", utf8(String(repeating: "张三,1\n", count: 1_000) + "a\u{0}b,c\u{0}\n"), true),
        ("blank-start", utf8("\n\n\n\n,,\nx,y\n"), true),
        ("spaces", utf8(" a , b \n\t,\t\n"), true),
        ("bom-tabs", [0xEF, 0xBB, 0xBF] + utf8("甲\t乙\n1\t2\n"), true),
        ("wider-after-the-guess", utf8(String(repeating: "a,b\n", count: 1500) + "1,2,3\n" + String(repeating: "c\n", count: 10)), true),
        ("wider-at-row-1000", utf8(String(repeating: "a,b\n", count: 999) + "1,2,3\n" + String(repeating: "c\n", count: 10)), true),
        ("wider-at-row-1001", utf8(String(repeating: "a,b\n", count: 1000) + "1,2,3\n" + String(repeating: "c\n", count: 10)), true),
        ("wider-after-blank-lines", utf8(String(repeating: "\n", count: 1500) + String(repeating: "a,b\n", count: 1500) + "1,2,3,,\n\n\n" + String(repeating: "c\n", count: 10)), true),
        ("field-of-32767", utf8("a," + String(repeating: "x", count: 32_767) + "\n"), true),
        ("chinese-field-of-20000", utf8("a," + String(repeating: "字", count: 20_000) + "\n"), true),
        ("astral-field-of-16383", utf8("a," + String(repeating: "𠮷", count: 16_383) + "\n"), true),
        ("16384-columns", utf8(Array(repeating: "x", count: 16_384).joined(separator: ",") + "\n"), true),
        ("last-of-16384-columns", utf8(String(repeating: ",", count: 16_383) + "末\n"), true),
        ("far-cell-allowed-count", utf8(String(repeating: "x\n", count: 20) + String(repeating: ",", count: 300) + "y\n"), true),
        // The row-by-row path must say what is wrong, or handle what is rare.
        ("field-of-32768", utf8("a," + String(repeating: "x", count: 32_768) + "\n"), false),
        ("chinese-field-of-40000", utf8("a,b\nc," + String(repeating: "字", count: 40_000) + "\n"), false),
        ("quoted-field-of-100000", utf8("a,\"" + String(repeating: "x", count: 100_000) + "\"\n"), false),
        ("astral-field-of-16384", utf8("a," + String(repeating: "𠮷", count: 16_384) + "\n"), false),
        ("16385-columns", utf8(Array(repeating: "x", count: 16_385).joined(separator: ",") + "\n"), false),
        ("16385-empty-columns", utf8("x" + String(repeating: ",", count: 16_384) + "\n"), false),
        ("16385-columns-at-the-end", utf8("x" + String(repeating: ",", count: 16_384)), false),
        ("far-cell", utf8(String(repeating: "x\n", count: 20_000) + String(repeating: ",", count: 16_000) + "y\n"), false),
        ("far-cell-first", utf8(String(repeating: ",", count: 16_000) + "y\n" + String(repeating: "x\n", count: 20_000)), false),
        ("unclosed-quote", utf8("a,b\n1,\"open\n2,3\n"), false),
        ("unclosed-quote-at-the-end", utf8("a,b\n1,\""), false),
        ("bad-byte", utf8("a,b\n张三,") + [0xFF, 0xFE, 0x0A], false),
        ("cut-character", utf8("a,b\n张三,") + [0xE5, 0xBC], false),
        ("gb18030", [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB5, 0xE7, 0xBB, 0xB0, 0x0D, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x31, 0x0D, 0x0A], false),
        ("utf16le", [0xFF, 0xFE, 0x61, 0x00, 0x2C, 0x00, 0x62, 0x00, 0x0A, 0x00], false),
    ]

    @Test(arguments: cases.map(\.name))
    func bothPathsWriteTheSameBytes(name: String) throws {
        let item = Self.cases.first { $0.name == name }!
        let path = try file("\(name).csv", item.bytes)
        let copied = try expectSame(path, encodings: [.utf8, .utf8BOM, .gb18030])
        #expect(copied == item.copied, "whether CSVCopy wrote \(name) itself")
    }

    @Test func farCellsKeptOnRequest() throws {
        // Just over 100 million empty fields, the least that counts as far.
        let path = try file("far.csv", Self.utf8(String(repeating: "x\n", count: 6_300) + String(repeating: ",", count: 16_000) + "y\n"))
        #expect(convert(path, byteCopy: false) == convert(path, byteCopy: true))
        if case .written = convert(path, byteCopy: false) { Issue.record("a far cell must be refused") }
        #expect(try expectSame(path, keepFarCells: true))
    }

    @Test func tooManyRows() throws {
        let rows = SheetLimits.maxRows
        let over = try file("over.csv", Array(String(repeating: "1\n", count: rows + 1).utf8))
        #expect(try !expectSame(over))
        let full = try file("full.csv", Array((String(repeating: "1\n", count: rows) + "\n\n,\n").utf8))
        #expect(try expectSame(full))
    }

    /// Line ends, quotes, doubled quotes and Chinese characters cut by the end of the 1 MiB
    /// buffer, at every offset around it.
    @Test func recordsAcrossTheBufferEnd() throws {
        let size = CSVCopy.readSize
        func padded(_ length: Int) -> String {
            let line = "abcdefg,hij\n"
            var text = String(repeating: line, count: length / line.utf8.count)
            text += String(repeating: "y", count: length - text.utf8.count)
            return text
        }
        for k in -3...3 {
            let tails = ["\r\n" + "after,x\r\n", ",\"a\"\"b\"\r\n\"x\"\"\",y\n", "字,甲\n尾,x\n", "\r" + "after,x\r", ",\"多\n行\"\r\nz"]
            for (t, tail) in tails.enumerated() {
                let path = try file("boundary-\(k)-\(t).csv", Array((padded(size + k - 2) + tail).utf8))
                #expect(try expectSame(path))
            }
        }
        // Records longer than the buffer.
        let huge = (0..<16_000).map { "\($0)" + String(repeating: "z", count: 200) }.joined(separator: ",") + "\nq\n"
        #expect(try expectSame(try file("huge-record.csv", Array(huge.utf8))))
        let long = "x," + String(repeating: "名字,", count: 500_000) + "y\nz\n"
        #expect(try expectSame(try file("long-record.csv", Array(long.utf8))) == false, "over 16 384 columns")
        let wide = "\"" + String(repeating: "引\"\"号,", count: 200_000) + "\",1\n2,3\n"
        #expect(try expectSame(try file("long-quoted.csv", Array(wide.utf8))) == false, "over the cell limit")
        let big = (0..<120_000).map { "\"\($0)\",\"名字\($0)\",\"a,b\",\"c\"\"d\",\"e\nf\",\($0)\r\n" }.joined()
        #expect(try expectSame(try file("big-quoted.csv", Array(big.utf8)), encodings: [.utf8, .gb18030]))
    }

    /// Random files over the bytes that matter to CSV, small and large.
    @Test func randomFilesGiveTheSameBytes() throws {
        var random = SplitMix(seed: 20261204)
        let alphabet: [[UInt8]] = ["a", "b", "字", ",", ",", "\"", "\"", "\n", "\r", "\r\n", "\t", ";", " ", "|", "abc", "abc", "abc"].map { Array($0.utf8) }
        var copied = 0
        for round in 0..<600 {
            let length = round < 560 ? Int(random.next() % 80) : Int(random.next() % 200_000)
            var bytes: [UInt8] = []
            for _ in 0..<length { bytes += alphabet[Int(random.next() % UInt64(alphabet.count))] }
            if try expectSame(try file("random-\(round).csv", bytes)) { copied += 1 }
        }
        #expect(copied > 300)
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
