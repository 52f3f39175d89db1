#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a CSV (or tab/semicolon separated) text file as a one-sheet workbook.
///
/// Every field stays text: CSV has no types, and an ID number must never become a number.
/// The encoding is decided from a byte-order mark or from the bytes (UTF-8 when they are
/// valid UTF-8, else GB18030, which Chinese Excel writes); the delimiter from the first
/// records. Records stream in 1 MiB chunks, so memory does not grow with the file.
final class CSVReader: WorkbookSource {
    let path: String
    let sheets: [SheetInfo]
    let uses1904 = false
    let encoding: TextEncoding
    let delimiter: Character
    private(set) var warnings: [String] = []
    private let delimiterByte: UInt8
    private let bomLength: Int

    static let chunkSize = 1 << 20

    init(path: String) throws {
        self.path = path
        let name = SheetError.displayName(path)
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        sheets = [SheetInfo(index: 0, name: stem.isEmpty ? name : stem)]
        let head = try FormatDetector.readHead(path, count: CSVReader.chunkSize)
        (encoding, bomLength) = try CSVReader.detectEncoding(head, path: path)
        if encoding == .gb18030 {
            warnings.append("文件「\(name)」不是 UTF-8 编码，已按 GB18030（GBK）编码读取")
        }
        var sample: [UInt8] = []
        if encoding == .utf8 || encoding == .utf8BOM {
            sample = Array(head[bomLength...])
        } else if let transcoder = Transcoder(from: CSVReader.iconvName(encoding), to: "UTF-8") {
            try? head[bomLength...].withUnsafeBytes { try transcoder.convert($0, into: &sample) }
        }
        delimiterByte = CSVReader.sniffDelimiter(sample)
        delimiter = Character(Unicode.Scalar(delimiterByte))
    }

    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FormatDetector.openError(path) }
        defer { close(fd) }
        var parser = CSVParser(delimiter: delimiterByte, path: path, validateUTF8: true)
        let transcoder = encoding == .utf8 || encoding == .utf8BOM
            ? nil : Transcoder(from: CSVReader.iconvName(encoding), to: "UTF-8")
        var chunk = [UInt8](repeating: 0, count: CSVReader.chunkSize)
        var decoded: [UInt8] = []
        var skip = bomLength
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SheetError(.unreadable, file: path, message: "读取文件时出错", detail: String(cString: strerror(errno)))
            }
            let start = min(skip, n)
            skip -= start
            try chunk.withUnsafeBytes { raw in
                let input = UnsafeRawBufferPointer(rebasing: raw[start..<max(n, start)])
                if let transcoder {
                    decoded.removeAll(keepingCapacity: true)
                    do {
                        try transcoder.convert(input, into: &decoded, final: n == 0)
                    } catch Transcoder.Failure.invalid(let offset), Transcoder.Failure.incomplete(let offset) {
                        throw badBytes(offset: offset + bomLength, row: parser.record)
                    }
                    try decoded.withUnsafeBytes { try parser.feed($0, body) }
                } else {
                    try parser.feed(input, body)
                }
            }
            if n == 0 { break }
        }
        try parser.finish(body)
        return []
    }

    private func badBytes(offset: Int, row: Int) -> SheetError {
        SheetError(.badEncoding, file: path, row: row,
                   message: "第 \(offset) 字节处有按 \(encoding.displayName) 无法解读的字节，文件编码混乱或已损坏",
                   advice: "请用 Excel 或 WPS 打开该文件确认内容正常，再“另存为”CSV UTF-8 或 .xlsx 后导入")
    }

    static func iconvName(_ encoding: TextEncoding) -> String {
        switch encoding {
        case .utf8, .utf8BOM: return "UTF-8"
        case .utf16LE: return "UTF-16LE"
        case .utf16BE: return "UTF-16BE"
        case .gb18030: return "GB18030"
        }
    }

    /// A byte-order mark decides; otherwise valid UTF-8 is UTF-8 and anything else must be
    /// GB18030, or the file is refused with the offset of the first byte neither can read.
    static func detectEncoding(_ head: [UInt8], path: String) throws -> (TextEncoding, Int) {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8BOM, 3) }
        if head.starts(with: [0xFF, 0xFE]) { return (.utf16LE, 2) }
        if head.starts(with: [0xFE, 0xFF]) { return (.utf16BE, 2) }
        // The sample may end inside a character: ignore up to 3 trailing bytes.
        let utf8Error = firstInvalidUTF8(head)
        if utf8Error == nil || utf8Error! >= head.count - 3 && head.count == chunkSize { return (.utf8, 0) }
        if let transcoder = Transcoder(from: "GB18030", to: "UTF-8") {
            var out: [UInt8] = []
            do {
                try head.withUnsafeBytes { try transcoder.convert($0, into: &out, final: head.count < chunkSize) }
                return (.gb18030, 0)
            } catch {}
        }
        throw SheetError(.badEncoding, file: path,
                         message: "第 \(utf8Error!) 字节处的内容既不是 UTF-8 也不是 GB18030（GBK）编码，无法正确读取中文",
                         advice: "请用 Excel 或 WPS 打开该文件，确认内容正常后“另存为”CSV UTF-8 或 .xlsx 再导入")
    }

    /// Offset of the first byte that breaks UTF-8 (overlongs and surrogates included).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            if bytes[i + 1] < low || bytes[i + 1] > high { return i }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// Picks the candidate that splits the first records into the same, largest number of
    /// fields most consistently; comma on a tie, as Excel writes.
    static func sniffDelimiter(_ sample: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|")]
        var counts = [[Int]](repeating: [], count: candidates.count)
        var current = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var lines = 0
        for b in sample.prefix(64 << 10) {
            if b == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if b == 0x0A {
                if current.contains(where: { $0 > 0 }) {
                    for k in candidates.indices { counts[k].append(current[k]) }
                    lines += 1
                }
                current = [Int](repeating: 0, count: candidates.count)
                if lines >= 50 { break }
                continue
            }
            if let k = candidates.firstIndex(of: b) { current[k] += 1 }
        }
        if current.contains(where: { $0 > 0 }) { for k in candidates.indices { counts[k].append(current[k]) } }
        var best = 0
        var bestScore = 0
        for k in candidates.indices {
            // Lines agreeing with the most common non-zero count, weighted by that count.
            var tally: [Int: Int] = [:]
            for c in counts[k] where c > 0 { tally[c, default: 0] += 1 }
            guard let (_, agree) = tally.max(by: { $0.value < $1.value || $0.value == $1.value && $0.key < $1.key }) else { continue }
            if agree > bestScore { best = k; bestScore = agree }
        }
        return candidates[best]
    }
}

/// The RFC 4180 state machine over UTF-8 bytes, fed chunk by chunk.
struct CSVParser {
    let delimiter: UInt8
    let path: String
    let validateUTF8: Bool
    /// Zero-based physical record number of the record being read.
    private(set) var record = 0
    private var quoteOpenedAt = 0
    private var field: [UInt8] = []
    private var cells: [Cell] = []
    private var column = 0
    private var state = State.fieldStart
    private var afterCR = false

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    init(delimiter: UInt8, path: String, validateUTF8: Bool) {
        self.delimiter = delimiter
        self.path = path
        self.validateUTF8 = validateUTF8
        field.reserveCapacity(256)
        cells.reserveCapacity(32)
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Row) throws -> Void) throws {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = bytes.count
        let quote = UInt8(ascii: "\"")
        var i = 0
        while i < n {
            let b = base[i]
            if afterCR {
                afterCR = false
                if b == 0x0A && state != .quoted { i += 1; continue }
            }
            switch state {
            case .fieldStart, .unquoted:
                if state == .fieldStart && b == quote {
                    state = .quoted
                    quoteOpenedAt = record
                    i += 1
                    continue
                }
                // Take the run up to the next delimiter or line end in one append.
                var j = i
                while j < n {
                    let c = base[j]
                    if c == delimiter || c == 0x0A || c == 0x0D { break }
                    j += 1
                }
                if j > i { field.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i)) }
                state = .unquoted
                i = j
                guard i < n else { continue }
                let c = base[i]
                i += 1
                try endField()
                if c != delimiter {
                    afterCR = c == 0x0D
                    try endRecord(body)
                }
            case .quoted:
                var j = i
                while j < n && base[j] != quote { j += 1 }
                if j > i { field.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i)) }
                if j < n { state = .quoteInQuoted }
                i = j + 1
            case .quoteInQuoted:
                if b == quote {
                    field.append(quote)
                    state = .quoted
                    i += 1
                } else {
                    // After a closing quote: a delimiter or line end closes the field; any
                    // other byte is kept literally, as Excel does.
                    state = .unquoted
                }
            }
        }
    }

    mutating func finish(_ body: (Row) throws -> Void) throws {
        if state == .quoted {
            throw SheetError(.corrupt, file: path, row: quoteOpenedAt,
                             message: "从这一行开始的引号（\"）直到文件末尾都没有闭合，后面的内容无法正确分列",
                             advice: "请用 Excel 或 WPS 打开检查该行，补上缺少的引号或另存为 .xlsx 后再导入")
        }
        if state != .fieldStart || !field.isEmpty || !cells.isEmpty {
            try endField()
            try endRecord(body)
        }
    }

    private mutating func endField() throws {
        defer {
            field.removeAll(keepingCapacity: true)
            column += 1
            state = .fieldStart
        }
        guard column < SheetLimits.maxColumns else {
            throw SheetError(.limitExceeded, file: path, row: record,
                             message: "这一行的列数超过 Excel 上限 \(SheetLimits.maxColumns) 列",
                             advice: "请确认文件是表格数据、分隔符是否正确")
        }
        guard !field.isEmpty else { return }
        guard let text = validateUTF8 ? String(validating: field, as: UTF8.self) : String(decoding: field, as: UTF8.self) else {
            throw SheetError(.badEncoding, file: path, row: record, cell: CellReference(row: record, column: column).description,
                             message: "单元格中有无效的 UTF-8 字节，文件编码混乱或已损坏",
                             advice: "请用 Excel 或 WPS 打开该文件确认内容正常，再“另存为”CSV UTF-8 或 .xlsx 后导入")
        }
        if field.count > SheetLimits.maxCellCharacters && text.utf16.count > SheetLimits.maxCellCharacters {
            throw SheetError(.limitExceeded, file: path, row: record, cell: CellReference(row: record, column: column).description,
                             message: "单元格文字超过 Excel 上限 \(SheetLimits.maxCellCharacters) 个字符",
                             advice: "请检查该单元格内容，或是否有引号没有闭合")
        }
        cells.append(Cell(column: column, value: .text(text)))
    }

    private mutating func endRecord(_ body: (Row) throws -> Void) throws {
        if !cells.isEmpty {
            try body(Row(index: record, cells: cells))
            cells.removeAll(keepingCapacity: true)
        }
        column = 0
        record += 1
        guard record <= SheetLimits.maxRows else {
            throw SheetError(.limitExceeded, file: path, row: record,
                             message: "行数超过 Excel 上限 \(SheetLimits.maxRows) 行",
                             advice: "请把数据拆分为多个文件后再导入")
        }
    }
}
