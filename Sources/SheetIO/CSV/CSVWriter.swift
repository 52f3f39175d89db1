#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes CSV text (RFC 4180) to a file that appears only when complete.
///
/// A field is quoted only when it holds the delimiter, a quote, CR or LF; records end in
/// CRLF. `close()` renames the finished file over the target.
public final class CSVWriter {
    public let path: String
    public let encoding: TextEncoding
    let delimiter: UInt8
    private let output: AtomicOutput
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let transcoder: Transcoder?
    private var encoded: [UInt8] = []

    /// - Parameters:
    ///   - encoding: `.utf8`, `.utf8BOM` (what Excel opens without garbling Chinese) or
    ///     `.gb18030` (what older Chinese Excel and WPS write).
    ///   - inputs: paths the program read; an output equal to one of them is refused.
    public init(path: String, encoding: TextEncoding = .utf8, delimiter: Character = ",",
                refusing inputs: [String] = []) throws {
        guard let ascii = delimiter.asciiValue, ascii != UInt8(ascii: "\""), ascii != 0x0A, ascii != 0x0D else {
            throw SheetError(.invalidArgument, file: path, message: "分隔符必须是单个 ASCII 字符，且不能是引号或换行")
        }
        guard [.utf8, .utf8BOM, .gb18030].contains(encoding) else {
            throw SheetError(.invalidArgument, file: path, message: "CSV 输出只支持 UTF-8、带 BOM 的 UTF-8 和 GB18030 编码")
        }
        self.path = path
        self.encoding = encoding
        self.delimiter = ascii
        output = try AtomicOutput(path: path, refusing: inputs)
        descriptor = open(output.temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SheetError(.writeFailed, file: path, message: "无法创建输出文件", advice: "请检查输出目录是否可写",
                             detail: String(cString: strerror(errno)))
        }
        transcoder = encoding == .gb18030 ? Transcoder(from: "UTF-8", to: "GB18030") : nil
        if encoding == .gb18030 && transcoder == nil {
            Glibc.close(descriptor)
            throw SheetError(.writeFailed, file: path, message: "本机不支持 GB18030 编码转换")
        }
        if encoding == .utf8BOM { buffer = [0xEF, 0xBB, 0xBF] }
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
        output.discard()
    }

    /// Appends one record; the file appears at `path` only on `close()`.
    ///
    /// - Throws: `SheetError(.writeFailed)` when the disk refuses the bytes or the writer is closed.
    public func write(_ fields: [String]) throws {
        guard descriptor >= 0 else {
            throw SheetError(.writeFailed, file: path, message: "CSV 文件已经关闭，不能再写入")
        }
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(delimiter) }
            appendField(field)
        }
        buffer.append(0x0D)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends one row as a record of `width` fields, each cell at its column by the
    /// conversion rules of `Cell.text`; `hidden` names columns to leave empty.
    public func write(_ row: Row, width: Int, hidden: ((Int) -> Bool)? = nil) throws {
        guard descriptor >= 0 else {
            throw SheetError(.writeFailed, file: path, message: "CSV 文件已经关闭，不能再写入")
        }
        var column = 0
        for cell in row.cells where cell.column < width {
            if let hidden, hidden(cell.column) { continue }
            while column < cell.column {
                buffer.append(delimiter)
                column += 1
            }
            appendCell(cell)
        }
        while column < width - 1 {
            buffer.append(delimiter)
            column += 1
        }
        buffer.append(0x0D)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends `count` records of `width` empty fields.
    public func writeEmptyRecords(_ count: Int, width: Int) throws {
        for _ in 0..<count {
            if width > 1 { buffer.append(contentsOf: repeatElement(delimiter, count: width - 1)) }
            buffer.append(0x0D)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { try flush() }
        }
    }

    /// Appends bytes already laid out as CSV records in UTF-8 (by `CSVCopy`), encoding them
    /// as the writer does; the bytes must end on a character boundary.
    func writeBytes(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else {
            throw SheetError(.writeFailed, file: path, message: "CSV 文件已经关闭，不能再写入")
        }
        try flush()
        if transcoder == nil {
            if let failure = Descriptor.writeAll(descriptor, bytes) {
                throw SheetError(.writeFailed, file: path, message: "写入输出文件失败", advice: "请检查磁盘空间", detail: failure.description)
            }
        } else {
            buffer.append(contentsOf: bytes)
            try flush()
        }
    }

    /// Drops everything written so far, to write the file again from the start.
    public func restart() throws {
        guard descriptor >= 0 else { return }
        buffer.removeAll(keepingCapacity: true)
        guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw SheetError(.writeFailed, file: path, message: "写入输出文件失败", detail: String(cString: strerror(errno)))
        }
        if encoding == .utf8BOM { buffer = [0xEF, 0xBB, 0xBF] }
    }

    /// Finishes the file and renames it over the target; a second call does nothing.
    ///
    /// A writer dropped without `close()` leaves the target as it was.
    public func close() throws {
        guard descriptor >= 0 else { return }
        try flush()
        let fd = descriptor
        descriptor = -1
        guard fsync(fd) == 0 || errno == EINVAL, Glibc.close(fd) == 0 else {
            output.discard()
            throw SheetError(.writeFailed, file: path, message: "写入输出文件失败", detail: String(cString: strerror(errno)))
        }
        try output.commit()
    }

    /// Appends a cell's text by the rules of `Cell.text`, without making a String where the
    /// bytes can be written directly (a million-row sheet has millions of numbers and dates).
    private func appendCell(_ cell: Cell) {
        switch cell.value {
        case .text(let text):
            var text = text
            text.withUTF8 { appendField($0) }
        case .number(let d) where cell.exactInteger == nil && d == d.rounded(.towardZero) && abs(d) < 1e15:
            appendInteger(Int64(d))
        case .date(let date):
            if date.hasDate {
                appendDigits(date.year, width: 4)
                buffer.append(UInt8(ascii: "-"))
                appendDigits(date.month, width: 2)
                buffer.append(UInt8(ascii: "-"))
                appendDigits(date.day, width: 2)
                guard date.hasTime else { return }
                buffer.append(UInt8(ascii: " "))
            }
            appendDigits(date.hour, width: 2)
            buffer.append(UInt8(ascii: ":"))
            appendDigits(date.minute, width: 2)
            buffer.append(UInt8(ascii: ":"))
            appendDigits(date.second, width: 2)
        default:
            appendField(cell.text)
        }
    }

    @inline(__always)
    private func appendInteger(_ value: Int64) {
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes of scratch
        withUnsafeMutableBytes(of: &digits) { scratch in
            var i = scratch.count
            while magnitude > 0 {
                i -= 1
                scratch[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            buffer.append(contentsOf: scratch[i...])
        }
    }

    /// A non-negative number zero-padded to `width` digits (more when it has more).
    @inline(__always)
    private func appendDigits(_ value: Int, width: Int) {
        guard value >= 0 else {
            buffer.append(contentsOf: String(value).utf8)
            return
        }
        var n = 1
        var limit = 10
        while value >= limit && n < 19 {
            n += 1
            limit &*= 10
        }
        for _ in n..<max(n, width) { buffer.append(UInt8(ascii: "0")) }
        appendInteger(Int64(value))
    }

    /// A field as RFC 4180 wants it: quoted only when it holds the delimiter, a quote, CR or LF.
    private func appendField<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let delimiter = self.delimiter
        let needsQuotes = bytes.contains { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private func appendField(_ field: String) { appendField(field.utf8) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if let transcoder {
            encoded.removeAll(keepingCapacity: true)
            do {
                try buffer.withUnsafeBytes { try transcoder.convert($0, into: &encoded) }
            } catch {
                // GB18030 covers all of Unicode, so this means iconv itself failed.
                throw SheetError(.writeFailed, file: path, message: "有文字无法转换为 GB18030 编码",
                                 advice: "请改用 UTF-8（--encoding utf8-bom）输出", detail: "iconv: \(error)")
            }
            try writeAll(encoded)
        } else {
            try writeAll(buffer)
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        if let failure = bytes.withUnsafeBytes({ Descriptor.writeAll(descriptor, $0) }) {
            throw SheetError(.writeFailed, file: path, message: "写入输出文件失败", advice: "请检查磁盘空间", detail: failure.description)
        }
    }
}
