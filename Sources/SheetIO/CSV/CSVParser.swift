/// The RFC 4180 state machine over UTF-8 bytes, fed chunk by chunk.
///
/// A field that lies whole inside one chunk becomes a `String` straight from the chunk's
/// bytes; only fields cut by a chunk boundary, or holding doubled quotes, are copied first.
/// Quoted fields may hold the delimiter, CR and LF, and `""` for a quote. Records end in
/// CRLF, LF or a lone CR. A quote inside an unquoted field, or text after a closing quote,
/// is kept literally, as Excel does.
struct CSVParser {
    let delimiter: UInt8
    let path: String
    /// Zero-based physical record number of the record being read.
    private(set) var record = 0
    /// Record where the quoted field being read opened its quote.
    private(set) var quoteOpenedAt = 0
    /// The current field's bytes, when they cannot be taken from the chunk in one piece.
    private var field: [UInt8] = []
    private var cells: [Cell] = []
    private var column = 0
    private var state = State.fieldStart
    /// The last record ended in CR: an LF opening the next chunk belongs to it.
    private var skipLineFeed = false

    private enum State {
        case fieldStart
        /// Inside an unquoted field (or after a closing quote followed by stray text).
        case unquoted
        case quoted
        /// A quote inside a quoted field ended the last chunk: closing, or half of `""`.
        case quoteInQuoted
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    /// A field longer than this in UTF-8 has more than 32 767 UTF-16 units for sure.
    private static let maxFieldBytes = 3 * SheetLimits.maxCellCharacters

    init(delimiter: UInt8, path: String) {
        self.delimiter = delimiter
        self.path = path
        cells.reserveCapacity(32)
    }

    /// Parses the next bytes of the file, calling `body` with each record that has a
    /// non-empty field.
    mutating func feed(_ bytes: UnsafePointer<UInt8>, count n: Int, _ body: (Row) throws -> Void) throws {
        let quote = CSVParser.quote, lf = CSVParser.lineFeed, cr = CSVParser.carriageReturn
        let delimiter = self.delimiter
        var i = 0
        if skipLineFeed, n > 0 {
            skipLineFeed = false
            if bytes[0] == lf { i = 1 }
        }
        // Start of the current field's bytes in this chunk (after any already in `field`).
        var segment = i
        while i < n {
            switch state {
            case .fieldStart:
                if bytes[i] == quote {
                    state = .quoted
                    quoteOpenedAt = record
                    i += 1
                } else {
                    state = .unquoted
                }
                segment = i

            case .unquoted:
                var j = i
                while j < n {
                    let c = bytes[j]
                    if c == delimiter || c == lf || c == cr { break }
                    j += 1
                }
                guard j < n else {
                    try keep(UnsafeBufferPointer(start: bytes + segment, count: n - segment))
                    return
                }
                try endField(UnsafeBufferPointer(start: bytes + segment, count: j - segment))
                i = try endFieldOrRecord(at: j, in: bytes, count: n, body)
                segment = i

            case .quoted:
                var j = i
                while j < n && bytes[j] != quote { j += 1 }
                guard j + 1 < n else {
                    // The chunk ends inside the field, or right on a quote we cannot judge yet.
                    try keep(UnsafeBufferPointer(start: bytes + segment, count: j - segment))
                    if j < n { state = .quoteInQuoted }
                    return
                }
                let next = bytes[j + 1]
                if next == quote {
                    // `""` stands for one quote: keep the bytes up to and including the first.
                    try keep(UnsafeBufferPointer(start: bytes + segment, count: j + 1 - segment))
                    i = j + 2
                    segment = i
                } else if next == delimiter || next == lf || next == cr {
                    try endField(UnsafeBufferPointer(start: bytes + segment, count: j - segment))
                    i = try endFieldOrRecord(at: j + 1, in: bytes, count: n, body)
                    segment = i
                } else {
                    // Text after the closing quote is kept, as Excel does.
                    try keep(UnsafeBufferPointer(start: bytes + segment, count: j - segment))
                    state = .unquoted
                    i = j + 1
                    segment = i
                }

            case .quoteInQuoted:
                if bytes[i] == quote {
                    field.append(quote)
                    state = .quoted
                    i += 1
                } else {
                    state = .unquoted
                }
                segment = i
            }
        }
    }

    /// Ends the last record at the end of the file.
    ///
    /// - Throws: `SheetError` when a quote opened and never closed.
    mutating func finish(_ body: (Row) throws -> Void) throws {
        switch state {
        case .quoted:
            throw SheetError(.corrupt, file: path, row: quoteOpenedAt,
                             message: "这一行的引号（\"）开始的单元格直到文件末尾都没有闭合，后面的内容无法正确分列",
                             advice: "请用 Excel 或 WPS 打开该文件检查这一行，补上缺少的引号，或另存为 .xlsx 后再导入")
        case .unquoted, .quoteInQuoted:
            try endField(UnsafeBufferPointer(start: nil, count: 0))
            try endRecord(body)
        case .fieldStart:
            // "a,b," with no line end: the record has fields even if the last is empty.
            if column > 0 || !cells.isEmpty { try endRecord(body) }
        }
        state = .fieldStart
    }

    /// Keeps part of a field that continues beyond these bytes.
    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        field.append(contentsOf: bytes)
        if field.count > CSVParser.maxFieldBytes {
            throw fieldTooLong(quoted: state == .quoted || state == .quoteInQuoted)
        }
    }

    /// Ends the current field with its last bytes (after any kept in `field`).
    private mutating func endField(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard column < SheetLimits.maxColumns else {
            throw SheetError(.limitExceeded, file: path, row: record,
                             message: "这一行的列数超过 Excel 的上限 \(SheetLimits.maxColumns) 列",
                             advice: "请确认文件是表格数据，并检查分隔符是否正确")
        }
        let text: String
        let byteCount = field.count + bytes.count
        if field.isEmpty {
            guard !bytes.isEmpty else { return }
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            field.append(contentsOf: bytes)
            text = String(decoding: field, as: UTF8.self)
            field.removeAll(keepingCapacity: true)
        }
        // Only a field of more bytes than the limit can exceed it in UTF-16 units.
        if byteCount > SheetLimits.maxCellCharacters && text.utf16.count > SheetLimits.maxCellCharacters {
            throw fieldTooLong(quoted: false)
        }
        cells.append(Cell(column: column, value: .text(text)))
    }

    /// Handles the delimiter or line end at `index` that closed a field; returns where the
    /// next field starts.
    private mutating func endFieldOrRecord(at index: Int, in bytes: UnsafePointer<UInt8>, count n: Int,
                                           _ body: (Row) throws -> Void) throws -> Int {
        state = .fieldStart
        let c = bytes[index]
        if c == delimiter {
            column += 1
            return index + 1
        }
        try endRecord(body)
        if c == CSVParser.carriageReturn {
            if index + 1 < n {
                if bytes[index + 1] == CSVParser.lineFeed { return index + 2 }
            } else {
                skipLineFeed = true
            }
        }
        return index + 1
    }

    private mutating func endRecord(_ body: (Row) throws -> Void) throws {
        if !cells.isEmpty {
            guard record < SheetLimits.maxRows else {
                throw SheetError(.limitExceeded, file: path, row: record,
                                 message: "行数超过 Excel 的上限 \(SheetLimits.maxRows) 行",
                                 advice: "请把数据拆分为几个较小的文件后再导入")
            }
            try body(Row(index: record, cells: cells))
            cells.removeAll(keepingCapacity: true)
        }
        column = 0
        record += 1
    }

    /// - Parameter quoted: the field is still open: a quote that never closes is the likely cause.
    private func fieldTooLong(quoted: Bool) -> SheetError {
        let reference = CellReference(row: record, column: column).description
        if quoted {
            return SheetError(.limitExceeded, file: path, row: record, cell: reference,
                              message: "从这一行引号（\"）开始的单元格超过 Excel 的上限 \(SheetLimits.maxCellCharacters) 个字符，多半是引号没有闭合",
                              advice: "请用 Excel 或 WPS 打开该文件检查这一行，补上缺少的引号后再导入")
        }
        return SheetError(.limitExceeded, file: path, row: record, cell: reference,
                          message: "单元格文字超过 Excel 的上限 \(SheetLimits.maxCellCharacters) 个字符",
                          advice: "请检查该单元格的内容是否正确，必要时拆分到几个单元格")
    }
}
