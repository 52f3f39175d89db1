#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an XLSX workbook: package parts once, each sheet streamed row by row.
///
/// Shared strings and styles load on the first sheet read, so listing sheets is cheap.
final class XLSXReader: WorkbookSource {
    let path: String
    let sheets: [SheetInfo]
    let uses1904: Bool
    private let archive: ZipArchive
    private let sheetParts: [SheetPart]
    private let sharedStringsPart: String?
    private let stylesPart: String?
    private var loaded: (strings: [String], formats: [NumberFormat])?

    /// Where a sheet's cells are.
    private enum SheetPart {
        case worksheet(String)
        /// A chart sheet or dialog sheet: a sheet without cells.
        case noCells
        /// The workbook names a relationship the package does not have.
        case dangling(String)
    }

    init(path: String) throws {
        self.path = path
        archive = try ZipArchive(path: path)
        let workbookPart = try XLSXReader.findWorkbookPart(archive, path: path)
        let workbook = try XLSXPackage.workbook(XLSXReader.scanner(archive, part: workbookPart, path: path))
        let relsPart = XLSXPackage.relationshipsPart(of: workbookPart)
        if archive.locate(relsPart) == nil && !workbook.sheets.isEmpty {
            // Without it no sheet can be found: a broken package, not an empty workbook.
            throw SheetError(.corrupt, file: path, message: "文件缺少部件 \(relsPart)，找不到任何工作表的内容，结构不完整",
                             advice: "文件可能没有下载或拷贝完整；请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入")
        }
        let rels = archive.locate(relsPart) == nil
            ? [] : try XLSXPackage.relationships(XLSXReader.scanner(archive, part: relsPart, path: path))
        func target(ofType suffix: String) -> String? {
            rels.first { !$0.external && $0.type.hasSuffix(suffix) }.map { XLSXPackage.resolve($0.target, from: workbookPart) }
        }
        uses1904 = workbook.uses1904
        sheets = workbook.sheets.enumerated().map { SheetInfo(index: $0.offset, name: $0.element.name, visibility: $0.element.visibility) }
        sheetParts = workbook.sheets.map { entry in
            guard let id = entry.relationshipID, let rel = rels.first(where: { $0.id == id }), !rel.external else {
                return .dangling(entry.relationshipID ?? "")
            }
            guard rel.type.hasSuffix("/worksheet") else { return .noCells }
            return .worksheet(XLSXPackage.resolve(rel.target, from: workbookPart))
        }
        sharedStringsPart = target(ofType: "/sharedStrings") ?? (archive.locate("xl/sharedStrings.xml") != nil ? "xl/sharedStrings.xml" : nil)
        stylesPart = target(ofType: "/styles") ?? (archive.locate("xl/styles.xml") != nil ? "xl/styles.xml" : nil)
    }

    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        // Read to the end: a large part is inflated on a second thread while it is scanned.
        guard var parser = try parser(sheet: sheet, prefetch: true) else { return [] }
        return try parser.run(body)
    }

    func cursor(sheet: Int) throws -> (any RowCursor)? {
        guard let parser = try parser(sheet: sheet) else { return EmptyCursor() }
        return XLSXRowCursor(parser: parser)
    }

    func mergedRanges(sheet: Int) throws -> [CellRange]? {
        guard var parser = try parser(sheet: sheet) else { return [] }
        return try parser.skipToMergedRanges()
    }

    /// A parser at the start of a sheet's part; nil for a sheet without cells.
    private func parser(sheet: Int, prefetch: Bool = false) throws -> SheetParser? {
        switch sheetParts[sheet] {
        case .noCells:
            return nil
        case .dangling(let id):
            throw SheetError(.corrupt, file: path, sheet: sheets[sheet].name,
                             message: "工作簿记录的工作表关系“\(id)”在文件中不存在，找不到这张表的内容，结构不完整",
                             advice: "请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入")
        case .worksheet(let part):
            let (strings, formats) = try loadShared()
            return SheetParser(scanner: try XLSXReader.scanner(archive, part: part, path: path, prefetch: prefetch),
                               strings: strings, formats: formats, uses1904: uses1904)
        }
    }

    private func loadShared() throws -> ([String], [NumberFormat]) {
        if let loaded { return loaded }
        // Read whole: a large table is inflated on a second thread while it is parsed.
        let strings = try sharedStringsPart.map {
            try XLSXPackage.sharedStrings(XLSXReader.scanner(archive, part: $0, path: path, prefetch: true))
        } ?? []
        let formats = try stylesPart.map { try XLSXPackage.styles(XLSXReader.scanner(archive, part: $0, path: path)) } ?? []
        loaded = (strings, formats)
        return (strings, formats)
    }

    /// Parts inflating to at least this many bytes are inflated ahead on a thread of their own
    /// when `prefetch` asks for it.
    static let prefetchBytes: Int64 = 4 << 20

    private static func scanner(_ archive: ZipArchive, part: String, path: String, prefetch: Bool = false) throws -> XMLScanner {
        guard let index = archive.locate(part) else {
            throw SheetError(.corrupt, file: path, message: "文件缺少部件 \(part)，结构不完整",
                             advice: "请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入")
        }
        let entry = try archive.open(index, name: part)
        let source: any ByteSource = prefetch && entry.declaredSize >= prefetchBytes ? PrefetchingSource(entry) : entry
        return XMLScanner(source: source, file: path, part: part)
    }

    /// The officeDocument target of the package relationships; a zip without one is
    /// told apart as another kind of document where its parts say so.
    private static func findWorkbookPart(_ archive: ZipArchive, path: String) throws -> String {
        if archive.locate("_rels/.rels") != nil {
            let rels = try XLSXPackage.relationships(scanner(archive, part: "_rels/.rels", path: path))
            if let office = rels.first(where: { $0.type.hasSuffix("/officeDocument") }) {
                let part = XLSXPackage.resolve(office.target, from: "")
                if archive.locate(part) != nil && !part.hasPrefix("word/") && !part.hasPrefix("ppt/") { return part }
            }
        }
        if archive.locate("xl/workbook.xml") != nil { return "xl/workbook.xml" }
        let names = archive.entryNames
        let kind: String
        if names.contains("content.xml") && names.contains("mimetype") {
            kind = "OpenDocument 表格（.ods）或其他 OpenDocument 文档"
        } else if names.contains(where: { $0.hasPrefix("word/") }) {
            kind = "Word 文档（.docx）"
        } else if names.contains(where: { $0.hasPrefix("ppt/") }) {
            kind = "PowerPoint 演示文稿（.pptx）"
        } else {
            kind = "普通压缩包（.zip）"
        }
        throw SheetError(.unsupportedFormat, file: path, message: "文件是\(kind)，不是 Excel 工作簿",
                         advice: "请确认选对了文件；表格请用 Excel 或 WPS 另存为 .xlsx 后再导入")
    }
}

/// Pulls the rows of one worksheet part.
final class XLSXRowCursor: RowCursor {
    private var parser: SheetParser

    init(parser: consuming SheetParser) { self.parser = parser }

    func next() throws -> Row? { try parser.nextRow() }
    var mergedRanges: [CellRange] { parser.mergedRanges }
}

/// Streams one worksheet part: `<row>`s of `<c>` cells, then `<mergeCells>`.
///
/// The `<dimension>` element is never trusted; row and column positions come from the `r`
/// attributes, or count on from the previous row or cell where a producer omits them.
struct SheetParser: ~Copyable {
    private var scanner: XMLScanner
    private let strings: [String]
    private let formats: [NumberFormat]
    private let uses1904: Bool

    private enum CellType { case number, shared, inline, formulaString, bool, error, isoDate }
    private enum Capture { case none, value, inline }

    private var rowIndex = -1
    private var cells: [Cell] = []
    private var cellsSorted = true
    private var nextColumn = 0
    private var column = 0
    private var type = CellType.number
    private var format = NumberFormat.general
    private var capture = Capture.none
    private var phoneticDepth = 0
    private var value: [UInt8] = []
    private var hasValue = false
    private var merged: [CellRange] = []

    init(scanner: consuming XMLScanner, strings: [String], formats: [NumberFormat], uses1904: Bool) {
        self.scanner = scanner
        self.strings = strings
        self.formats = formats
        self.uses1904 = uses1904
        cells.reserveCapacity(32)
        value.reserveCapacity(64)
    }

    /// Whether `</sheetData>` or the end of the part has been reached.
    private var finished = false
    private var inRow = false
    private var inCell = false
    /// Where the current `<t>` began in `value`, and whether it keeps its outer white space.
    private var textStart = 0
    private var preserveSpace = false

    /// The merged ranges: complete once `nextRow()` has returned nil.
    var mergedRanges: [CellRange] { merged }

    /// The next row holding a non-empty cell, or nil at the end of the sheet.
    mutating func nextRow() throws -> Row? {
        guard !finished else { return nil }
        while true {
            if inRow && !inCell && scanner.depth > 0, try fastCell() { continue }
            switch try scanner.next() {
            case .startTag:
                if inCell {
                    if scanner.nameIs("v") {
                        // An inline string's text is its <is>; a stray <v> beside it is not part of it.
                        if type != .inline {
                            capture = .value
                            hasValue = true
                        }
                    } else if scanner.nameIs("t") && type == .inline && phoneticDepth == 0 {
                        capture = .inline
                        hasValue = true
                        beginText()
                    } else if scanner.nameIs("rPh") {
                        phoneticDepth += 1
                    } else if scanner.nameIs("f") {
                        try scanner.skipElement()
                    }
                } else if scanner.nameIs("c") {
                    guard inRow else { try scanner.skipElement(); continue }
                    try beginCell()
                    inCell = true
                } else if scanner.nameIs("row") {
                    try beginRow()
                    inRow = true
                } else if scanner.nameIs("mergeCell") {
                    if let ref = try scanner.attribute("ref"), let range = CellRange(ref) { merged.append(range) }
                }
            case .endTag:
                if inCell {
                    if scanner.nameIs("c") {
                        try endCell()
                        inCell = false
                    } else if scanner.nameIs("t") {
                        if capture == .inline { endText() }
                        capture = .none
                    } else if scanner.nameIs("v") {
                        capture = .none
                    } else if scanner.nameIs("rPh") {
                        phoneticDepth -= 1
                    }
                } else if scanner.nameIs("row") {
                    inRow = false
                    if !cells.isEmpty {
                        if !cellsSorted { sortCells() }
                        let row = Row(index: rowIndex, cells: cells)
                        // The row keeps the array; the next one starts a new one of the size
                        // this row needed (keeping capacity would copy a larger empty buffer).
                        cells = []
                        cells.reserveCapacity(row.cells.count)
                        return row
                    }
                }
            case .text:
                if capture != .none { try scanner.appendText(to: &value) }
            case .endOfDocument:
                finished = true
                return nil
            }
        }
    }

    /// Reads one whole `<c>` element straight from the scanner's buffer when it has one of the
    /// shapes producers write for plain values; false (nothing read) for anything else, which
    /// the token path then reads as XML. The shapes, with `r`, `s`, `t` and other attributes
    /// without prefixes in either quote style:
    ///
    ///     <c …/>   <c …></c>   <c …><v>TEXT</v></c>
    ///     <c …><is><t>TEXT</t></is></c>   <c …><is><t xml:space="preserve">TEXT</t></is></c>
    ///
    /// where TEXT has no `&` (references, and their errors, are the token path's). The result
    /// is the token path's to the byte: the same `beginCell`/`endCell`, the same text trimming,
    /// and errors raised with the scanner past `</c>`, where the token path raises them.
    private static let preserveTail: StaticString = " xml:space=\"preserve\">"

    private mutating func fastCell() throws -> Bool {
        let raw = scanner.unread
        guard let base = raw.baseAddress else { return false }
        let n = raw.count
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }
        @inline(__always) func matches(_ literal: StaticString, at p: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            return p + count <= n && memcmp(base + p, literal.utf8Start, count) == 0
        }
        @inline(__always) func find(_ byte: UInt8, from p: Int) -> Int? {
            guard p < n, let hit = memchr(base + p, Int32(byte), n - p) else { return nil }
            return UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
        }
        var i = 0
        while i < n && isSpace(base[i]) { i += 1 }
        guard i + 3 < n, base[i] == UInt8(ascii: "<"), base[i + 1] == UInt8(ascii: "c") else { return false }
        i += 2
        guard isSpace(base[i]) || base[i] == UInt8(ascii: ">") || base[i] == UInt8(ascii: "/") else { return false }
        var r: Range<Int>?, s: Range<Int>?, t: Range<Int>?
        var attributes = 0
        var empty = false
        while true {
            while i < n && isSpace(base[i]) { i += 1 }
            guard i < n else { return false }
            if base[i] == UInt8(ascii: ">") {
                i += 1
                break
            }
            if base[i] == UInt8(ascii: "/") {
                guard i + 1 < n, base[i + 1] == UInt8(ascii: ">") else { return false }
                i += 2
                empty = true
                break
            }
            let nameStart = i
            while i < n, case let b = base[i], b != UInt8(ascii: "="), b != UInt8(ascii: ":"), b != UInt8(ascii: ">"),
                  b != UInt8(ascii: "/"), !isSpace(b) {
                i += 1
            }
            guard i + 1 < n, base[i] == UInt8(ascii: "="), i > nameStart else { return false }
            let quote = base[i + 1]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"), let close = find(quote, from: i + 2) else { return false }
            attributes += 1
            guard attributes <= 16 else { return false }
            if i - nameStart == 1 {
                // The first of a repeated name counts, as in `XMLScanner.attributeIndex`.
                switch base[nameStart] {
                case UInt8(ascii: "r"): if r == nil { r = (i + 2)..<close }
                case UInt8(ascii: "s"): if s == nil { s = (i + 2)..<close }
                case UInt8(ascii: "t"): if t == nil { t = (i + 2)..<close }
                default: break
                }
            }
            i = close + 1
        }
        var text: Range<Int>?
        var isInlineText = false
        var preserve = false
        if !empty {
            if matches("</c>", at: i) {
                i += 4
            } else if matches("<v>", at: i) {
                guard let lt = find(UInt8(ascii: "<"), from: i + 3), matches("</v></c>", at: lt) else { return false }
                text = (i + 3)..<lt
                i = lt + 8
            } else if matches("<is><t", at: i) {
                var start = i + 6
                if matches(">", at: start) {
                    start += 1
                } else if matches(SheetParser.preserveTail, at: start) {
                    start += SheetParser.preserveTail.utf8CodeUnitCount
                    preserve = true
                } else {
                    return false
                }
                guard let lt = find(UInt8(ascii: "<"), from: start), matches("</t></is></c>", at: lt) else { return false }
                text = start..<lt
                isInlineText = true
                i = lt + 13
            } else {
                return false
            }
            if let text, !text.isEmpty, memchr(base + text.lowerBound, Int32(UInt8(ascii: "&")), text.count) != nil {
                return false
            }
        }
        // Recognised: from here on this is the token path's work, in its order.
        scanner.skip(i)
        func slice(_ range: Range<Int>?) -> UnsafeBufferPointer<UInt8>? {
            range.map { UnsafeBufferPointer(start: base + $0.lowerBound, count: $0.count) }
        }
        try beginCell(r: slice(r), s: slice(s), t: slice(t))
        if let text {
            if isInlineText {
                if type == .inline {
                    hasValue = true
                    textStart = value.count
                    preserveSpace = preserve
                    value.append(contentsOf: slice(text)!)
                    endText()
                }
            } else if type != .inline {
                hasValue = true
                value.append(contentsOf: slice(text)!)
            }
        }
        try endCell()
        return true
    }

    /// Reads the rest of the part for its merged ranges alone, without making cells.
    mutating func skipToMergedRanges() throws -> [CellRange] {
        while !finished {
            switch try scanner.next() {
            case .startTag where scanner.nameIs("mergeCell"):
                if let ref = try scanner.attribute("ref"), let range = CellRange(ref) { merged.append(range) }
            case .endOfDocument:
                finished = true
            default:
                continue
            }
        }
        return merged
    }

    /// Rows whose cells `run` keeps after handing them on.
    static let keptRows = 8_192

    /// Calls `body` with each row; returns the merged ranges.
    ///
    /// A consumer may pass rows to another thread (convert writes on one). Were the last
    /// reference to a row's cells dropped there, malloc's arena lock would be fought over by
    /// both threads for every row (tens of thousands of futex waits in a million-row sheet);
    /// so the cells of the last `keptRows` rows stay referenced here a while longer and are
    /// freed by this thread once the consumer is done with them.
    mutating func run(_ body: (Row) throws -> Void) throws -> [CellRange] {
        var kept: [[Cell]] = []
        var slot = 0
        while let row = try nextRow() {
            if kept.count < SheetParser.keptRows {
                kept.append(row.cells)
            } else {
                kept[slot] = row.cells
                slot = slot + 1 == SheetParser.keptRows ? 0 : slot + 1
            }
            try body(row)
        }
        return merged
    }

    private mutating func beginText() {
        textStart = value.count
        preserveSpace = scanner.keepsSpace
    }

    /// Without `xml:space="preserve"`, Excel drops the white space around a `<t>`'s text.
    private mutating func endText() {
        guard !preserveSpace else { return }
        XLSXPackage.trimXMLSpace(&value, from: textStart)
    }

    private mutating func beginRow() throws {
        if let index = scanner.attributeIndex("r") {
            guard let r = SheetParser.parseInt(scanner.rawValue(index)), r >= 1 else {
                throw locationError("行号无效")
            }
            rowIndex = r - 1
        } else {
            rowIndex += 1
        }
        guard rowIndex < SheetLimits.maxRows else {
            throw SheetError(.limitExceeded, file: scanner.file, row: rowIndex,
                             message: "行号超过 Excel 上限 \(SheetLimits.maxRows) 行，文件异常",
                             advice: "请用 Excel 或 WPS 打开检查后另存为 .xlsx")
        }
        nextColumn = 0
        cellsSorted = true
    }

    private mutating func beginCell() throws {
        func raw(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? { scanner.attributeIndex(name).map { scanner.rawValue($0) } }
        try beginCell(r: raw("r"), s: raw("s"), t: raw("t"))
    }

    /// Starts a cell from the raw values of its `r`, `s` and `t` attributes.
    private mutating func beginCell(r: UnsafeBufferPointer<UInt8>?, s: UnsafeBufferPointer<UInt8>?,
                                    t: UnsafeBufferPointer<UInt8>?) throws {
        if let r {
            column = try SheetParser.column(of: r) ?? {
                throw locationError("单元格引用“\(String(decoding: r, as: UTF8.self))”无效或超出 Excel 的 \(SheetLimits.maxColumns) 列上限")
            }()
        } else {
            column = nextColumn
        }
        guard column < SheetLimits.maxColumns else {
            throw SheetError(.limitExceeded, file: scanner.file, row: rowIndex,
                             message: "列数超过 Excel 上限 \(SheetLimits.maxColumns) 列，文件异常",
                             advice: "请用 Excel 或 WPS 打开检查后另存为 .xlsx")
        }
        // Index access reads the column alone; `cells.last` would copy (retain) the whole cell.
        if !cells.isEmpty && cells[cells.count - 1].column >= column { cellsSorted = false }
        nextColumn = column + 1
        format = .general
        if let s, let s = SheetParser.parseInt(s), s < formats.count {
            format = formats[s]
        }
        type = .number
        if let t {
            switch t.count {
            case 1:
                switch t[0] {
                case UInt8(ascii: "s"): type = .shared
                case UInt8(ascii: "b"): type = .bool
                case UInt8(ascii: "e"): type = .error
                case UInt8(ascii: "d"): type = .isoDate
                default: type = .number
                }
            case 3: type = t[0] == UInt8(ascii: "s") ? .formulaString : .number
            case 9: type = .inline
            default: type = .number
            }
        }
        value.removeAll(keepingCapacity: true)
        hasValue = false
        capture = .none
        phoneticDepth = 0
    }

    private mutating func endCell() throws {
        guard hasValue, !value.isEmpty else { return }
        let cellValue: CellValue
        var exact: String?
        switch type {
        case .shared:
            guard let index = value.withUnsafeBufferPointer({ SheetParser.parseInt($0) }), index < strings.count else {
                throw SheetError(.corrupt, file: scanner.file, row: rowIndex, cell: reference,
                                 message: "单元格引用的共享字符串编号 \(String(decoding: value, as: UTF8.self)) 不存在（文件共有 \(strings.count) 个），文件已损坏",
                                 advice: "请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入")
            }
            let text = strings[index]
            if text.isEmpty { return }
            cellValue = .text(text)
        case .inline, .formulaString:
            cellValue = .text(try XLSXPackage.cellString(value, scanner: scanner, where: "单元格 \(reference) "))
        case .bool:
            cellValue = .bool(value == [UInt8(ascii: "1")] || value == Array("true".utf8))
        case .error:
            cellValue = .error(try scanner.string(from: value))
        case .isoDate:
            let text = try scanner.string(from: value)
            cellValue = SheetParser.isoDate(text).map { .date($0) } ?? .text(text)
        case .number:
            guard let number = SheetParser.parseDouble(&value) else {
                // Not a number after all: keep the text rather than lose it.
                cellValue = .text(try scanner.string(from: value))
                break
            }
            if format.isDateTime, let date = LocalDateTime(excelSerial: number, uses1904: uses1904) {
                cellValue = .date(date)
            } else {
                cellValue = .number(number)
                exact = SheetParser.longInteger(value)
            }
        }
        cells.append(Cell(column: column, value: cellValue, format: format, exactInteger: exact))
    }

    private var reference: String { CellReference(row: max(rowIndex, 0), column: column).description }

    private func locationError(_ message: String) -> SheetError {
        SheetError(.corrupt, file: scanner.file, row: max(rowIndex, 0), message: message + "，文件已损坏",
                   advice: "请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入")
    }

    /// Producers must write cells in column order, but a repeated or reversed cell must not
    /// confuse readers that expect it: sort, and let the later of two equal columns win.
    private mutating func sortCells() {
        var seen: [Int: Cell] = [:]
        for cell in cells { seen[cell.column] = cell }
        cells = seen.values.sorted { $0.column < $1.column }
    }

    // MARK: Byte parsing

    @inline(__always)
    static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var n = 0
        for b in bytes {
            let d = b &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            n = n &* 10 &+ Int(d)
        }
        return n
    }

    /// Zero-based column of an A1 reference's letters; nil when malformed or past XFD.
    @inline(__always)
    static func column(of ref: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 0
        var letters = 0
        for b in ref {
            let upper = b & 0xDF
            if upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") {
                letters += 1
                guard letters <= 3 else { return nil }
                column = column * 26 + Int(upper - UInt8(ascii: "A")) + 1
            } else if b == UInt8(ascii: "$") {
                continue
            } else {
                break
            }
        }
        guard letters > 0, column <= SheetLimits.maxColumns else { return nil }
        return column - 1
    }

    /// Parses the number text of a `<v>`; plain integers without `strtod`.
    static func parseDouble(_ bytes: inout [UInt8]) -> Double? {
        let count = bytes.count
        if count <= 15 {
            var n = 0
            var negative = false
            var ok = true
            for (i, b) in bytes.enumerated() {
                if i == 0 && b == UInt8(ascii: "-") && count > 1 { negative = true; continue }
                let d = b &- UInt8(ascii: "0")
                if d >= 10 { ok = false; break }
                n = n * 10 + Int(d)
            }
            if ok { return Double(negative ? -n : n) }
        }
        bytes.append(0)
        defer { bytes.removeLast() }
        return bytes.withUnsafeBufferPointer { buffer -> Double? in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let d = strtod(start, &end)
            guard let end, UnsafePointer(end) == start + count, d.isFinite else { return nil }
            // strtod accepts "inf", "nan" and hex floats; a sheet's number never looks like them.
            for i in 0..<count where !"0123456789+-.eE".utf8.contains(buffer[i]) { return nil }
            return d
        }
    }

    /// The literal of an integer with more digits than a Double holds exactly.
    static func longInteger(_ bytes: [UInt8]) -> String? {
        guard bytes.count > 15 else { return nil }
        var digits = bytes[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard digits.count > 15, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2020-07-15`, `2020-07-15T08:30:00[.fff][Z]` or `T08:30:00` (t="d" cells).
    static func isoDate(_ text: String) -> LocalDateTime? {
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        var result = LocalDateTime(year: 1899, month: 12, day: 30, hasDate: false)
        if let datePart = parts.first, !datePart.isEmpty {
            let ymd = datePart.split(separator: "-").compactMap { Int($0) }
            guard ymd.count == 3 else { return nil }
            result = LocalDateTime(year: ymd[0], month: ymd[1], day: ymd[2])
        }
        if parts.count == 2 {
            var time = parts[1]
            if let cut = time.firstIndex(where: { $0 == "Z" || $0 == "+" }) { time = time[..<cut] }
            let hms = time.split(separator: ":")
            guard hms.count >= 2, let h = Int(hms[0]), let m = Int(hms[1]) else { return nil }
            result.hour = h
            result.minute = m
            if hms.count > 2, let s = Double(hms[2]) { result.second = Int(s.rounded(.down)) }
        }
        return result.isValidCalendarDate || !result.hasDate ? result : nil
    }
}
