/// A problem found while walking the BIFF records of a workbook stream.
enum BIFFFailure: Error, Equatable {
    /// The stream does not start with a BOF record: not a BIFF workbook at all.
    case notBIFF
    /// A BOF of a BIFF version other than 5 (Excel 95) or 8 (Excel 97–2003).
    case unsupportedVersion(UInt16)
    /// A record runs past the end of the stream, or is too short for its fields.
    case malformed(String)
    /// Text in a code page that cannot be converted.
    case badText(String)
}

/// One BIFF record: its type and its body, a slice of the workbook stream.
struct BIFFRecord {
    let type: UInt16
    /// Byte offset of the record's header in the stream.
    let offset: Int
    let body: ArraySlice<UInt8>

    var count: Int { body.count }

    // Callers check `count` first; these then cannot read outside the body.
    func u8(_ at: Int) -> UInt8 { body[body.startIndex + at] }
    func u16(_ at: Int) -> UInt16 { UInt16(u8(at)) | UInt16(u8(at + 1)) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    func f64(_ at: Int) -> Double { Double(bitPattern: UInt64(u32(at)) | UInt64(u32(at + 4)) << 32) }

    /// Throws unless the body holds at least `bytes` bytes.
    func require(_ bytes: Int, _ name: String) throws(BIFFFailure) {
        guard body.count >= bytes else {
            throw .malformed("\(name) 记录只有 \(body.count) 字节（偏移 \(offset)）")
        }
    }
}

/// Walks the records of a BIFF stream in order: a 2-byte type, a 2-byte length, the body.
struct BIFFRecordReader {
    private let stream: [UInt8]
    private var position: Int

    init(_ stream: [UInt8], from position: Int = 0) {
        self.stream = stream
        self.position = position
    }

    /// The next record's type, without moving past it.
    var nextType: UInt16? {
        position + 4 <= stream.count ? UInt16(stream[position]) | UInt16(stream[position + 1]) << 8 : nil
    }

    /// The next record, or nil at the end of the stream.
    mutating func next() throws(BIFFFailure) -> BIFFRecord? {
        guard position + 4 <= stream.count else { return nil }
        let type = UInt16(stream[position]) | UInt16(stream[position + 1]) << 8
        let length = Int(stream[position + 2]) | Int(stream[position + 3]) << 8
        let start = position + 4
        guard start + length <= stream.count else {
            throw .malformed("偏移 \(position) 处的记录超出数据流末尾")
        }
        defer { position = start + length }
        return BIFFRecord(type: type, offset: position, body: stream[start..<(start + length)])
    }
}

/// Record types this file reads ([MS-XLS] 2.3).
enum BIFFRecordType {
    static let bof: UInt16 = 0x0809
    static let eof: UInt16 = 0x000A
    static let filePass: UInt16 = 0x002F
    static let dateMode: UInt16 = 0x0022
    static let codePage: UInt16 = 0x0042
    static let boundSheet: UInt16 = 0x0085
    static let xf: UInt16 = 0x00E0
    static let format: UInt16 = 0x041E
    static let mergedCells: UInt16 = 0x00E5
    static let boolErr: UInt16 = 0x0205
    static let formula: UInt16 = 0x0006
    static let string: UInt16 = 0x0207
    static let `continue`: UInt16 = 0x003C
}

/// The workbook globals substream: what FreeXL 1.0.6 keeps to itself or never reads.
///
/// FreeXL reports neither a sheet's visibility nor whether the file is encrypted until it
/// has opened it (and on ciphertext it may fail first), and it keeps no number formats.
struct BIFFGlobals {
    enum Version { case biff5, biff8 }

    /// One BOUNDSHEET record, in sheet order.
    struct SheetEntry {
        /// Offset of the sheet's BOF record in the stream.
        var offset: Int
        var visibility: SheetVisibility
    }

    let version: Version
    private(set) var isEncrypted = false
    private(set) var uses1904 = false
    /// The code page of BIFF5 text; BIFF8 text is UTF-16.
    private(set) var codePage: UInt16 = 1252
    private(set) var sheets: [SheetEntry] = []
    /// The number format id of each XF record, in order: cells name their XF by index.
    private var formatIDs: [UInt16] = []
    private var formatCodes: [UInt16: String] = [:]

    init(stream: [UInt8]) throws(BIFFFailure) {
        var records = BIFFRecordReader(stream)
        guard let bof = try records.next(), bof.type == BIFFRecordType.bof, bof.count >= 4 else { throw .notBIFF }
        switch bof.u16(0) {
        case 0x0600: version = .biff8
        case 0x0500: version = .biff5
        case let other: throw .unsupportedVersion(other)
        }
        scan: while let record = try records.next() {
            switch record.type {
            case BIFFRecordType.eof:
                break scan
            case BIFFRecordType.filePass:
                // Everything after FILEPASS is ciphertext.
                isEncrypted = true
                break scan
            case BIFFRecordType.dateMode:
                try record.require(2, "DATEMODE")
                uses1904 = record.u16(0) == 1
            case BIFFRecordType.codePage:
                try record.require(2, "CODEPAGE")
                codePage = record.u16(0)
            case BIFFRecordType.boundSheet:
                try record.require(6, "BOUNDSHEET")
                let visibility: SheetVisibility
                switch record.u8(4) & 0x03 {
                case 0: visibility = .visible
                case 1: visibility = .hidden
                default: visibility = .veryHidden
                }
                sheets.append(SheetEntry(offset: Int(record.u32(0)), visibility: visibility))
            case BIFFRecordType.xf:
                try record.require(4, "XF")
                formatIDs.append(record.u16(2))
            case BIFFRecordType.format:
                try record.require(3, "FORMAT")
                let id = record.u16(0)
                if version == .biff8 {
                    try record.require(5, "FORMAT")
                    let text = try BIFFText.unicode(count: Int(record.u16(2)), fragments: [record.body.dropFirst(4)])
                    formatCodes[id] = text
                } else {
                    let length = Int(record.u8(2))
                    try record.require(3 + length, "FORMAT")
                    formatCodes[id] = try BIFFText.codePage(record.body.dropFirst(3).prefix(length), codePage)
                }
            default:
                continue
            }
        }
    }

    /// The number format of a cell's XF index; `.general` for an index with no XF.
    func numberFormat(xf: UInt16) -> NumberFormat {
        guard Int(xf) < formatIDs.count else { return .general }
        let id = formatIDs[Int(xf)]
        if id == 0 { return .general }
        let code = formatCodes[id] ?? NumberFormat.builtInCode(Int(id)) ?? "General"
        return NumberFormat(id: Int(id), code: code)
    }
}

/// What one worksheet substream holds that FreeXL 1.0.6 drops or misreads.
///
/// FreeXL skips FORMULA records (so every formula's cached result is lost), reads a BOOLERR
/// record as the integer 0 or 1 (so `#N/A` becomes 1 and TRUE cannot be told from 1), and
/// keeps no MERGEDCELLS. These cells take precedence over FreeXL's at the same position.
struct BIFFSheetExtras {
    private(set) var mergedRanges: [CellRange] = []
    /// Cells by zero-based row, each row's cells in column order.
    private(set) var cells: [Int: [Cell]] = [:]

    init(stream: [UInt8], sheet: BIFFGlobals.SheetEntry, globals: BIFFGlobals) throws(BIFFFailure) {
        var records = BIFFRecordReader(stream, from: sheet.offset)
        guard let bof = try records.next(), bof.type == BIFFRecordType.bof else {
            throw .malformed("工作表起点（偏移 \(sheet.offset)）不是 BOF 记录")
        }
        var depth = 1
        // A string result comes in the STRING record after its FORMULA.
        var pendingString: (row: Int, column: Int)?
        while depth > 0, let record = try records.next() {
            switch record.type {
            case BIFFRecordType.bof:
                depth += 1  // an embedded chart's substream: not cells of this sheet
            case BIFFRecordType.eof:
                depth -= 1
            case _ where depth > 1:
                continue
            case BIFFRecordType.mergedCells:
                try readMergedCells(record)
            case BIFFRecordType.boolErr:
                try record.require(8, "BOOLERR")
                let value: CellValue = record.u8(7) == 0 ? .bool(record.u8(6) != 0) : .error(Self.errorText(record.u8(6)))
                try add(row: record.u16(0), column: record.u16(2), value: value, format: .general)
            case BIFFRecordType.formula:
                pendingString = nil
                try record.require(20, "FORMULA")
                let row = record.u16(0), column = record.u16(2)
                guard record.u16(12) == 0xFFFF else {
                    let number = record.f64(6)
                    let format = globals.numberFormat(xf: record.u16(4))
                    if format.isDateTime, let date = LocalDateTime(excelSerial: number, uses1904: globals.uses1904) {
                        try add(row: row, column: column, value: .date(date), format: format)
                    } else {
                        try add(row: row, column: column, value: .number(number), format: format)
                    }
                    continue
                }
                switch record.u8(6) {
                case 0: pendingString = (Int(row), Int(column))
                case 1: try add(row: row, column: column, value: .bool(record.u8(8) != 0), format: .general)
                case 2: try add(row: row, column: column, value: .error(Self.errorText(record.u8(8))), format: .general)
                default: continue  // 3: an empty string, which is no value
                }
            case BIFFRecordType.string:
                guard let (row, column) = pendingString else { continue }
                pendingString = nil
                let text = try readString(record, following: &records, version: globals.version, codePage: globals.codePage)
                if !text.isEmpty {
                    try add(row: UInt16(row), column: UInt16(column), value: .text(text), format: .general)
                }
            default:
                continue
            }
        }
        for row in cells.keys { cells[row]!.sort { $0.column < $1.column } }
    }

    private mutating func add(row: UInt16, column: UInt16, value: CellValue, format: NumberFormat) throws(BIFFFailure) {
        guard Int(column) < SheetLimits.maxColumns else {
            throw .malformed("单元格列号 \(column) 超出上限")
        }
        cells[Int(row), default: []].append(Cell(column: Int(column), value: value, format: format))
    }

    private mutating func readMergedCells(_ record: BIFFRecord) throws(BIFFFailure) {
        try record.require(2, "MERGEDCELLS")
        let count = Int(record.u16(0))
        try record.require(2 + 8 * count, "MERGEDCELLS")
        for i in 0..<count {
            let base = 2 + 8 * i
            let firstRow = Int(record.u16(base)), lastRow = Int(record.u16(base + 2))
            let firstColumn = Int(record.u16(base + 4)), lastColumn = Int(record.u16(base + 6))
            guard max(firstColumn, lastColumn) < SheetLimits.maxColumns else {
                throw .malformed("合并区域的列号超出上限")
            }
            mergedRanges.append(CellRange(first: CellReference(row: firstRow, column: firstColumn),
                                          last: CellReference(row: lastRow, column: lastColumn)))
        }
    }

    /// A STRING record's text; in BIFF8 a long one continues in CONTINUE records.
    private func readString(_ record: BIFFRecord, following records: inout BIFFRecordReader, version: BIFFGlobals.Version,
                            codePage: UInt16) throws(BIFFFailure) -> String {
        try record.require(2, "STRING")
        let count = Int(record.u16(0))
        guard version == .biff8 else {
            try record.require(2 + count, "STRING")
            return try BIFFText.codePage(record.body.dropFirst(2).prefix(count), codePage)
        }
        var fragments = [record.body.dropFirst(2)]
        while records.nextType == BIFFRecordType.continue, let next = try records.next() {
            fragments.append(next.body)
        }
        return try BIFFText.unicode(count: count, fragments: fragments)
    }

    /// The text Excel shows for a BIFF error code ([MS-XLS] 2.5.97.2, BErr).
    static func errorText(_ code: UInt8) -> String {
        switch code {
        case 0x00: return "#NULL!"
        case 0x07: return "#DIV/0!"
        case 0x0F: return "#VALUE!"
        case 0x17: return "#REF!"
        case 0x1D: return "#NAME?"
        case 0x24: return "#NUM!"
        case 0x2A: return "#N/A"
        case 0x2B: return "#GETTING_DATA"
        default: return "#ERR\(code)"
        }
    }
}

/// Text as BIFF stores it.
enum BIFFText {
    /// A BIFF8 unicode string of `count` characters: each fragment (the record body after the
    /// character count, then each CONTINUE) starts with a flags byte whose bit 0 says whether
    /// its characters take two bytes or one (the high byte of Latin-1 left out).
    static func unicode(count: Int, fragments: [ArraySlice<UInt8>]) throws(BIFFFailure) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(count)
        for fragment in fragments where units.count < count {
            guard let flags = fragment.first else { continue }
            var i = fragment.startIndex + 1
            if flags & 0x01 != 0 {
                while units.count < count, i + 1 < fragment.endIndex {
                    units.append(UInt16(fragment[i]) | UInt16(fragment[i + 1]) << 8)
                    i += 2
                }
            } else {
                while units.count < count, i < fragment.endIndex {
                    units.append(UInt16(fragment[i]))
                    i += 1
                }
            }
        }
        guard units.count == count else {
            throw .malformed("字符串应有 \(count) 个字符，记录中只有 \(units.count) 个")
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// BIFF5 text in the workbook's code page, converted with iconv.
    static func codePage(_ bytes: ArraySlice<UInt8>, _ codePage: UInt16) throws(BIFFFailure) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let name: String
        switch codePage {
        case 0x8000, 10000: name = "MACINTOSH"
        case 0x8001: name = "CP1252"
        case 1200: name = "UTF-16LE"
        default: name = "CP\(codePage)"
        }
        guard let transcoder = Transcoder(from: name, to: "UTF-8") else {
            throw .badText("不支持的代码页 \(codePage)")
        }
        var output: [UInt8] = []
        do {
            try Array(bytes).withUnsafeBytes { try transcoder.convert($0, into: &output, final: true) }
        } catch {
            throw .badText("文字不符合代码页 \(codePage)")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
