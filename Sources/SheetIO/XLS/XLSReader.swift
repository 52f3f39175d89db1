#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a legacy .xls: a BIFF5 (Excel 95) or BIFF8 (Excel 97–2003) workbook in an OLE2
/// compound file.
///
/// Opening reads the compound file, keeps the workbook stream and parses its globals
/// (sheets, formats, date system, code page, shared strings). Each sheet is then read
/// record by record as it is asked for, delivering one row at a time: memory holds the
/// stream and the shared strings, never a sheet's cells.
final class XLSReader: WorkbookSource {
    let path: String
    let sheets: [SheetInfo]
    let uses1904: Bool
    /// The workbook stream: every sheet's records lie in it.
    private let stream: [UInt8]
    private let globals: BIFFGlobals
    /// The BOUNDSHEET entry of each sheet in `sheets`.
    private let entries: [BIFFGlobals.SheetEntry]

    /// Largest file read: its workbook stream is kept in memory while the workbook is open.
    static let maximumFileSize = 1 << 30

    init(path: String) throws {
        self.path = path
        do {
            let fd = Glibc.open(path, O_RDONLY)
            guard fd >= 0 else { throw FormatDetector.openError(path) }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw FormatDetector.openError(path) }
            let size = Int(info.st_size)
            guard size <= Self.maximumFileSize else {
                throw SheetError(.limitExceeded, file: path, message: "文件超过 1 GB，旧版 .xls 不能这么大",
                                 advice: "请确认选对了文件；大表请另存为 .xlsx 或 .csv 再导入")
            }
            let container = try CompoundFile(source: .descriptor(fd, size: size))
            // "Workbook" (BIFF8) wins over "Book" (BIFF5) in files saved for both; names in
            // any case ("WORKBOOK" from some exporters) are the same name to [MS-CFB].
            guard let stream = try container.stream(namedAnyOf: ["Workbook", "Book"]) else {
                throw SheetError(.unsupportedFormat, file: path,
                                 message: "文件是 Office 复合文档，但里面没有 Excel 工作簿（可能是 Word/PowerPoint 文件改了扩展名）",
                                 advice: "请确认选对了文件")
            }
            self.stream = stream
        } catch let failure as CompoundFile.Failure {
            throw Self.error(failure, path: path)
        }
        do {
            globals = try stream.withUnsafeBytes { raw in try BIFFGlobals(stream: BIFFBytes(raw: raw)) }
        } catch let failure as BIFFFailure {
            throw Self.error(failure, path: path)
        }
        if globals.isEncrypted {
            throw SheetError(.encrypted, file: path, message: "文件设置了打开密码（已加密），无法读取",
                             advice: "请在 Excel 或 WPS 中打开，取消密码（文件→信息→保护工作簿）后另存为 .xlsx 再导入")
        }
        uses1904 = globals.uses1904
        // Worksheets and Excel 4 macro sheets hold cells; chart sheets and VBA modules do not.
        entries = globals.sheets.filter { $0.kind == 0 || $0.kind == 1 }
        sheets = entries.enumerated().map { SheetInfo(index: $0.offset, name: $0.element.name, visibility: $0.element.visibility) }
    }

    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        guard entries.indices.contains(sheet) else {
            throw SheetError(.noSuchSheet, file: path, message: "没有第 \(sheet + 1) 张工作表")
        }
        let offset = entries[sheet].offset
        var location: CellReference?
        do {
            return try stream.withUnsafeBytes { raw in
                var reader = BIFFSheetReader(bytes: BIFFBytes(raw: raw), globals: globals)
                defer { location = reader.location }
                return try reader.read(from: offset, body)
            }
        } catch let failure as BIFFFailure {
            var error = Self.error(failure, path: path)
            if let location {
                error.row = location.row
                error.cell = location.description
            }
            throw error
        }
    }

    private static func error(_ failure: CompoundFile.Failure, path: String) -> SheetError {
        switch failure {
        case .truncated(let detail):
            return SheetError(.corrupt, file: path, message: "文件不完整（可能下载或复制时被截断）",
                              advice: "请重新获取原文件；能用 Excel 或 WPS 打开的，另存为 .xlsx 后再导入", detail: detail)
        case .malformed(let detail):
            return SheetError(.corrupt, file: path, message: "文件已损坏，不是有效的 Excel 97-2003 工作簿",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入", detail: detail)
        }
    }

    static func error(_ failure: BIFFFailure, path: String) -> SheetError {
        switch failure {
        case .notBIFF:
            return SheetError(.corrupt, file: path, message: "文件已损坏：工作簿数据的开头无效",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入")
        case .unsupportedVersion(let version):
            let hex = String(version, radix: 16, uppercase: true)
            return SheetError(.unsupportedFormat, file: path, message: "工作簿的版本不受支持（只读 Excel 95 至 2003 的 .xls）",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: "BOF 版本 0x\(hex)")
        case .malformed(let detail):
            return SheetError(.corrupt, file: path, message: "文件已损坏，记录结构无效",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入", detail: detail)
        case .badText(let detail):
            return SheetError(.badEncoding, file: path, message: "文件中的文字编码无法识别",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: detail)
        case .badStringIndex(let index, let count):
            return SheetError(.corrupt, file: path,
                              message: "单元格引用的共享字符串编号 \(index) 不存在（文件共有 \(count) 个），文件已损坏",
                              advice: "请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入")
        case .columnOutOfRange(let column):
            return SheetError(.limitExceeded, file: path,
                              message: "列号 \(column + 1) 超过旧版 .xls 的 \(BIFFSheetReader.maxColumns) 列上限（IV 列），文件异常",
                              advice: "请用 Excel 或 WPS 打开检查后另存为 .xlsx")
        }
    }
}

/// Reads the cells of one worksheet substream and hands them over a row at a time.
///
/// Excel, LibreOffice and xlwt write cell records in row order, so a row is complete when
/// a record of a later row arrives. A quick first walk over the record headers checks that
/// order; a file that breaks it has its cells gathered and sorted before delivery instead.
struct BIFFSheetReader {
    let bytes: BIFFBytes
    let globals: BIFFGlobals
    private var text: BIFFTextReader
    private let strings: [String]
    private let isBIFF8: Bool
    /// Excel 95 to 2003 have 256 columns (A to IV); a cell past them is damage, and left in it
    /// would make `convert` write a field for every column up to it.
    static let maxColumns = 256

    /// The cell whose record is being read: where an error is reported.
    private(set) var location: CellReference?

    // The row being assembled.
    private var rowIndex = -1
    private var cells: [Cell] = []
    private var cellsSorted = true
    /// Cells by row when the file's rows are out of order.
    private var gathered: [Int: [Cell]]?

    init(bytes: BIFFBytes, globals: BIFFGlobals) {
        self.bytes = bytes
        self.globals = globals
        var text = BIFFTextReader(bytes: bytes)
        text.codePage = globals.codePage
        self.text = text
        strings = globals.sharedStrings
        isBIFF8 = globals.version == .biff8
    }

    /// Delivers the sheet's non-empty rows in order and returns its merged ranges.
    mutating func read(from offset: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        var records = BIFFRecordReader(bytes, from: offset)
        guard offset < bytes.count, let bof = try records.next(), bof.type == BIFFRecordType.bof else {
            throw BIFFFailure.malformed("工作表起点（偏移 \(offset)）不是 BOF 记录")
        }
        if !Self.rowsInOrder(bytes, from: records.position) { gathered = [:] }
        var merged: [CellRange] = []
        var depth = 1
        // A formula's string result comes in the STRING record after its FORMULA.
        var pendingString: (row: UInt16, column: UInt16, xf: UInt16)?
        while depth > 0, let record = try records.next() {
            let start = record.start
            switch record.type {
            case BIFFRecordType.bof:
                depth += 1  // an embedded chart's substream: not cells of this sheet
                continue
            case BIFFRecordType.eof:
                depth -= 1
                continue
            default:
                if depth > 1 { continue }
            }
            switch record.type {
            case BIFFRecordType.labelSST:
                try record.require(10, "LABELSST")
                let (row, column) = at(start)
                pendingString = nil
                let index = bytes.u32(start + 6)
                guard Int(index) < strings.count else { throw BIFFFailure.badStringIndex(index: index, count: strings.count) }
                let value = strings[Int(index)]
                if !value.isEmpty { try add(row, column, .text(value), xf: bytes.u16(start + 4), body) }
            case BIFFRecordType.number:
                try record.require(14, "NUMBER")
                let (row, column) = at(start)
                pendingString = nil
                try addNumber(row, column, bytes.f64(start + 6), xf: bytes.u16(start + 4), body)
            case BIFFRecordType.rk:
                try record.require(10, "RK")
                let (row, column) = at(start)
                pendingString = nil
                try addNumber(row, column, Self.rkValue(bytes.u32(start + 6)), xf: bytes.u16(start + 4), body)
            case BIFFRecordType.mulRK:
                // row, first column, (xf, rk) for each cell, last column.
                try record.require(6, "MULRK")
                let (row, first) = at(start)
                pendingString = nil
                let count = (record.count - 6) / 6
                for i in 0..<count {
                    let column = first &+ i
                    location = CellReference(row: row, column: column)
                    let base = start + 4 + 6 * i
                    try addNumber(row, column, Self.rkValue(bytes.u32(base + 2)), xf: bytes.u16(base), body)
                }
            case BIFFRecordType.label, BIFFRecordType.rString:
                try record.require(8, "LABEL")
                let (row, column) = at(start)
                pendingString = nil
                let value = try readString(record, from: start + 6, following: &records)
                if !value.isEmpty { try add(row, column, .text(value), xf: bytes.u16(start + 4), body) }
            case BIFFRecordType.boolErr:
                try record.require(8, "BOOLERR")
                let (row, column) = at(start)
                pendingString = nil
                let code = bytes.u8(start + 6)
                let value: CellValue = bytes.u8(start + 7) == 0 ? .bool(code != 0) : .error(BIFFError.text(code))
                try add(row, column, value, xf: bytes.u16(start + 4), body)
            case BIFFRecordType.formula:
                try record.require(20, "FORMULA")
                let (row, column) = at(start)
                pendingString = nil
                let xf = bytes.u16(start + 4)
                guard bytes.u16(start + 12) == 0xFFFF else {
                    try addNumber(row, column, bytes.f64(start + 6), xf: xf, body)
                    continue
                }
                switch bytes.u8(start + 6) {
                case 0: pendingString = (UInt16(row), UInt16(column), xf)
                case 1: try add(row, column, .bool(bytes.u8(start + 8) != 0), xf: xf, body)
                case 2: try add(row, column, .error(BIFFError.text(bytes.u8(start + 8))), xf: xf, body)
                default: continue  // 3: an empty string, which is no value
                }
            case BIFFRecordType.string:
                guard let pending = pendingString else { continue }
                pendingString = nil
                let row = Int(pending.row), column = Int(pending.column)
                location = CellReference(row: row, column: column)
                let value = try readString(record, from: start, following: &records)
                if !value.isEmpty { try add(row, column, .text(value), xf: pending.xf, body) }
            case BIFFRecordType.mergedCells:
                try readMergedCells(record, into: &merged)
            default:
                continue
            }
        }
        try flush(body)
        if let gathered {
            for row in gathered.keys.sorted() {
                rowIndex = row
                cells = gathered[row] ?? []
                cellsSorted = false
                try flush(body)
            }
        }
        return merged
    }

    /// The row and column of a cell record, remembered as the place of any error.
    @inline(__always)
    private mutating func at(_ start: Int) -> (Int, Int) {
        let row = Int(bytes.u16(start)), column = Int(bytes.u16(start + 2))
        location = CellReference(row: row, column: column)
        return (row, column)
    }

    /// Whether the cell records' rows never go down, walking record headers only.
    static func rowsInOrder(_ bytes: BIFFBytes, from position: Int) -> Bool {
        var records = BIFFRecordReader(bytes, from: position)
        var depth = 1
        var last: UInt16 = 0
        while depth > 0, let record = try? records.next() {
            switch record.type {
            case BIFFRecordType.bof: depth += 1
            case BIFFRecordType.eof: depth -= 1
            case BIFFRecordType.labelSST, BIFFRecordType.number, BIFFRecordType.rk, BIFFRecordType.mulRK,
                 BIFFRecordType.label, BIFFRecordType.rString, BIFFRecordType.boolErr, BIFFRecordType.formula:
                guard depth == 1, record.count >= 2 else { continue }
                let row = bytes.u16(record.start)
                if row < last { return false }
                last = row
            default: continue
            }
        }
        return true
    }

    /// An RK number ([MS-XLS] 2.5.217): a 30-bit integer or the high 30 bits of a double,
    /// divided by 100 when bit 0 says so.
    @inline(__always)
    static func rkValue(_ rk: UInt32) -> Double {
        var value = rk & 0x02 != 0
            ? Double(Int32(bitPattern: rk) >> 2)
            : Double(bitPattern: UInt64(rk & 0xFFFF_FFFC) << 32)
        if rk & 0x01 != 0 { value /= 100 }
        return value
    }

    /// A LABEL, RSTRING or STRING record's text, starting at `offset` with its character count.
    /// BIFF8 text is an XLUnicodeString that may run on into CONTINUE records; BIFF5 text is
    /// bytes in the code page (an RSTRING's formatting runs after them are not needed).
    private mutating func readString(_ record: BIFFRecord, from offset: Int,
                                     following records: inout BIFFRecordReader) throws(BIFFFailure) -> String {
        if isBIFF8 {
            let fragments = [offset..<record.end] + (try records.continuations())
            var reader = BIFFContinuedReader(bytes: bytes, fragments: fragments)
            let count = Int(try reader.u16())
            guard count > 0 else { return "" }
            return try reader.characters(count: count, flags: try reader.u8(), into: &text)
        }
        guard record.end - offset >= 2 else { throw BIFFRecord.tooShort("STRING", record.count, record.offset) }
        let count = Int(bytes.u16(offset))
        guard record.end - offset - 2 >= count else {
            throw BIFFFailure.malformed("文字长 \(count) 字节，超出记录末尾（偏移 \(record.offset)）")
        }
        return try text.decode((offset + 2)..<(offset + 2 + count))
    }

    private mutating func readMergedCells(_ record: BIFFRecord, into merged: inout [CellRange]) throws(BIFFFailure) {
        try record.require(2, "MERGEDCELLS")
        let count = Int(bytes.u16(record.start))
        try record.require(2 + 8 * count, "MERGEDCELLS")
        for i in 0..<count {
            let base = record.start + 2 + 8 * i
            let firstRow = Int(bytes.u16(base)), lastRow = Int(bytes.u16(base + 2))
            let firstColumn = Int(bytes.u16(base + 4)), lastColumn = Int(bytes.u16(base + 6))
            // A range to the last column is sometimes written as ending past it: clip.
            let last = Self.maxColumns - 1
            guard min(firstColumn, lastColumn) <= last else { throw BIFFFailure.columnOutOfRange(min(firstColumn, lastColumn)) }
            merged.append(CellRange(first: CellReference(row: firstRow, column: min(firstColumn, last)),
                                    last: CellReference(row: lastRow, column: min(lastColumn, last))))
        }
    }

    /// A number cell: a date when its format shows one and the serial is a real date.
    @inline(__always)
    private mutating func addNumber(_ row: Int, _ column: Int, _ number: Double, xf: UInt16,
                                    _ body: (Row) throws -> Void) throws {
        let format = globals.numberFormat(xf: xf)
        if format.isDateTime, let date = LocalDateTime(excelSerial: number, uses1904: globals.uses1904) {
            try add(row, column, .date(date), format: format, body)
        } else {
            try add(row, column, .number(number), format: format, body)
        }
    }

    @inline(__always)
    private mutating func add(_ row: Int, _ column: Int, _ value: CellValue, xf: UInt16,
                              _ body: (Row) throws -> Void) throws {
        try add(row, column, value, format: globals.numberFormat(xf: xf), body)
    }

    private mutating func add(_ row: Int, _ column: Int, _ value: CellValue, format: NumberFormat,
                              _ body: (Row) throws -> Void) throws {
        guard column < Self.maxColumns else { throw BIFFFailure.columnOutOfRange(column) }
        let cell = Cell(column: column, value: value, format: format)
        if gathered != nil {
            gathered![row, default: []].append(cell)
            return
        }
        if row != rowIndex {
            try flush(body)
            rowIndex = row
        }
        if let last = cells.last, last.column >= column { cellsSorted = false }
        cells.append(cell)
    }

    /// Delivers the row being assembled, its cells in column order (the later of two cells in
    /// one column wins, as Excel does when it reads such a file).
    private mutating func flush(_ body: (Row) throws -> Void) throws {
        guard !cells.isEmpty else { return }
        if !cellsSorted {
            var byColumn: [Int: Cell] = [:]
            for cell in cells { byColumn[cell.column] = cell }
            cells = byColumn.values.sorted { $0.column < $1.column }
            cellsSorted = true
        }
        let row = Row(index: rowIndex, cells: cells)
        cells.removeAll(keepingCapacity: true)
        try body(row)
    }
}
