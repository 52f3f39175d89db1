#if canImport(Glibc)
import Glibc
#endif

/// The one home of the read and write loops over a file descriptor: a signal (EINTR) retries,
/// a short count continues where it stopped. Failures come back as `errno` for the caller to
/// word, since what went wrong depends on what was being read or written.
public enum Descriptor {
    /// Reads until `buffer` is full or the file ends: a short count always means the end.
    ///
    /// The corresponding C function is `read(2)`.
    /// - Returns: the bytes read, or the `errno` of the failure.
    public static func fill(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        guard let base = buffer.baseAddress else { return .success(0) }
        var filled = 0
        while filled < buffer.count {
            let n = read(descriptor, base + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(code: errno))
            }
            if n == 0 { break }
            filled += n
        }
        return .success(filled)
    }

    /// Writes every byte.
    ///
    /// The corresponding C function is `write(2)`.
    /// - Returns: nil, or the `errno` of the failure.
    @discardableResult
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Errno? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = write(descriptor, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return Errno(code: errno)
            }
            if n == 0 { return Errno(code: EIO) }
            offset += n
        }
        return nil
    }

    /// An `errno` value with the C library's words for it.
    public struct Errno: Error, CustomStringConvertible, Sendable {
        public var code: Int32
        /// The corresponding C function is `strerror(3)`.
        public var description: String { String(cString: strerror(code)) }
    }
}
