/// Reads a CSV (or tab-, semicolon- or bar-separated) text file as a one-sheet workbook.
///
/// Every field stays text: CSV has no types, and an ID number must never become a number.
/// Empty fields are left out and records without a value are not delivered, but row
/// indices count every physical record (blank ones too), so they match the file.
/// The encoding is decided from a byte-order mark or from the bytes (UTF-8 when they are
/// well-formed UTF-8, else GB18030, which Chinese Excel writes), the delimiter from the
/// first records. The file streams in 1 MiB chunks, so memory does not grow with it.
final class CSVReader: WorkbookSource {
    let path: String
    let sheets: [SheetInfo]
    let uses1904 = false
    let encoding: TextEncoding
    let delimiter: Character
    /// Things the user should know about how the file was read, in Chinese.
    private(set) var warnings: [SheetWarning] = []
    private let dialect: CSVDialect

    /// Opens a text file and decides its encoding and delimiter.
    ///
    /// - Throws: `SheetError` when the file cannot be read, or `.badEncoding` with the
    ///   offset and row of the first byte that neither UTF-8 nor GB18030 reads.
    init(path: String) throws {
        self.path = path
        let name = SheetError.displayName(path)
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        sheets = [SheetInfo(index: 0, name: stem.isEmpty ? name : stem)]
        dialect = try CSVDialect.detect(path: path)
        encoding = dialect.encoding
        delimiter = Character(Unicode.Scalar(dialect.delimiter))
        if encoding == .gb18030 {
            warnings.append(SheetWarning(.legacyEncoding(encoding), file: path))
        }
    }

    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        let file = try ChunkedFile(path: path)
        try file.seek(to: dialect.bomLength)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: CSVDialect.chunkSize, alignment: 8)
        defer { chunk.deallocate() }
        var parser = CSVParser(delimiter: dialect.delimiter, path: path)
        switch encoding {
        case .utf8, .utf8BOM:
            try readUTF8(file, chunk, &parser, body)
        case .utf16LE, .utf16BE, .gb18030:
            try readTranscoded(file, chunk, &parser, body)
        }
        try parser.finish(body)
        return []
    }

    /// UTF-8 is parsed in place, checked chunk by chunk so a bad byte is named exactly.
    private func readUTF8(_ file: ChunkedFile, _ chunk: UnsafeMutableRawBufferPointer, _ parser: inout CSVParser,
                          _ body: (Row) throws -> Void) throws {
        let bytes = chunk.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var validator = UTF8Validator(startingAt: dialect.bomLength)
        while true {
            let chunkOffset = validator.offset
            let n = try file.fill(chunk)
            if let bad = validator.check(bytes, count: n) {
                // Deliver the rows before the bad byte, so the error names its row.
                try parser.feed(bytes, count: max(0, bad - chunkOffset), body)
                throw badBytes(at: bad, row: parser.record)
            }
            try parser.feed(bytes, count: n, body)
            if n < chunk.count { break }
        }
        if let bad = validator.finish() {
            throw badBytes(at: bad, row: parser.record)
        }
    }

    /// Other encodings go through iconv chunk by chunk; a character cut by a chunk boundary
    /// waits in the transcoder for the next chunk.
    private func readTranscoded(_ file: ChunkedFile, _ chunk: UnsafeMutableRawBufferPointer, _ parser: inout CSVParser,
                                _ body: (Row) throws -> Void) throws {
        guard let transcoder = Transcoder(from: CSVDialect.iconvName(encoding), to: "UTF-8") else {
            throw SheetError(.unsupportedFormat, file: path, message: "本机的 iconv 不支持 \(encoding.displayName) 编码转换",
                             advice: "请用 Excel 或 WPS 把文件“另存为”CSV UTF-8 后再导入")
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(CSVDialect.chunkSize * 2)
        while true {
            let n = try file.fill(chunk)
            let last = n < chunk.count
            decoded.removeAll(keepingCapacity: true)
            var failure: Int?
            do {
                try transcoder.convert(UnsafeRawBufferPointer(rebasing: chunk[..<n]), into: &decoded, final: last)
            } catch Transcoder.Failure.invalid(let offset), Transcoder.Failure.incomplete(let offset) {
                failure = offset
            }
            // What converted before a bad byte is delivered, so the error names its row.
            try decoded.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress { try parser.feed(base, count: buffer.count, body) }
            }
            if let failure { throw badBytes(at: dialect.bomLength + failure, row: parser.record) }
            if last { break }
        }
    }

    private func badBytes(at offset: Int, row: Int) -> SheetError {
        let bytes = (try? CSVDialect.bytes(path: path, at: offset, count: 4)) ?? []
        return CSVDialect.badEncoding(path: path, offset: offset, row: row, bytes: bytes, encoding: encoding)
    }
}
