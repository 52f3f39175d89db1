#if canImport(Glibc)
import Glibc
#endif

/// Unpacks an uploaded .zip of a folder with the guards SheetIO reads workbooks with: the
/// inflate-ratio bomb guard of `ZipArchive`, a limit on entries, on each file and on the whole,
/// and names checked by the caller before anything is written.
public enum ZipUnpacker {
    public struct Limits: Sendable {
        public var maxEntries: Int
        public var maxEntryBytes: Int64
        public var maxTotalBytes: Int64
        public init(maxEntries: Int = 10_000, maxEntryBytes: Int64, maxTotalBytes: Int64) {
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
            self.maxTotalBytes = maxTotalBytes
        }
    }

    /// Why an archive was refused; `message` is Chinese.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public enum Kind: Sendable { case badName, tooLarge, tooManyEntries, unreadable }
        public var kind: Kind
        public var message: String
        public var description: String { message }
    }

    /// One file written.
    public struct Entry: Sendable, Equatable {
        /// The entry's relative path as the caller accepted it.
        public var path: String
        public var bytes: Int64
    }

    /// Unpacks every file entry into `directory` (which must exist).
    /// - Parameter accept: maps an entry name (decoded from UTF-8, or GB18030 as Chinese
    ///   Windows writes them) to the relative path to write, nil to leave it out (folders,
    ///   `__MACOSX/`), or throws to refuse the whole archive (a name leaving the folder).
    /// - Returns: the files written, in archive order. On a refusal the files already written
    ///   stay in `directory`: unpack into a staging folder and remove it then.
    public static func unpack(_ path: String, into directory: String, limits: Limits,
                              accept: (String) throws -> String?) throws -> [Entry] {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(path: path)
        } catch let error as SheetError {
            throw Refusal(kind: .unreadable, message: "压缩包无法打开：\(error.message)")
        }
        let count = archive.entryCount
        guard count <= Int64(limits.maxEntries) else {
            throw Refusal(kind: .tooManyEntries, message: "压缩包中有 \(count) 个条目，超过上限 \(limits.maxEntries) 个，已拒绝")
        }
        var written: [Entry] = []
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        for index in 0..<count {
            guard let raw = archive.rawName(index) else { continue }
            let name = decodeName(raw)
            if name.hasSuffix("/") { continue }
            guard let relative = try accept(name) else { continue }
            let stream: ZipEntryStream
            do {
                stream = try archive.open(index, name: name)
            } catch let error as SheetError {
                throw Refusal(kind: error.kind == .limitExceeded ? .tooLarge : .unreadable, message: "压缩包中的「\(name)」：\(error.message)")
            }
            let target = directory + "/" + relative
            try makeParents(of: target, under: directory)
            guard let file = fopen(target, "wb") else {
                throw Refusal(kind: .unreadable, message: "无法写入「\(relative)」")
            }
            var bytes: Int64 = 0
            defer { fclose(file) }
            while true {
                let n: Int
                do {
                    n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
                } catch let error as SheetError {
                    throw Refusal(kind: error.kind == .limitExceeded ? .tooLarge : .unreadable, message: "压缩包中的「\(name)」：\(error.message)")
                }
                if n == 0 { break }
                bytes += Int64(n)
                total += Int64(n)
                if bytes > limits.maxEntryBytes {
                    throw Refusal(kind: .tooLarge, message: "压缩包中的「\(name)」解压后超过单个文件上限 \(megabytes(limits.maxEntryBytes))")
                }
                if total > limits.maxTotalBytes {
                    throw Refusal(kind: .tooLarge, message: "压缩包解压后超过上限 \(megabytes(limits.maxTotalBytes))")
                }
                guard buffer.withUnsafeBytes({ fwrite($0.baseAddress!, 1, n, file) }) == n else {
                    throw Refusal(kind: .unreadable, message: "无法写入「\(relative)」（磁盘已满？）")
                }
            }
            written.append(Entry(path: relative, bytes: bytes))
        }
        return written
    }

    /// UTF-8 when the bytes are valid UTF-8, else GB18030 (the names Chinese Windows writes).
    static func decodeName(_ raw: [UInt8]) -> String {
        if let text = String(validating: raw, as: UTF8.self) { return text }
        if let transcoder = Transcoder(from: "GB18030", to: "UTF-8") {
            var out: [UInt8] = []
            let ok = raw.withUnsafeBytes { (try? transcoder.convert($0, into: &out, final: true)) != nil }
            if ok, let text = String(validating: out, as: UTF8.self) { return text }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    private static func makeParents(of target: String, under root: String) throws {
        var parts = target.dropFirst(root.count + 1).split(separator: "/").map(String.init)
        parts.removeLast()
        var path = root
        for part in parts {
            path += "/" + part
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw Refusal(kind: .unreadable, message: "无法建立文件夹「\(part)」")
            }
        }
    }

    public static func megabytes(_ bytes: Int64) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : "\(bytes) 字节"
    }
}
