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
    let dialect: CSVDialect

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
        let feeder = try CSVFeeder(reader: self)
        while try feeder.step(body) {}
        return []
    }

    func cursor(sheet: Int) throws -> (any RowCursor)? {
        CSVRowCursor(feeder: try CSVFeeder(reader: self))
    }

    func mergedRanges(sheet: Int) throws -> [CellRange]? { [] }

    /// Reads the file a chunk at a time and feeds the parser: UTF-8 in place, checked chunk by
    /// chunk so a bad byte is named exactly; other encodings through iconv, a character cut by
    /// a chunk boundary waiting in the transcoder for the next chunk.
    final class CSVFeeder {
        private let reader: CSVReader
        private let file: ChunkedFile
        private let chunk: UnsafeMutableRawBufferPointer
        private var parser: CSVParser
        private var validator: UTF8Validator
        private let transcoder: Transcoder?
        private var decoded: [UInt8] = []
        private var ended = false

        init(reader: CSVReader) throws {
            self.reader = reader
            file = try ChunkedFile(path: reader.path)
            try file.seek(to: reader.dialect.bomLength)
            parser = CSVParser(delimiter: reader.dialect.delimiter, path: reader.path)
            validator = UTF8Validator(startingAt: reader.dialect.bomLength)
            switch reader.encoding {
            case .utf8, .utf8BOM:
                transcoder = nil
            default:
                guard let made = Transcoder(from: CSVDialect.iconvName(reader.encoding), to: "UTF-8") else {
                    throw SheetError(.unsupportedFormat, file: reader.path, message: "本机的 iconv 不支持 \(reader.encoding.displayName) 编码转换",
                                     advice: "请用 Excel 或 WPS 把文件“另存为”CSV UTF-8 后再导入")
                }
                transcoder = made
                decoded.reserveCapacity(CSVDialect.chunkSize * 2)
            }
            chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: CSVDialect.chunkSize, alignment: 8)
        }

        deinit { chunk.deallocate() }

        /// Parses the next chunk, calling `body` with its records; false once the file has ended.
        func step(_ body: (Row) throws -> Void) throws -> Bool {
            guard !ended else { return false }
            if transcoder == nil { try stepUTF8(body) } else { try stepTranscoded(body) }
            if ended { try parser.finish(body) }
            return !ended
        }

        private func stepUTF8(_ body: (Row) throws -> Void) throws {
            let bytes = chunk.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let chunkOffset = validator.offset
            let n = try file.fill(chunk)
            if let bad = validator.check(bytes, count: n) {
                // Deliver the rows before the bad byte, so the error names its row.
                try parser.feed(bytes, count: max(0, bad - chunkOffset), body)
                ended = true
                throw reader.badBytes(at: bad, row: parser.record)
            }
            try parser.feed(bytes, count: n, body)
            if n < chunk.count {
                ended = true
                if let bad = validator.finish() { throw reader.badBytes(at: bad, row: parser.record) }
            }
        }

        private func stepTranscoded(_ body: (Row) throws -> Void) throws {
            let n = try file.fill(chunk)
            let last = n < chunk.count
            decoded.removeAll(keepingCapacity: true)
            var failure: Int?
            do {
                try transcoder!.convert(UnsafeRawBufferPointer(rebasing: chunk[..<n]), into: &decoded, final: last)
            } catch Transcoder.Failure.invalid(let offset), Transcoder.Failure.incomplete(let offset) {
                failure = offset
            }
            // What converted before a bad byte is delivered, so the error names its row.
            try decoded.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress { try parser.feed(base, count: buffer.count, body) }
            }
            if let failure {
                ended = true
                throw reader.badBytes(at: reader.dialect.bomLength + failure, row: parser.record)
            }
            if last { ended = true }
        }
    }

    /// Pulls rows by parsing a chunk at a time: memory holds one chunk's records at most.
    final class CSVRowCursor: RowCursor {
        private let feeder: CSVFeeder
        private var queue: [Row] = []
        private var head = 0
        /// An error met in a chunk, raised once the rows before it have been given out.
        private var pending: Error?

        init(feeder: CSVFeeder) { self.feeder = feeder }

        func next() throws -> Row? {
            while head == queue.count {
                if let error = pending {
                    pending = nil
                    throw error
                }
                queue.removeAll(keepingCapacity: true)
                head = 0
                do {
                    guard try feeder.step({ queue.append($0) }) || !queue.isEmpty else { return nil }
                } catch {
                    if queue.isEmpty { throw error }
                    pending = error
                }
            }
            defer { head += 1 }
            return queue[head]
        }

        var mergedRanges: [CellRange] { [] }
    }

    func badBytes(at offset: Int, row: Int) -> SheetError {
        let bytes = (try? CSVDialect.bytes(path: path, at: offset, count: 4)) ?? []
        return CSVDialect.badEncoding(path: path, offset: offset, row: row, bytes: bytes, encoding: encoding)
    }
}
