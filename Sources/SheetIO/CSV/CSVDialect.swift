/// How a CSV file is written: its encoding, byte-order mark and delimiter, judged from its bytes.
struct CSVDialect {
    var encoding: TextEncoding
    /// Bytes of byte-order mark to skip.
    var bomLength: Int
    var delimiter: UInt8

    /// Bytes read at a time, by the detection and by the reader.
    static let chunkSize = 1 << 20
    /// Well-formed multi-byte UTF-8 characters that settle the question without reading on.
    static let enoughUTF8Evidence = 64
    /// Well-formed multi-byte UTF-8 characters before a bad byte that make the file damaged
    /// UTF-8 rather than GB18030: GBK text almost never forms that many by chance, and
    /// reading such a file as GB18030 would turn every Chinese character into mojibake.
    static let damagedUTF8Evidence = 8
    /// The delimiters a clerk's file may use, in order of preference on a tie.
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|")]

    /// Reads as much of the file as it takes to decide (usually its first chunk).
    ///
    /// - Throws: `SheetError(.badEncoding)` with the byte offset and row of the first byte that
    ///   neither UTF-8 nor GB18030 can read.
    static func detect(path: String) throws -> CSVDialect {
        let head = try FormatDetector.readHead(path, count: chunkSize)
        let headIsWholeFile = head.count < chunkSize
        let (encoding, bomLength) = try detectEncoding(path: path, head: head, headIsWholeFile: headIsWholeFile)
        // Judge the delimiter on UTF-8 text: in GB18030 a second byte can look like "|".
        let raw = head[bomLength...].prefix(64 << 10)
        var sample: [UInt8] = []
        switch encoding {
        case .utf8, .utf8BOM:
            sample = Array(raw)
        case .utf16LE, .utf16BE, .utf32LE, .utf32BE, .gb18030:
            if let transcoder = Transcoder(from: iconvName(encoding), to: "UTF-8") {
                // Whatever converts before a bad byte is sample enough; the reader reports it.
                try? Array(raw).withUnsafeBytes { try transcoder.convert($0, into: &sample) }
            }
        }
        let complete = headIsWholeFile && raw.count == head.count - bomLength
        let delimiter = sample.withUnsafeBufferPointer { sniffDelimiter($0, complete: complete) }
        return CSVDialect(encoding: encoding, bomLength: bomLength, delimiter: delimiter)
    }

    /// The iconv name of an encoding.
    static func iconvName(_ encoding: TextEncoding) -> String {
        switch encoding {
        case .utf8, .utf8BOM: return "UTF-8"
        case .utf16LE: return "UTF-16LE"
        case .utf16BE: return "UTF-16BE"
        case .utf32LE: return "UTF-32LE"
        case .utf32BE: return "UTF-32BE"
        case .gb18030: return "GB18030"
        }
    }

    /// A byte-order mark decides; otherwise well-formed UTF-8 is UTF-8, and a file that is
    /// not must be GB18030 (what Chinese Excel saves as "CSV"), or it is refused.
    static func detectEncoding(path: String, head: [UInt8], headIsWholeFile: Bool) throws -> (TextEncoding, Int) {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8BOM, 3) }
        // FF FE 00 00 opens UTF-32LE; it also opens UTF-16LE, so it is checked first.
        if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return (.utf32LE, 4) }
        if head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return (.utf32BE, 4) }
        if head.starts(with: [0xFF, 0xFE]) { return (.utf16LE, 2) }
        if head.starts(with: [0xFE, 0xFF]) { return (.utf16BE, 2) }

        var validator = UTF8Validator()
        var bad = head.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { validator.check($0, count: buffer.count) }
        }
        var atEnd = headIsWholeFile
        if bad == nil && !atEnd && validator.multiByteCharacters < enoughUTF8Evidence {
            // A long ASCII start (ID numbers, phones) says nothing: read on to the first
            // Chinese text. ASCII is cheap to check, and GBK text past it must not be misread.
            let file = try ChunkedFile(path: path)
            try file.seek(to: head.count)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 8)
            defer { buffer.deallocate() }
            let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            while bad == nil && validator.multiByteCharacters < enoughUTF8Evidence {
                let n = try file.fill(buffer)
                bad = validator.check(bytes, count: n)
                if n < chunkSize {
                    atEnd = true
                    break
                }
            }
        }
        if bad == nil && atEnd { bad = validator.finish() }
        guard let utf8Failure = bad else { return (.utf8, 0) }
        // Damaged UTF-8: the reader reports the bad byte with its row.
        if validator.multiByteCharacters >= damagedUTF8Evidence { return (.utf8, 0) }

        // ASCII reads the same in both: decode as GB18030 from the first byte above 0x7F to
        // a good way past where UTF-8 failed.
        let start = validator.firstNonASCII ?? utf8Failure
        let gb = try checkGB18030(path: path, from: start, through: utf8Failure + (64 << 10))
        // Damaged GB18030 as above: the reader reports the bad byte with its row.
        guard let gbFailure = gb.failure, gb.characters < damagedUTF8Evidence else { return (.gb18030, 0) }
        // The reading that got further is the likelier one; its failure is the bad byte.
        let offset = max(utf8Failure, gbFailure)
        throw badEncoding(path: path, offset: offset, row: try recordNumber(path: path, at: offset, head: head),
                          bytes: try bytes(path: path, at: offset, count: 4))
    }

    /// Decodes part of a file as GB18030.
    ///
    /// - Returns: the file offset of the first byte GB18030 cannot read from `start` to about
    ///   `end` (nil when none), and the number of non-ASCII characters decoded before it.
    static func checkGB18030(path: String, from start: Int, through end: Int) throws -> (failure: Int?, characters: Int) {
        guard let transcoder = Transcoder(from: "GB18030", to: "UTF-8") else {
            throw SheetError(.unsupportedFormat, file: path, message: "文件不是 UTF-8 编码，而本机的 iconv 不支持 GB18030 编码转换",
                             advice: "请用 Excel 或 WPS 把文件“另存为”CSV UTF-8 后再导入")
        }
        let file = try ChunkedFile(path: path)
        try file.seek(to: start)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
        defer { buffer.deallocate() }
        var output: [UInt8] = []
        var characters = 0
        var position = start
        while position <= end {
            let n = try file.fill(buffer)
            output.removeAll(keepingCapacity: true)
            var failure: Int?
            do {
                try transcoder.convert(UnsafeRawBufferPointer(rebasing: buffer[..<n]), into: &output, final: n < buffer.count)
            } catch Transcoder.Failure.invalid(let offset), Transcoder.Failure.incomplete(let offset) {
                failure = start + offset
            }
            // Lead bytes of the UTF-8 output count the characters.
            characters += output.reduce(0) { $0 + ($1 >= 0xC0 ? 1 : 0) }
            if failure != nil || n < buffer.count { return (failure, characters) }
            position += n
        }
        return (nil, characters)
    }

    /// The zero-based record holding a byte offset, for an error found before reading.
    ///
    /// Quotes, CR, LF and the usual delimiters are never part of a GB18030 character, so
    /// the raw bytes split into records the same whatever the encoding.
    static func recordNumber(path: String, at offset: Int, head: [UInt8]) throws -> Int {
        let delimiter = head.withUnsafeBufferPointer { sniffDelimiter(UnsafeBufferPointer(rebasing: $0.prefix(min(offset, 64 << 10))), complete: false) }
        var parser = CSVParser(delimiter: delimiter, path: path)
        let file = try ChunkedFile(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 8)
        defer { buffer.deallocate() }
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var position = 0
        while position < offset {
            let n = min(try file.fill(buffer), offset - position)
            if n == 0 { break }
            // A garbled prefix may break a limit; the record reached so far still answers.
            do { try parser.feed(bytes, count: n) { _ in } } catch { break }
            position += n
        }
        return parser.record
    }

    /// Up to `count` bytes at an offset, to show in an error.
    static func bytes(path: String, at offset: Int, count: Int) throws -> [UInt8] {
        let file = try ChunkedFile(path: path)
        try file.seek(to: offset)
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try file.fill($0) }
        return Array(bytes.prefix(n))
    }

    /// The error for bytes that no supported encoding reads.
    static func badEncoding(path: String, offset: Int, row: Int, bytes: [UInt8], encoding: TextEncoding? = nil) -> SheetError {
        let hex = bytes.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
        let what = encoding.map { "无法按 \($0.displayName) 编码解读" } ?? "既不是 UTF-8 也不是 GB18030（GBK）编码"
        return SheetError(.badEncoding, file: path, row: row,
                          message: "从文件开头算起偏移 \(offset) 字节处的内容\(what)，文件编码混乱或已损坏，无法正确读取中文",
                          advice: "请用 Excel 或 WPS 打开该文件，确认这一行内容正常后“另存为”CSV UTF-8 或 Excel 工作簿（.xlsx）再导入",
                          detail: "字节偏移 \(offset)：\(hex)")
    }

    /// Picks the delimiter that splits the first records into the same number of fields
    /// most often (the larger number on a tie, then comma, tab, semicolon, bar).
    ///
    /// Each candidate is judged by its own quoting: a quote opens a quoted field only at
    /// the start of a field, so commas inside quotes do not count.
    ///
    /// - Parameter complete: the sample is the whole file, so its last line counts even
    ///   without a line end.
    static func sniffDelimiter(_ sample: UnsafeBufferPointer<UInt8>, complete: Bool) -> UInt8 {
        var best = delimiters[0]
        var bestScore = (agreeing: 0, fields: 0)
        for candidate in delimiters {
            var tally: [Int: Int] = [:]
            for fields in fieldCounts(sample, delimiter: candidate, complete: complete, limit: 100) where fields > 1 {
                tally[fields, default: 0] += 1
            }
            guard let mode = tally.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
            if (mode.value, mode.key) > bestScore {
                best = candidate
                bestScore = (mode.value, mode.key)
            }
        }
        return best
    }

    /// The number of fields in each of the first non-blank records, split by one delimiter.
    static func fieldCounts(_ sample: UnsafeBufferPointer<UInt8>, delimiter: UInt8, complete: Bool, limit: Int) -> [Int] {
        let quote = UInt8(ascii: "\"")
        var counts: [Int] = []
        var fields = 1
        var inQuotes = false
        var atFieldStart = true
        var blank = true
        var i = 0
        let n = sample.count
        while i < n && counts.count < limit {
            let b = sample[i]
            i += 1
            if inQuotes {
                if b == quote {
                    if i < n && sample[i] == quote { i += 1 } else { inQuotes = false }
                }
                continue
            }
            switch b {
            case quote where atFieldStart:
                inQuotes = true
                atFieldStart = false
                blank = false
            case delimiter:
                fields += 1
                atFieldStart = true
                blank = false
            case 0x0A, 0x0D:
                if !blank { counts.append(fields) }
                if b == 0x0D && i < n && sample[i] == 0x0A { i += 1 }
                fields = 1
                atFieldStart = true
                blank = true
            default:
                atFieldStart = false
                blank = false
            }
        }
        if complete && !blank && !inQuotes && counts.count < limit { counts.append(fields) }
        return counts
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
