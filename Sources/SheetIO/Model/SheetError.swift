/// An error reading or writing a spreadsheet, with where it happened and what to do.
///
/// `description` is what the command line prints: Chinese for the county clerk, naming the
/// file, sheet, row and cell, then the library's own words in parentheses for a developer.
public struct SheetError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case fileNotFound, unreadable, unsupportedFormat, encrypted, corrupt
        case limitExceeded, badEncoding, noSuchSheet, writeFailed, invalidArgument
    }

    public var kind: Kind
    public var file: String
    public var sheet: String?
    /// Zero-based row, when the problem sits on one.
    public var row: Int?
    /// A1 reference, when the problem sits in one cell.
    public var cell: String?
    /// What went wrong, in Chinese.
    public var message: String
    /// What the user can do about it, in Chinese.
    public var advice: String?
    /// The C library's message, a byte offset or an XML part: for a developer.
    public var detail: String?

    public init(_ kind: Kind, file: String, sheet: String? = nil, row: Int? = nil, cell: String? = nil,
                message: String, advice: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.file = file
        self.sheet = sheet
        self.row = row
        self.cell = cell
        self.message = message
        self.advice = advice
        self.detail = detail
    }

    public var description: String {
        var place = "文件「\(SheetError.displayName(file))」"
        if let sheet { place += "工作表「\(sheet)」" }
        if let row { place += "第 \(row + 1) 行" }
        if let cell { place += "（单元格 \(cell)）" }
        var text = "\(place)：\(message)"
        if let advice { text += "。\(advice)" }
        if let detail { text += "（\(detail)）" }
        return text
    }

    /// The last path component: messages name the file as the clerk sees it in a folder.
    static func displayName(_ path: String) -> String { DisplayPath.fileName(path) }

    /// Returns a copy that names the sheet and row where they were not known yet.
    func located(sheet: String?, row: Int? = nil) -> SheetError {
        var copy = self
        if copy.sheet == nil { copy.sheet = sheet }
        if copy.row == nil { copy.row = row }
        return copy
    }
}

/// How messages name a file.
public enum DisplayPath {
    /// The last path component, as the clerk sees the file in a folder: `a/b/签到表.xlsx` → `签到表.xlsx`.
    /// Trailing slashes are ignored; a path of slashes only is returned as it is.
    public static func fileName(_ path: String) -> String {
        // Scans back from the end rather than splitting the whole path: evidence sheets ask
        // this once per row, hundreds of thousands of times.
        let bytes = path.utf8
        guard let end = bytes.lastIndex(where: { $0 != UInt8(ascii: "/") }) else { return path }
        let start = bytes[..<end].lastIndex(of: UInt8(ascii: "/")).map(bytes.index(after:)) ?? bytes.startIndex
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
