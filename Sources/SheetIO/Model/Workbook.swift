/// The kinds of file SheetIO reads, decided by content rather than extension.
public enum FileFormat: String, Sendable {
    case xlsx, xls, csv
}

public enum SheetVisibility: String, Sendable {
    case visible, hidden, veryHidden
}

/// A sheet's place in its workbook.
public struct SheetInfo: Hashable, Sendable {
    /// Zero-based position in the workbook's sheet order.
    public var index: Int
    public var name: String
    public var visibility: SheetVisibility

    public init(index: Int, name: String, visibility: SheetVisibility = .visible) {
        self.index = index
        self.name = name
        self.visibility = visibility
    }
}

/// What is known of a sheet once all its rows have been read.
public struct SheetSummary: Sendable {
    public var mergedRanges: [CellRange]
    /// Rows that hold at least one non-empty cell.
    public var rowCount: Int
    /// From the first to the last non-empty row and column; nil for an empty sheet.
    public var usedRange: CellRange?

    public init(mergedRanges: [CellRange] = [], rowCount: Int = 0, usedRange: CellRange? = nil) {
        self.mergedRanges = mergedRanges
        self.rowCount = rowCount
        self.usedRange = usedRange
    }
}

/// A sheet read whole into memory: for sheets of sign-in size, not million-row ones.
public struct Sheet: Sendable {
    public var info: SheetInfo
    public var rows: [Row]
    public var summary: SheetSummary

    public init(info: SheetInfo, rows: [Row], summary: SheetSummary) {
        self.info = info
        self.rows = rows
        self.summary = summary
    }

    public var name: String { info.name }
    public var mergedRanges: [CellRange] { summary.mergedRanges }

    /// The cell at a zero-based position, if it holds a value.
    public func cell(row: Int, column: Int) -> Cell? {
        var lo = 0
        var hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid].index < row { lo = mid + 1 } else { hi = mid }
        }
        guard lo < rows.count, rows[lo].index == row else { return nil }
        return rows[lo][column]
    }
}

/// Text encodings a CSV file may arrive in.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf8"
    case utf8BOM = "utf8-bom"
    case utf16LE = "utf16le"
    case utf16BE = "utf16be"
    case utf32LE = "utf32le"
    case utf32BE = "utf32be"
    case gb18030 = "gb18030"

    /// The name a clerk recognises.
    public var displayName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf8BOM: return "UTF-8（带 BOM）"
        case .utf16LE: return "UTF-16 LE（带 BOM）"
        case .utf16BE: return "UTF-16 BE（带 BOM）"
        case .utf32LE: return "UTF-32 LE（带 BOM）"
        case .utf32BE: return "UTF-32 BE（带 BOM）"
        case .gb18030: return "GB18030（GBK）"
        }
    }
}

/// What each format's reader provides; `Workbook` is the one public face of them.
protocol WorkbookSource: AnyObject {
    var sheets: [SheetInfo] { get }
    var uses1904: Bool { get }
    /// Calls `body` with each row that has a non-empty cell, in file order, and returns the
    /// sheet's merged ranges (known only at the end of an XLSX sheet).
    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange]
    /// A cursor pulling the sheet's rows one at a time; nil when the reader only pushes rows.
    func cursor(sheet: Int) throws -> (any RowCursor)?
    /// The merged ranges, read without making cells; nil when the reader has no quicker way
    /// than reading every row.
    func mergedRanges(sheet: Int) throws -> [CellRange]?
}

extension WorkbookSource {
    func cursor(sheet: Int) throws -> (any RowCursor)? { nil }
    func mergedRanges(sheet: Int) throws -> [CellRange]? { nil }
}

/// Rows of one sheet pulled one at a time, in file order.
protocol RowCursor: AnyObject {
    /// The next row with a non-empty cell; nil at the end of the sheet.
    func next() throws -> Row?
    /// The sheet's merged ranges: complete once `next()` has returned nil.
    var mergedRanges: [CellRange] { get }
}

/// The cursor of a sheet without cells (a chart sheet).
final class EmptyCursor: RowCursor {
    func next() throws -> Row? { nil }
    var mergedRanges: [CellRange] { [] }
}

/// Something about how a file was read that its user should know; not an error.
public struct SheetWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A text file in a legacy encoding (GB18030 from Chinese Excel): read correctly.
        case legacyEncoding(TextEncoding)
        /// The content is of another format than the extension says: read by content.
        case formatMismatch(extension: String, actual: FileFormat)
    }
    public var kind: Kind
    /// The file as the user named it.
    public var file: String

    public init(_ kind: Kind, file: String) {
        self.kind = kind
        self.file = file
    }

    /// In Chinese, naming the file.
    public var description: String {
        let name = SheetError.displayName(file)
        switch kind {
        case .legacyEncoding(let encoding):
            return "文件「\(name)」不是 UTF-8 编码，已按 \(encoding.displayName)编码读取"
        case .formatMismatch(let ext, let actual):
            let names: [FileFormat: String] = [.xlsx: "Excel 工作簿（.xlsx）", .xls: "旧版 Excel（.xls）", .csv: "文本表格（CSV）"]
            return "文件「\(name)」扩展名为 .\(ext)，但内容是\(names[actual] ?? actual.rawValue)，已按实际内容读取"
        }
    }
}

/// A spreadsheet file opened for reading: CSV, XLSX or legacy XLS.
///
/// Rows stream one at a time through `forEachRow`, so memory does not grow with the sheet;
/// `read(_:)` collects a whole sheet when that is more convenient.
public final class Workbook {
    public let path: String
    public let format: FileFormat
    public let sheets: [SheetInfo]
    /// Whether dates count from 1904 (old Mac Excel) rather than 1900.
    public let uses1904: Bool
    /// The encoding chosen for a CSV file; nil for binary formats.
    public let textEncoding: TextEncoding?
    /// The delimiter found in a CSV file; nil for binary formats.
    public let delimiter: Character?
    /// Things the user should know about how the file was read.
    public let warnings: [SheetWarning]

    let source: any WorkbookSource

    init(path: String, format: FileFormat, source: any WorkbookSource, textEncoding: TextEncoding? = nil,
         delimiter: Character? = nil, warnings: [SheetWarning] = []) {
        self.path = path
        self.format = format
        self.source = source
        self.sheets = source.sheets
        self.uses1904 = source.uses1904
        self.textEncoding = textEncoding
        self.delimiter = delimiter
        self.warnings = warnings
    }

    /// Opens a file, deciding its format by content; a mismatched extension is a warning.
    ///
    /// - Throws: `SheetError` naming the file when it is missing, encrypted, of a kind
    ///   SheetIO does not read, or damaged.
    public static func open(_ path: String) throws -> Workbook {
        try FormatDetector.open(path)
    }

    /// The sheet with this exact name.
    public func sheet(named name: String) -> SheetInfo? {
        sheets.first { $0.name == name }
    }

    /// The sheet a user named on the command line: its exact name, or its 1-based number.
    public func sheet(_ selector: String) throws -> SheetInfo {
        if let found = sheet(named: selector) { return found }
        if let number = Int(selector), number >= 1, number <= sheets.count { return sheets[number - 1] }
        let names = sheets.map { "「\($0.name)」" }.joined(separator: "、")
        throw SheetError(.noSuchSheet, file: path, message: "没有名为或编号为「\(selector)」的工作表",
                         advice: "可用的工作表：\(names)（也可写序号 1–\(sheets.count)）")
    }

    /// Streams a sheet's non-empty rows in file order.
    ///
    /// - Returns: the merged ranges, row count and used range, known once all rows are read.
    /// - Throws: `SheetError` naming the sheet and row of the first problem; rows before it
    ///   have already been delivered.
    @discardableResult
    public func forEachRow(in sheet: SheetInfo, _ body: (Row) throws -> Void) throws -> SheetSummary {
        var count = 0
        var firstRow = Int.max, lastRow = -1, firstColumn = Int.max, lastColumn = -1
        let merged: [CellRange]
        do {
            merged = try source.forEachRow(sheet: sheet.index) { row in
                count += 1
                firstRow = min(firstRow, row.index)
                lastRow = max(lastRow, row.index)
                // Index access reads the column alone; `first?.column` would copy the whole cell.
                if !row.cells.isEmpty {
                    firstColumn = min(firstColumn, row.cells[0].column)
                    lastColumn = max(lastColumn, row.cells[row.cells.count - 1].column)
                }
                try body(row)
            }
        } catch let error as SheetError {
            throw error.located(sheet: sheet.name)
        }
        let used = count == 0 ? nil : CellRange(first: CellReference(row: firstRow, column: firstColumn),
                                                last: CellReference(row: lastRow, column: lastColumn))
        return SheetSummary(mergedRanges: merged, rowCount: count, usedRange: used)
    }

    /// Reads a whole sheet into memory.
    public func read(_ sheet: SheetInfo) throws -> Sheet {
        var rows: [Row] = []
        let summary = try forEachRow(in: sheet) { rows.append($0) }
        return Sheet(info: sheet, rows: rows, summary: summary)
    }
}

/// What the Roster importers need of a sheet: its name, its rows in order and its merged
/// ranges. Both a sheet held in memory (`Sheet`) and a streamed one (`SheetStream`) give it.
public protocol SheetRows {
    associatedtype Rows: Sequence where Rows.Element == Row
    var name: String { get }
    var rows: Rows { get }
    var mergedRanges: [CellRange] { get }
}

extension Sheet: SheetRows {}

extension Workbook {
    /// Opens a sheet for streaming: its first rows (those above `headDepth`) are read and kept
    /// for whoever looks for a header, the rest come one at a time as `rows` is iterated.
    ///
    /// - Throws: `SheetError` when the sheet cannot be opened or its first rows not read; a
    ///   later error ends the iteration early and is kept in `SheetStream.error`.
    /// - Parameters:
    ///   - headDepth: rows above this index are always kept.
    ///   - headCells: beyond them, rows are kept while the kept cells number fewer than this, so
    ///     a sheet of sign-in size is held whole and its merged ranges come with it.
    public func rows(in sheet: SheetInfo, headDepth: Int = 20, headCells: Int = 100_000) throws -> SheetStream {
        do {
            return try SheetStream(workbook: self, info: sheet, headDepth: headDepth, headCells: headCells)
        } catch let error as SheetError {
            throw error.located(sheet: sheet.name)
        }
    }

    /// The sheet's merged ranges, read without keeping its rows.
    public func mergedRanges(in sheet: SheetInfo) throws -> [CellRange] {
        do {
            if let quick = try source.mergedRanges(sheet: sheet.index) { return quick }
            return try source.forEachRow(sheet: sheet.index) { _ in }
        } catch let error as SheetError {
            throw error.located(sheet: sheet.name)
        }
    }

    func cursor(_ sheet: SheetInfo) throws -> any RowCursor {
        if let cursor = try source.cursor(sheet: sheet.index) { return cursor }
        // A reader that only pushes rows (legacy .xls, at most 65 536 rows a sheet) is read whole.
        var rows: [Row] = []
        let merged = try source.forEachRow(sheet: sheet.index) { rows.append($0) }
        return BufferedCursor(rows: rows, mergedRanges: merged)
    }
}

/// A sheet's rows already in memory, given out one at a time.
final class BufferedCursor: RowCursor {
    private var rows: [Row]
    private var position = 0
    let mergedRanges: [CellRange]

    init(rows: [Row], mergedRanges: [CellRange]) {
        self.rows = rows
        self.mergedRanges = mergedRanges
    }

    func next() throws -> Row? {
        guard position < rows.count else { return nil }
        defer {
            // Let go of what has been given out, so memory shrinks as the sheet is read.
            rows[position] = Row(index: 0, cells: [])
            position += 1
        }
        return rows[position]
    }
}

/// A sheet read as a stream: the first rows kept, the rest pulled as `rows` is iterated.
///
/// Memory holds the kept rows and the row being read, not the sheet. Iterating `rows` a
/// second time past the kept rows reads the sheet again from the file. An error while
/// iterating ends the rows early and is kept in `error`: check it after the loop.
public final class SheetStream: SheetRows {
    public let info: SheetInfo
    public var name: String { info.name }
    /// The rows read when the sheet was opened: at least those above the head depth and the
    /// first row after them.
    public let head: [Row]
    /// Whether the head holds the whole sheet.
    public let headIsWholeSheet: Bool
    /// The first error met after the head, if any; rows after it were not delivered.
    public private(set) var error: SheetError?

    private let workbook: Workbook
    private var cursor: (any RowCursor)?
    private var merged: [CellRange]?

    init(workbook: Workbook, info: SheetInfo, headDepth: Int, headCells: Int) throws {
        self.workbook = workbook
        self.info = info
        let cursor = try workbook.cursor(info)
        var head: [Row] = []
        var cells = 0
        var ended = false
        while true {
            guard let row = try cursor.next() else {
                ended = true
                break
            }
            head.append(row)
            cells += row.cells.count
            if row.index >= headDepth && cells >= headCells { break }
        }
        self.head = head
        headIsWholeSheet = ended
        if ended { merged = cursor.mergedRanges } else { self.cursor = cursor }
    }

    /// Whether the sheet has no row with a value.
    public var isEmpty: Bool { head.isEmpty }

    /// Every row, in file order.
    public var rows: Rows { Rows(stream: self) }

    /// The merged ranges. Known at once for a sheet that fits in the head or has been read to
    /// its end; otherwise read by a quick pass over the sheet (an error there is kept in `error`).
    public var mergedRanges: [CellRange] {
        if let merged { return merged }
        do {
            merged = try workbook.mergedRanges(in: info)
        } catch let failure as SheetError {
            record(failure)
            merged = []
        } catch {
            record(SheetError(.unreadable, file: workbook.path, sheet: info.name, message: "读取合并单元格时出错", detail: "\(error)"))
            merged = []
        }
        return merged!
    }

    fileprivate func record(_ failure: SheetError) {
        if error == nil { error = failure.located(sheet: info.name) }
    }

    /// The cursor past the head: the one opened first, or a new one that skips the head.
    fileprivate func takeCursor() -> (any RowCursor)? {
        if let cursor {
            self.cursor = nil
            return cursor
        }
        do {
            let fresh = try workbook.cursor(info)
            let last = head.last?.index ?? -1
            while let row = try fresh.next() {
                if row.index > last { return PrependedCursor(first: row, rest: fresh) }
            }
            return nil
        } catch let failure as SheetError {
            record(failure)
        } catch {
            record(SheetError(.unreadable, file: workbook.path, sheet: info.name, message: "读取工作表时出错", detail: "\(error)"))
        }
        return nil
    }

    fileprivate func reachedEnd(of cursor: any RowCursor) {
        if merged == nil { merged = cursor.mergedRanges }
    }

    public struct Rows: Sequence {
        let stream: SheetStream

        public func makeIterator() -> Iterator { Iterator(stream: stream) }

        public struct Iterator: IteratorProtocol {
            let stream: SheetStream
            var position = 0
            var cursor: (any RowCursor)?
            var done = false

            public mutating func next() -> Row? {
                if position < stream.head.count {
                    defer { position += 1 }
                    return stream.head[position]
                }
                guard !done, !stream.headIsWholeSheet else { return nil }
                if cursor == nil {
                    cursor = stream.takeCursor()
                    if cursor == nil {
                        done = true
                        return nil
                    }
                }
                do {
                    if let row = try cursor!.next() { return row }
                    stream.reachedEnd(of: cursor!)
                } catch let failure as SheetError {
                    stream.record(failure)
                } catch {
                    stream.record(SheetError(.unreadable, file: stream.workbook.path, sheet: stream.info.name,
                                             message: "读取工作表时出错", detail: "\(error)"))
                }
                done = true
                cursor = nil
                return nil
            }
        }
    }
}

/// A cursor with one row put back in front of it.
final class PrependedCursor: RowCursor {
    private var first: Row?
    private let rest: any RowCursor

    init(first: Row, rest: any RowCursor) {
        self.first = first
        self.rest = rest
    }

    func next() throws -> Row? {
        if let row = first {
            first = nil
            return row
        }
        return try rest.next()
    }

    var mergedRanges: [CellRange] { rest.mergedRanges }
}
