/// Converts a UTF-8 CSV file to CSV byte by byte: no `Cell`, `String` or `Row` per field.
///
/// It gives exactly the bytes that `CSVExport` gives through `forEachRow` (the row-by-row
/// path): positions kept, the width guessed from the first rows and the file written again
/// when a later row is wider, fields quoted only when they need it, records ending in CRLF.
/// It is the same RFC 4180 reading as `CSVParser`, done on whole records: a record cut by
/// the end of the buffer is moved to its front and read again once more bytes are in.
///
/// Whatever the row-by-row path would refuse or treat with care — a byte that is not UTF-8,
/// an unclosed quote, a field over the cell limit, too many rows or columns, a far cell, a
/// record too large for the buffer — ends the copy with `Declined`: the caller writes the file
/// again the row-by-row way, which gives the exact message. Those files are rare, and being
/// slower on them keeps one definition of every message.
final class CSVCopy {
    /// The copy gave up; the row-by-row path must do this file.
    struct Declined: Error {}

    private let path: String
    private let bomLength: Int
    private let delimiter: UInt8
    private let outputDelimiter: UInt8
    private let writer: CSVWriter
    private let keepFarCells: Bool

    /// Bytes read at a time.
    static let readSize = 1 << 20
    /// Output handed to the writer once it holds this much.
    static let flushSize = 1 << 20
    /// The input buffer grows for a longer record up to this; beyond it the copy declines.
    static let maxBuffer = 64 << 20

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    // Input: bytes [start, end) of `input` are read but not yet parsed.
    private var input: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// 1 for the bytes that stop a scan over a plain field: delimiter, quote, CR, LF and the
    /// output delimiter.
    private let special: UnsafeMutablePointer<UInt8>

    private let out = OutputBytes(capacity: CSVCopy.flushSize + (64 << 10))
    /// A quoted field's content, unquoted.
    private let scratch = OutputBytes(capacity: 64 << 10)

    // The pass: as `CSVExport.write(width:merges:)` keeps it.
    private var record = 0
    private var next = 0
    private var width = 0
    private var decided = false
    private var writing = true
    private var cells = 0
    private var realWidth = 0
    /// Rows read before the width is decided: where their bytes lie in `out`.
    private var pending: [(index: Int, start: Int, end: Int, width: Int)] = []

    /// - Parameters:
    ///   - reader: a CSV file found to be UTF-8 (with or without BOM).
    ///   - writer: the output; its delimiter is used, its encoding applied as it writes.
    init(reader: CSVReader, writer: CSVWriter, keepFarCells: Bool) {
        path = reader.path
        bomLength = reader.dialect.bomLength
        delimiter = reader.dialect.delimiter
        outputDelimiter = writer.delimiter
        self.writer = writer
        self.keepFarCells = keepFarCells
        capacity = 2 * CSVCopy.readSize
        input = .allocate(capacity: capacity)
        special = .allocate(capacity: 256)
        special.initialize(repeating: 0, count: 256)
        for byte in [delimiter, outputDelimiter, CSVCopy.quote, CSVCopy.lineFeed, CSVCopy.carriageReturn] {
            special[Int(byte)] = 1
        }
    }

    deinit {
        input.deallocate()
        special.deallocate()
    }

    /// Whether a file can take this path: UTF-8 text, with or without a byte-order mark.
    static func applies(to reader: CSVReader) -> Bool {
        reader.encoding == .utf8 || reader.encoding == .utf8BOM
    }

    /// Writes the file; a second pass follows when a row after the first ones is wider.
    ///
    /// - Throws: `Declined` when the row-by-row path must do the file; what the writer or the
    ///   file system throws.
    func run() throws -> CSVExport.Result {
        try pass(width: nil)
        if !writing {
            try writer.restart()
            try pass(width: realWidth)
        }
        return CSVExport.Result(records: next, width: realWidth)
    }

    private func pass(width known: Int?) throws {
        record = 0
        next = 0
        width = known ?? 0
        decided = known != nil
        writing = true
        cells = 0
        realWidth = 0
        pending.removeAll()
        out.count = 0
        start = 0
        end = 0
        atEOF = false

        let file = try ChunkedFile(path: path)
        try file.seek(to: bomLength)
        var validator = UTF8Validator(startingAt: bomLength)
        while true {
            while start < end {
                guard let after = try copyRecord(at: start) else { break }
                start = after
            }
            if atEOF { break }
            try refill(file, &validator)
        }
        if !decided { try decide() }
        try flush()
    }

    /// Moves the unparsed bytes to the front and reads more after them.
    private func refill(_ file: ChunkedFile, _ validator: inout UTF8Validator) throws {
        let left = end - start
        if start > 0 {
            if left > 0 { input.update(from: input + start, count: left) }
            start = 0
            end = left
        }
        if capacity - end < CSVCopy.readSize {
            // One record longer than the buffer: grow it, up to a limit.
            guard capacity * 2 <= CSVCopy.maxBuffer else { throw Declined() }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: input, count: end)
            input.deallocate()
            input = larger
            capacity *= 2
        }
        let want = CSVCopy.readSize
        let n = try file.fill(UnsafeMutableRawBufferPointer(start: input + end, count: want))
        if validator.check(input + end, count: n) != nil { throw Declined() }
        end += n
        if n < want {
            atEOF = true
            if validator.finish() != nil { throw Declined() }
        }
    }

    /// Copies the record at `p`: a plain one (no quote, only the output's delimiter) as one
    /// block of bytes, any other field by field.
    ///
    /// - Returns: where the next record starts; nil when the record runs past the bytes read
    ///   so far and the file goes on (or no record is left at the end of the file).
    @inline(__always)
    private func copyRecord(at p: Int) throws -> Int? {
        guard p < end else { return nil }
        guard delimiter == outputDelimiter else { return try copyRecordByField(at: p) }
        let input = self.input, special = self.special, end = self.end, delimiter = self.delimiter
        var i = p
        var fieldStart = p
        var column = 0
        var lastEnd = p
        var lastColumn = -1
        var filled = 0
        var after: Int
        while true {
            while i < end && special[Int(input[i])] == 0 { i += 1 }
            let c: UInt8 = i < end ? input[i] : CSVCopy.lineFeed
            if c == delimiter || c == CSVCopy.lineFeed || c == CSVCopy.carriageReturn {
                if i > fieldStart {
                    if i - fieldStart > SheetLimits.maxCellCharacters { try checkLength(input + fieldStart, count: i - fieldStart) }
                    filled += 1
                    lastEnd = i
                    lastColumn = column
                }
                if i == end {
                    // The file ends inside the record, or more bytes are to come.
                    guard atEOF else { return nil }
                    after = end
                    break
                }
                if c == delimiter {
                    column += 1
                    guard column < SheetLimits.maxColumns else { throw Declined() }
                    i += 1
                    fieldStart = i
                    continue
                }
                guard let afterLineEnd = lineEnd(at: i) else { return nil }
                after = afterLineEnd
                break
            }
            // A quote: a quoted field, or a quote inside a field that makes it quoted on output.
            return try copyRecordByField(at: p)
        }
        if filled > 0 {
            let rowStart = out.count
            out.append(input + p, count: lastEnd - p)
            try endRow(from: rowStart, filled: filled, width: lastColumn + 1)
        } else {
            try endBlankRecord()
        }
        return after
    }

    /// Where the record after the line end at `i` starts; nil when a CR ends the bytes read
    /// and an LF may follow.
    @inline(__always)
    private func lineEnd(at i: Int) -> Int? {
        guard input[i] == CSVCopy.carriageReturn else { return i + 1 }
        if i + 1 < end { return input[i + 1] == CSVCopy.lineFeed ? i + 2 : i + 1 }
        return atEOF ? i + 1 : nil
    }

    /// Copies a record field by field: quoted fields unquoted, each field quoted again only
    /// when it needs it, the delimiter replaced by the output's.
    private func copyRecordByField(at p: Int) throws -> Int? {
        let quote = CSVCopy.quote, lf = CSVCopy.lineFeed, cr = CSVCopy.carriageReturn
        let delimiter = self.delimiter
        let rowStart = out.count
        var i = p
        var column = 0
        var written = 0  // the output's column: delimiters written so far
        var lastEnd = rowStart
        var lastColumn = -1
        var filled = 0
        func abandon() -> Int? {
            out.count = rowStart
            return nil
        }
        while true {
            // One field from `i`; its content is in `scratch` or input[from..<to].
            var from = i, to = i
            var inScratch = false
            if i < end && input[i] == quote {
                inScratch = true
                scratch.count = 0
                i += 1
                while true {
                    var j = i
                    while j < end && input[j] != quote { j += 1 }
                    if j == end {
                        // Unclosed to the end of the file: the row-by-row path names the row.
                        if atEOF { throw Declined() }
                        return abandon()
                    }
                    scratch.append(input + i, count: j - i)
                    if j + 1 == end {
                        guard atEOF else { return abandon() }
                        i = j + 1
                        break
                    }
                    let b = input[j + 1]
                    if b == quote {
                        scratch.append(quote)
                        i = j + 2
                        continue
                    }
                    i = j + 1
                    if b == delimiter || b == lf || b == cr { break }
                    // Text after the closing quote is kept, as Excel does.
                    var k = i
                    while k < end && input[k] != delimiter && input[k] != lf && input[k] != cr { k += 1 }
                    if k == end && !atEOF { return abandon() }
                    scratch.append(input + i, count: k - i)
                    i = k
                    break
                }
            } else {
                var k = i
                while k < end && input[k] != delimiter && input[k] != lf && input[k] != cr { k += 1 }
                if k == end && !atEOF { return abandon() }
                from = i
                to = k
                i = k
            }
            let content = inScratch ? UnsafePointer(scratch.base) : UnsafePointer(input + from)
            let count = inScratch ? scratch.count : to - from
            if count > 0 {
                if count > SheetLimits.maxCellCharacters { try checkLength(content, count: count) }
                filled += 1
                out.append(outputDelimiter, count: column - written)
                written = column
                appendField(content, count: count)
                lastEnd = out.count
                lastColumn = column
            }
            if i == end {
                // Only at the end of the file: the record ends with it.
                break
            }
            let c = input[i]
            if c == delimiter {
                column += 1
                guard column < SheetLimits.maxColumns else { throw Declined() }
                i += 1
                continue
            }
            guard let after = lineEnd(at: i) else { return abandon() }
            i = after
            break
        }
        out.count = lastEnd
        if filled > 0 {
            try endRow(from: rowStart, filled: filled, width: lastColumn + 1)
        } else {
            try endBlankRecord()
        }
        return i
    }

    /// A field over the cell limit in bytes may still be within it in UTF-16 units (Chinese
    /// text takes three bytes a character); over it, the row-by-row path gives the error.
    private func checkLength(_ bytes: UnsafePointer<UInt8>, count: Int) throws {
        var units = 0
        for k in 0..<count {
            let b = bytes[k]
            if b & 0xC0 != 0x80 { units += b >= 0xF0 ? 2 : 1 }
        }
        if units > SheetLimits.maxCellCharacters { throw Declined() }
    }

    /// A field as `CSVWriter` writes it: quoted only when it holds the delimiter, a quote, CR or LF.
    @inline(__always)
    private func appendField(_ bytes: UnsafePointer<UInt8>, count: Int) {
        var needsQuotes = false
        for k in 0..<count where special[Int(bytes[k])] != 0 {
            let b = bytes[k]
            if b == outputDelimiter || b == CSVCopy.quote || b == CSVCopy.lineFeed || b == CSVCopy.carriageReturn {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            out.append(bytes, count: count)
            return
        }
        out.append(CSVCopy.quote)
        for k in 0..<count {
            if bytes[k] == CSVCopy.quote { out.append(CSVCopy.quote) }
            out.append(bytes[k])
        }
        out.append(CSVCopy.quote)
    }

    private func endBlankRecord() throws {
        record += 1
        if !decided || !writing { return }
        if out.count >= CSVCopy.flushSize { try flush() }
    }

    /// Ends a record with a value, its fields already in `out` from `rowStart` (trailing empty
    /// fields left out): the checks of `CSVExport`, then the padding and line end.
    @inline(__always)
    private func endRow(from rowStart: Int, filled: Int, width rowWidth: Int) throws {
        guard record < SheetLimits.maxRows else { throw Declined() }
        cells += filled
        if rowWidth > realWidth { realWidth = rowWidth }
        if !keepFarCells {
            let empty = (record + 1) * realWidth - cells
            if empty > CSVExport.farFieldMinimum && empty > CSVExport.farRatio * cells { throw Declined() }
        }
        if !decided {
            pending.append((record, rowStart, out.count, rowWidth))
            if pending.count >= CSVExport.guessRows { try decide() }
        } else if writing && rowWidth > width {
            // The guess was short: read on for the real width, and write again after.
            writing = false
            out.count = 0
        } else if writing {
            if record > next {
                // Blank records before this one come first.
                let row = OutputBytes(capacity: out.count - rowStart)
                row.append(out.base + rowStart, count: out.count - rowStart)
                out.count = rowStart
                try appendEmptyRecords(record - next)
                out.append(row.base, count: row.count)
            }
            out.append(outputDelimiter, count: width - rowWidth)
            out.append(CSVCopy.carriageReturn)
            out.append(CSVCopy.lineFeed)
            next = record + 1
            if out.count >= CSVCopy.flushSize { try flush() }
        } else {
            out.count = 0
        }
        record += 1
    }

    /// Decides the width from the rows read so far and writes them with it.
    private func decide() throws {
        width = realWidth
        decided = true
        let rows = OutputBytes(capacity: out.count)
        rows.append(out.base, count: out.count)
        out.count = 0
        for row in pending {
            if row.index > next { try appendEmptyRecords(row.index - next) }
            out.append(rows.base + row.start, count: row.end - row.start)
            out.append(outputDelimiter, count: width - row.width)
            out.append(CSVCopy.carriageReturn)
            out.append(CSVCopy.lineFeed)
            next = row.index + 1
            if out.count >= CSVCopy.flushSize { try flush() }
        }
        pending.removeAll()
    }

    /// Records of `width` empty fields for blank records between rows.
    private func appendEmptyRecords(_ count: Int) throws {
        for _ in 0..<count {
            out.append(outputDelimiter, count: width - 1)
            out.append(CSVCopy.carriageReturn)
            out.append(CSVCopy.lineFeed)
            if out.count >= CSVCopy.flushSize { try flush() }
        }
    }

    private func flush() throws {
        guard out.count > 0, writing else { return }
        try writer.writeBytes(UnsafeRawBufferPointer(start: out.base, count: out.count))
        out.count = 0
    }
}

/// A growable run of bytes, written at its end without bounds checks or copy-on-write.
final class OutputBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes in use; lowering it drops bytes from the end.
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func reserve(_ more: Int) {
        if count + more > capacity { grow(count + more) }
    }

    private func grow(_ needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = size
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(repeating: byte, count: n)
        count += n
    }

    @inline(__always)
    func append(_ bytes: UnsafePointer<UInt8>, count n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(from: bytes, count: n)
        count += n
    }
}
