#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming text-encoding converter; the one owner of its `iconv_t`.
///
/// Input may end in the middle of a multi-byte character: the tail is kept for the next
/// call. The corresponding C functions are `iconv_open`, `iconv` and `iconv_close`.
final class Transcoder {
    private let handle: iconv_t
    /// The start of a character cut off by the end of the previous input.
    private var pending: [UInt8] = []
    /// Bytes of input converted so far, for the offset of a bad byte.
    private(set) var consumed = 0
    /// Where iconv writes before the bytes join the caller's output.
    private let scratch: UnsafeMutableRawBufferPointer

    enum Failure: Error {
        /// Bytes at this input offset are not valid in the source encoding.
        case invalid(offset: Int)
        /// The input ended inside a character that starts at this offset.
        case incomplete(offset: Int)
    }

    /// Opens a converter between two iconv encoding names; nil when iconv lacks one of them.
    init?(from source: String, to target: String) {
        let h = iconv_open(target, source)
        guard let h, h != iconv_t(bitPattern: -1) else { return nil }
        handle = h
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
    }

    deinit {
        iconv_close(handle)
        scratch.deallocate()
    }

    /// Converts `input`, appending to `output`; what converted before a failure stays appended.
    ///
    /// - Parameter final: the input is the last; a character cut off at its end is an error.
    /// - Throws: `Failure` with the input offset (counted over all calls) of the bad bytes.
    func convert(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool = false) throws {
        if pending.isEmpty {
            try run(input, into: &output, final: final)
        } else {
            var joined = pending
            joined.append(contentsOf: input)
            pending.removeAll()
            try joined.withUnsafeBytes { try run($0, into: &output, final: final) }
        }
    }

    private func run(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        while inLeft > 0 {
            var outPointer: UnsafeMutablePointer<CChar>? = scratch.baseAddress!.assumingMemoryBound(to: CChar.self)
            var outLeft = scratch.count
            let code: Int32 = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft) == -1 ? errno : 0
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<(scratch.count - outLeft)]))
            let done = input.count - inLeft
            switch code {
            case 0, E2BIG:
                continue
            case EINVAL:
                // A character cut off at the end: keep it for the next call.
                pending = Array(input[done...])
                consumed += done
                if final { throw Failure.incomplete(offset: consumed) }
                return
            default:
                throw Failure.invalid(offset: consumed + done)
            }
        }
        consumed += input.count
    }
}
