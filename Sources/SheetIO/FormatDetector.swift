#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides what a file really is from its first bytes, then opens it with the right reader.
///
/// Clerks rename files freely (a .xls saved as .xlsx, a web page saved as .xls), so the
/// extension only decides whether to warn.
enum FormatDetector {
    enum Content: Equatable {
        case zip, compoundFile, html, spreadsheetML2003, text, binary
        /// Empty, or only the start of an OLE signature: a copy that stopped short.
        case truncated
    }

    static let compoundFileSignature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    static func open(_ path: String) throws -> Workbook {
        let head = try readHead(path, count: 8192)
        let ext = fileExtension(path)
        var content = classify(head)
        // An empty .csv is an empty table; an empty workbook is a copy that never finished.
        if head.isEmpty && !["xlsx", "xlsm", "xls", "et"].contains(ext) { content = .text }
        switch content {
        case .truncated:
            throw SheetError(.corrupt, file: path, message: head.isEmpty ? "文件是空的（0 字节），不是完整的 Excel 文件"
                                 : "文件只有 \(head.count) 字节，是不完整的 Excel 文件",
                             advice: "文件多半没有下载或拷贝完整；请重新获取原文件后再导入")
        case .zip:
            let reader = try XLSXReader(path: path)
            return Workbook(path: path, format: .xlsx, source: reader,
                            warnings: mismatch(ext, actual: .xlsx, path: path))
        case .compoundFile:
            if try compoundFileIsEncryptedOOXML(path) {
                throw SheetError(.encrypted, file: path, message: "文件设置了打开密码（已加密），无法读取",
                                 advice: "请在 Excel 或 WPS 中打开，取消密码（文件→信息→保护工作簿）后另存为 .xlsx 再导入")
            }
            let reader = try XLSReader(path: path)
            return Workbook(path: path, format: .xls, source: reader,
                            warnings: mismatch(ext, actual: .xls, path: path))
        case .html:
            throw SheetError(.unsupportedFormat, file: path,
                             message: "文件内容是网页（HTML）表格，不是真正的 Excel 文件（常见于系统导出的“.xls”）",
                             advice: "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再导入")
        case .spreadsheetML2003:
            throw SheetError(.unsupportedFormat, file: path,
                             message: "文件是 Excel 2003 XML 表格（SpreadsheetML），暂不支持",
                             advice: "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再导入")
        case .text:
            let reader = try CSVReader(path: path)
            var warnings = mismatch(ext, actual: .csv, path: path)
            warnings.append(contentsOf: reader.warnings)
            return Workbook(path: path, format: .csv, source: reader, textEncoding: reader.encoding,
                            delimiter: reader.delimiter, warnings: warnings)
        case .binary:
            throw SheetError(.unsupportedFormat, file: path,
                             message: "无法识别的文件格式：既不是 Excel 工作簿（.xlsx/.xls），也不是文本表格（.csv）",
                             advice: "请确认选对了文件；如是其他软件的表格，请先另存为 .xlsx 或 .csv")
        }
    }

    static func classify(_ head: [UInt8]) -> Content {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .zip
        }
        if head.starts(with: compoundFileSignature) { return .compoundFile }
        // A file that opens like an OLE signature is never text, however short: the start of an
        // .xls cut short, or a damaged one that the compound-file reader will name as such.
        if head.count < compoundFileSignature.count && compoundFileSignature.starts(with: head) { return .truncated }
        if head.starts(with: compoundFileSignature.prefix(4)) { return .compoundFile }
        // UTF-16 and UTF-32 text has NUL bytes by nature: trust its byte-order mark.
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0, 0, 0xFE, 0xFF]) {
            return .text
        }
        if head.prefix(4096).contains(0) { return .binary }
        let lowered = String(decoding: head.prefix(2048), as: UTF8.self).lowercased()
        let trimmed = lowered.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        if trimmed.hasPrefix("<") {
            if lowered.contains("urn:schemas-microsoft-com:office:spreadsheet") { return .spreadsheetML2003 }
            if lowered.contains("<html") || lowered.contains("<table") || lowered.contains("<!doctype html") {
                return .html
            }
        }
        return .text
    }

    /// An encrypted .xlsx is an OLE compound file holding an `EncryptedPackage` stream;
    /// its directory names that stream in UTF-16LE.
    static func compoundFileIsEncryptedOOXML(_ path: String) throws -> Bool {
        let bytes = try readHead(path, count: 1 << 20)
        let needle = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        guard bytes.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let end = bytes.count - needle.count
        while i <= end {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    static func readHead(_ path: String, count: Int) throws -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw openError(path) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let filled: Int
        switch buffer.withUnsafeMutableBytes({ Descriptor.fill(fd, $0) }) {
        case .success(let n): filled = n
        case .failure(let failure):
            throw SheetError(.unreadable, file: path, message: "无法读取文件", detail: failure.description)
        }
        buffer.removeSubrange(filled...)
        return buffer
    }

    /// A Chinese message for a failed `open(2)`, from the current `errno`.
    static func openError(_ path: String) -> SheetError {
        let code = errno
        switch code {
        case ENOENT:
            return SheetError(.fileNotFound, file: path, message: "文件不存在",
                              advice: "请检查路径和文件名是否写对", detail: path)
        case EACCES:
            return SheetError(.unreadable, file: path, message: "没有读取该文件的权限",
                              advice: "请检查文件权限", detail: path)
        case EISDIR:
            return SheetError(.unreadable, file: path, message: "这是一个文件夹，不是文件", detail: path)
        default:
            return SheetError(.unreadable, file: path, message: "无法打开文件",
                              detail: String(cString: strerror(code)))
        }
    }

    static func fileExtension(_ path: String) -> String {
        let name = DisplayPath.fileName(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    static func mismatch(_ ext: String, actual: FileFormat, path: String) -> [SheetWarning] {
        let expected: FileFormat?
        switch ext {
        case "xlsx", "xlsm": expected = .xlsx
        case "xls", "et": expected = .xls
        case "csv", "txt", "tsv": expected = .csv
        default: expected = nil
        }
        guard let expected, expected != actual else { return [] }
        return [SheetWarning(.formatMismatch(extension: ext, actual: actual), file: path)]
    }
}
