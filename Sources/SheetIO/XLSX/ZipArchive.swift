internal import CZip
#if canImport(Glibc)
import Glibc
#endif

/// A zip archive opened read-only; the one owner of its `zip_t` handle.
///
/// Read-only archives have nothing to write back, so `deinit` releases the handle with
/// `zip_discard` rather than a throwing `close()`.
final class ZipArchive {
    let path: String
    private let handle: OpaquePointer
    /// libzip's handles are not thread-safe: every call on this archive or its entries holds
    /// this lock, so an entry may be inflated on another thread (`PrefetchingSource`).
    private var mutex = pthread_mutex_t()

    /// An entry may inflate to at most this many times its compressed size (Apache POI's
    /// zip-bomb guard) once it is past `inflateGrace` bytes.
    static let maxInflateRatio: Int64 = 100
    static let inflateGrace: Int64 = 1 << 20

    /// Opens the archive. The corresponding C function is `zip_open`.
    init(path: String) throws {
        self.path = path
        var code: Int32 = 0
        guard let handle = zip_open(path, ZIP_RDONLY, &code) else {
            throw ZipArchive.openError(path: path, code: code)
        }
        self.handle = handle
        pthread_mutex_init(&mutex, nil)
        // Names as the package means them: some exporters write `xl\workbook.xml`.
        var names: [String] = []
        var exact: [String: Int64] = [:]
        var folded: [String: Int64] = [:]
        let count = zip_get_num_entries(handle, 0)
        for index in 0..<max(count, 0) {
            guard let raw = zip_get_name(handle, UInt64(index), ZIP_FL_ENC_GUESS) else { continue }
            let name = String(cString: raw).replacingBackslashes()
            // Two entries of one name (in any case) make the package ambiguous: readers that
            // take the first and readers that take the last see different workbooks.
            if folded.updateValue(index, forKey: name.lowercased()) != nil {
                zip_discard(handle)
                throw SheetError(.corrupt, file: path, message: "压缩包中有两个同名部件“\(name)”，内容有歧义，已拒绝读取",
                                 advice: "正常的 Excel 文件不会这样；请确认文件来源，用 Excel 或 WPS 打开后另存为新的 .xlsx 再导入")
            }
            exact[name] = index
            names.append(name)
        }
        entryNames = names
        exactNames = exact
        foldedNames = folded
    }

    deinit {
        zip_discard(handle)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `body` holding the archive's lock.
    fileprivate func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }

    /// Entry names with `\` read as `/`.
    let entryNames: [String]
    private let exactNames: [String: Int64]
    private let foldedNames: [String: Int64]

    /// Index of the entry with this exact name, or failing that the same name in any case;
    /// a name written with backslashes counts as the same name.
    func locate(_ name: String) -> Int64? {
        exactNames[name] ?? foldedNames[name.lowercased()]
    }

    var entryCount: Int64 { max(0, zip_get_num_entries(handle, 0)) }

    /// An entry's name as stored, undecoded (zips made on Chinese Windows store GBK names).
    func rawName(_ index: Int64) -> [UInt8]? {
        guard let name = zip_get_name(handle, UInt64(index), zip_flags_t(ZIP_FL_ENC_RAW)) else { return nil }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name)))
    }

    /// Opens an entry for streaming. The corresponding C function is `zip_fopen_index`.
    func open(_ index: Int64, name: String) throws -> ZipEntryStream {
        try locked { try openLocked(index, name: name) }
    }

    private func openLocked(_ index: Int64, name: String) throws -> ZipEntryStream {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(handle, UInt64(index), 0, &st) == 0 else {
            throw corrupt(part: name, detail: archiveErrorText())
        }
        if st.valid & UInt64(ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != UInt16(ZIP_EM_NONE) {
            throw SheetError(.encrypted, file: path, message: "文件中的部件 \(name) 被加密，无法读取",
                             advice: "请在 Excel 或 WPS 中取消密码保护后另存为 .xlsx 再导入")
        }
        let compressed = st.valid & UInt64(ZIP_STAT_COMP_SIZE) != 0 ? Int64(st.comp_size) : 0
        let declared = st.valid & UInt64(ZIP_STAT_SIZE) != 0 ? Int64(st.size) : 0
        let allowed = max(ZipArchive.inflateGrace, compressed * ZipArchive.maxInflateRatio)
        if declared > allowed { throw bombError(part: name, compressed: compressed, inflated: declared) }
        guard let file = zip_fopen_index(handle, UInt64(index), 0) else {
            let zipError = zip_get_error(handle)!
            if zip_error_code_zip(zipError) == ZIP_ER_NOPASSWD || zip_error_code_zip(zipError) == ZIP_ER_ENCRNOTSUPP {
                throw SheetError(.encrypted, file: path, message: "文件中的部件 \(name) 被加密，无法读取",
                                 advice: "请在 Excel 或 WPS 中取消密码保护后另存为 .xlsx 再导入")
            }
            throw corrupt(part: name, detail: archiveErrorText())
        }
        return ZipEntryStream(archive: self, file: file, name: name, compressedSize: compressed,
                              declaredSize: declared, inflateLimit: allowed)
    }

    /// Reads a whole (small) entry, such as workbook.xml.
    func readAll(_ index: Int64, name: String) throws -> [UInt8] {
        let stream = try open(index, name: name)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    func corrupt(part: String, detail: String) -> SheetError {
        SheetError(.corrupt, file: path, message: "文件已损坏，部件 \(part) 无法解压",
                   advice: "文件可能没有下载或拷贝完整；请用 Excel 或 WPS 打开检查，另存为新的 .xlsx 后再导入",
                   detail: detail)
    }

    func bombError(part: String, compressed: Int64, inflated: Int64) -> SheetError {
        SheetError(.limitExceeded, file: path,
                   message: "文件中的部件 \(part) 解压后异常膨胀（压缩数据 \(compressed) 字节，解压后超过 \(inflated) 字节），疑似“压缩炸弹”，已拒绝读取",
                   advice: "请确认文件来源；正常的表格请用 Excel 或 WPS 另存为 .xlsx 后再导入")
    }

    private func archiveErrorText() -> String {
        String(cString: zip_error_strerror(zip_get_error(handle)))
    }

    private static func openError(path: String, code: Int32) -> SheetError {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        let detail = String(cString: zip_error_strerror(&error))
        switch code {
        case ZIP_ER_NOENT, ZIP_ER_OPEN:
            return SheetError(.fileNotFound, file: path, message: "无法打开文件", advice: "请检查路径和文件名是否写对",
                              detail: detail)
        case ZIP_ER_NOZIP, ZIP_ER_INCONS, ZIP_ER_EOF, ZIP_ER_CRC, ZIP_ER_MULTIDISK:
            return SheetError(.corrupt, file: path, message: "文件不完整或已损坏，无法作为 .xlsx 打开",
                              advice: "文件可能没有下载或拷贝完整；请重新获取原文件，或用 Excel/WPS 打开修复后另存为 .xlsx",
                              detail: detail)
        default:
            return SheetError(.unreadable, file: path, message: "无法读取文件", detail: detail)
        }
    }
}

/// One entry of a `ZipArchive`, inflated chunk by chunk; the owner of its `zip_file_t`.
final class ZipEntryStream: ByteSource {
    private let archive: ZipArchive  // keeps the archive open while the entry is read
    private let file: OpaquePointer
    let name: String
    private let compressedSize: Int64
    /// The inflated size the archive declares (0 when it gives none); it may lie.
    let declaredSize: Int64
    private let inflateLimit: Int64
    private(set) var inflated: Int64 = 0

    fileprivate init(archive: ZipArchive, file: OpaquePointer, name: String, compressedSize: Int64,
                     declaredSize: Int64, inflateLimit: Int64) {
        self.archive = archive
        self.file = file
        self.name = name
        self.compressedSize = compressedSize
        self.declaredSize = declaredSize
        self.inflateLimit = inflateLimit
    }

    deinit { archive.locked { _ = zip_fclose(file) } }

    /// Inflates up to `buffer.count` bytes; 0 at the end. The corresponding C function is
    /// `zip_fread`. A declared size can lie, so the bomb guard also counts what comes out.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let (n, error) = archive.locked { () -> (Int64, String?) in
            let n = zip_fread(file, buffer.baseAddress!, UInt64(buffer.count))
            return (n, n < 0 ? String(cString: zip_error_strerror(zip_file_get_error(file))) : nil)
        }
        if let error { throw archive.corrupt(part: name, detail: error) }
        inflated += n
        if inflated > inflateLimit {
            throw archive.bombError(part: name, compressed: compressedSize, inflated: inflated)
        }
        return Int(n)
    }
}

extension String {
    func replacingBackslashes() -> String {
        utf8.contains(UInt8(ascii: "\\")) ? String(decoding: utf8.map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }, as: UTF8.self) : self
    }
}

/// Something bytes can be pulled from in chunks, such as an inflating zip entry.
protocol ByteSource: AnyObject {
    /// Fills the start of `buffer`; returns how many bytes, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
