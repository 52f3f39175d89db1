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
    /// A LABELSST cell names a shared string the table does not have.
    case badStringIndex(index: UInt32, count: Int)
    /// A cell past Excel's column limit.
    case columnOutOfRange(Int)
}

/// The bytes of a workbook stream, read little-endian at offsets the caller has checked.
///
/// All record parsing goes through this view: callers compare an offset with `count` (or a
/// record's end) before reading, so no file-controlled value reaches an unchecked subscript.
struct BIFFBytes {
    let raw: UnsafeRawBufferPointer

    var count: Int { raw.count }

    @inline(__always) func u8(_ at: Int) -> UInt8 { raw[at] }
    @inline(__always) func u16(_ at: Int) -> UInt16 {
        UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }
    @inline(__always) func u32(_ at: Int) -> UInt32 {
        UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }
    @inline(__always) func f64(_ at: Int) -> Double {
        Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }
}

/// One BIFF record: its type and where its body lies in the stream.
struct BIFFRecord {
    let type: UInt16
    /// Byte offset of the record's 4-byte header in the stream.
    let offset: Int
    /// The body is `start..<end` of the stream.
    let start: Int
    let end: Int

    var count: Int { end - start }

    /// Throws unless the body holds at least `bytes` bytes.
    @inline(__always)
    func require(_ bytes: Int, _ name: StaticString) throws(BIFFFailure) {
        guard end - start >= bytes else { throw Self.tooShort(name, count, offset) }
    }

    static func tooShort(_ name: StaticString, _ count: Int, _ offset: Int) -> BIFFFailure {
        .malformed("\(name) 记录只有 \(count) 字节（偏移 \(offset)）")
    }
}

/// Walks the records of a BIFF stream in order: a 2-byte type, a 2-byte length, the body.
/// Each step moves at least 4 bytes forward, so a walk always ends.
struct BIFFRecordReader {
    let bytes: BIFFBytes
    private(set) var position: Int

    init(_ bytes: BIFFBytes, from position: Int = 0) {
        self.bytes = bytes
        self.position = max(position, 0)
    }

    /// The next record's type, without moving past it.
    var nextType: UInt16? {
        position <= bytes.count - 4 ? bytes.u16(position) : nil
    }

    /// The next record, or nil at the end of the stream.
    ///
    /// - Throws: when the record's declared length runs past the end of the stream.
    @inline(__always)
    mutating func next() throws(BIFFFailure) -> BIFFRecord? {
        guard position <= bytes.count - 4 else { return nil }
        let type = bytes.u16(position)
        let length = Int(bytes.u16(position + 2))
        let start = position + 4
        guard length <= bytes.count - start else {
            throw .malformed("偏移 \(position) 处的记录（类型 0x\(String(type, radix: 16))）声明 \(length) 字节，超出数据流末尾")
        }
        let record = BIFFRecord(type: type, offset: position, start: start, end: start + length)
        position = start + length
        return record
    }

    /// The CONTINUE records that follow, as body ranges; the reader moves past them.
    mutating func continuations() throws(BIFFFailure) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        while nextType == BIFFRecordType.continue, let record = try next() {
            ranges.append(record.start..<record.end)
        }
        return ranges
    }
}

/// Record types this reader handles ([MS-XLS] 2.3; the BIFF5 ones in the Excel 97 SDK).
enum BIFFRecordType {
    static let bof: UInt16 = 0x0809
    static let eof: UInt16 = 0x000A
    static let filePass: UInt16 = 0x002F
    static let dateMode: UInt16 = 0x0022
    static let codePage: UInt16 = 0x0042
    static let boundSheet: UInt16 = 0x0085
    static let xf: UInt16 = 0x00E0
    static let format: UInt16 = 0x041E
    static let sst: UInt16 = 0x00FC
    static let `continue`: UInt16 = 0x003C
    static let mergedCells: UInt16 = 0x00E5
    // Cells.
    static let labelSST: UInt16 = 0x00FD
    static let label: UInt16 = 0x0204
    static let rString: UInt16 = 0x00D6
    static let rk: UInt16 = 0x027E
    static let mulRK: UInt16 = 0x00BD
    static let number: UInt16 = 0x0203
    static let formula: UInt16 = 0x0006
    static let string: UInt16 = 0x0207
    static let boolErr: UInt16 = 0x0205
    static let blank: UInt16 = 0x0201
    static let mulBlank: UInt16 = 0x00BE
}

/// The workbook globals substream: sheets, number formats, the date system, the code page
/// and the shared-string table. Cells stay in the stream until a sheet is read.
struct BIFFGlobals {
    enum Version { case biff5, biff8 }

    /// One BOUNDSHEET record, in sheet order.
    struct SheetEntry {
        var name: String
        /// Offset of the sheet's BOF record in the stream.
        var offset: Int
        var visibility: SheetVisibility
        /// 0 worksheet (or dialog), 1 Excel 4 macro sheet, 2 chart, 6 VBA module.
        var kind: UInt8
    }

    let version: Version
    private(set) var isEncrypted = false
    private(set) var uses1904 = false
    /// The code page of BIFF5 text; BIFF8 text is UTF-16.
    private(set) var codePage: UInt16 = 1252
    private(set) var sheets: [SheetEntry] = []
    /// The shared strings (BIFF8): LABELSST cells name them by index.
    private(set) var sharedStrings: [String] = []
    /// The number format of each XF record, in order: cells name their XF by index.
    private(set) var cellFormats: [NumberFormat] = []

    init(stream bytes: BIFFBytes) throws(BIFFFailure) {
        var records = BIFFRecordReader(bytes)
        guard let bof = try records.next() else { throw .notBIFF }
        // BIFF2 to BIFF4 (Excel 2.x to 4.0) have BOF records of their own types.
        if [0x0009, 0x0209, 0x0409].contains(bof.type) { throw .unsupportedVersion(bof.type) }
        guard bof.type == BIFFRecordType.bof, bof.count >= 4 else { throw .notBIFF }
        switch bytes.u16(bof.start) {
        case 0x0600: version = .biff8
        case 0x0500: version = .biff5
        case let other: throw .unsupportedVersion(other)
        }
        // BIFF5 names and format codes are in the code page, which may come later.
        var rawNames: [(offset: Int, visibility: SheetVisibility, kind: UInt8, name: Range<Int>)] = []
        var formatIDs: [UInt16] = []
        var rawCodes: [(id: UInt16, text: Range<Int>)] = []
        var formatCodes: [UInt16: String] = [:]
        var text = BIFFTextReader(bytes: bytes)
        scan: while let record = try records.next() {
            switch record.type {
            case BIFFRecordType.eof:
                break scan
            case BIFFRecordType.filePass:
                // Everything after FILEPASS is ciphertext.
                isEncrypted = true
                return
            case BIFFRecordType.dateMode:
                try record.require(2, "DATEMODE")
                uses1904 = bytes.u16(record.start) == 1
            case BIFFRecordType.codePage:
                try record.require(2, "CODEPAGE")
                codePage = bytes.u16(record.start)
            case BIFFRecordType.boundSheet:
                try record.require(7, "BOUNDSHEET")
                let visibility: SheetVisibility
                switch bytes.u8(record.start + 4) & 0x03 {
                case 0: visibility = .visible
                case 1: visibility = .hidden
                default: visibility = .veryHidden
                }
                let kind = bytes.u8(record.start + 5)
                let offset = Int(bytes.u32(record.start))
                if version == .biff8 {
                    var reader = BIFFContinuedReader(bytes: bytes, fragments: [(record.start + 6)..<record.end])
                    let count = Int(try reader.u8())
                    let name = try reader.characters(count: count, flags: try reader.u8(), into: &text)
                    sheets.append(SheetEntry(name: name, offset: offset, visibility: visibility, kind: kind))
                } else {
                    let length = Int(bytes.u8(record.start + 6))
                    try record.require(7 + length, "BOUNDSHEET")
                    rawNames.append((offset, visibility, kind, (record.start + 7)..<(record.start + 7 + length)))
                }
            case BIFFRecordType.xf:
                try record.require(4, "XF")
                formatIDs.append(bytes.u16(record.start + 2))
            case BIFFRecordType.format:
                try record.require(3, "FORMAT")
                let id = bytes.u16(record.start)
                if version == .biff8 {
                    var reader = BIFFContinuedReader(bytes: bytes, fragments: [(record.start + 2)..<record.end])
                    let count = Int(try reader.u16())
                    formatCodes[id] = try reader.characters(count: count, flags: try reader.u8(), into: &text)
                } else {
                    let length = Int(bytes.u8(record.start + 2))
                    try record.require(3 + length, "FORMAT")
                    rawCodes.append((id, (record.start + 3)..<(record.start + 3 + length)))
                }
            case BIFFRecordType.sst where version == .biff8:
                try record.require(8, "SST")
                let fragments = [(record.start + 8)..<record.end] + (try records.continuations())
                sharedStrings = try Self.sharedStrings(bytes, declared: bytes.u32(record.start + 4),
                                                       fragments: fragments, text: &text)
            default:
                continue
            }
        }
        if version == .biff5 {
            text.codePage = codePage
            for entry in rawNames {
                sheets.append(SheetEntry(name: try text.decode(entry.name), offset: entry.offset,
                                         visibility: entry.visibility, kind: entry.kind))
            }
            for entry in rawCodes { formatCodes[entry.id] = try text.decode(entry.text) }
        }
        var byID: [UInt16: NumberFormat] = [:]
        cellFormats = formatIDs.map { id in
            if id == 0 { return .general }
            if let known = byID[id] { return known }
            let code = formatCodes[id] ?? NumberFormat.builtInCode(Int(id)) ?? "General"
            let format = NumberFormat(id: Int(id), code: code)
            byID[id] = format
            return format
        }
    }

    /// The SST's strings ([MS-XLS] 2.4.265): each an XLUnicodeRichExtendedString, the table
    /// split over CONTINUE records wherever Excel's 8 224-byte record limit fell.
    ///
    /// The declared count is only a hint: a table that ends early at a string boundary gives
    /// fewer strings (a cell naming a missing one is refused when read), and strings past the
    /// count are kept; a table that ends inside one of the declared strings is malformed.
    static func sharedStrings(_ bytes: BIFFBytes, declared: UInt32, fragments: [Range<Int>],
                              text: inout BIFFTextReader) throws(BIFFFailure) -> [String] {
        var reader = BIFFContinuedReader(bytes: bytes, fragments: fragments)
        var strings: [String] = []
        // Each string takes at least 3 bytes: a hostile count reserves no more than that.
        strings.reserveCapacity(min(Int(declared), reader.remaining / 3))
        while !reader.atEnd {
            do {
                let count = Int(try reader.u16())
                let flags = try reader.u8()
                let runs = flags & 0x08 != 0 ? Int(try reader.u16()) : 0
                let phonetic = flags & 0x04 != 0 ? Int(try reader.u32()) : 0
                strings.append(try reader.characters(count: count, flags: flags, into: &text))
                // Rich-text runs and phonetic data cross CONTINUE boundaries without a flags byte.
                try reader.skip(4 * runs + phonetic)
            } catch {
                // Padding after the declared strings is no loss; a string cut short is.
                if strings.count >= Int(declared) { break }
                throw error
            }
        }
        return strings
    }

    /// The number format of a cell's XF index; `.general` for an index with no XF.
    @inline(__always)
    func numberFormat(xf: UInt16) -> NumberFormat {
        Int(xf) < cellFormats.count ? cellFormats[Int(xf)] : .general
    }
}

/// The text Excel shows for a BIFF error code ([MS-XLS] 2.5.97.2, BErr).
enum BIFFError {
    static func text(_ code: UInt8) -> String {
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
