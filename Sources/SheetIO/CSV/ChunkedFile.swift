#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read front to back in large chunks; the one owner of its descriptor.
///
/// The corresponding C functions are `open(2)`, `read(2)`, `lseek(2)` and `close(2)`.
final class ChunkedFile {
    let path: String
    private let descriptor: Int32

    /// - Throws: `SheetError` in Chinese when the file is missing or unreadable.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatDetector.openError(path) }
        self.path = path
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Moves to a byte offset from the start of the file.
    func seek(to offset: Int) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw SheetError(.unreadable, file: path, message: "读取文件时出错",
                             detail: String(cString: strerror(errno)))
        }
    }

    /// Reads until `buffer` is full or the file ends, so a short count always means the end.
    ///
    /// - Returns: the number of bytes read; 0 at the end of the file.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        switch Descriptor.fill(descriptor, buffer) {
        case .success(let n): return n
        case .failure(let failure):
            throw SheetError(.unreadable, file: path, message: "读取文件时出错",
                             advice: "请确认文件没有被移动或删除，所在磁盘或网络位置可以访问", detail: failure.description)
        }
    }
}
