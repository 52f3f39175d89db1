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
    private var pending: [UInt8] = []
    /// Bytes of input consumed so far, for the offset of a bad byte.
    private(set) var consumed = 0

    enum Failure: Error { case invalid(offset: Int), incomplete(offset: Int) }

    init?(from source: String, to target: String) {
        let h = iconv_open(target, source)
        guard let h, h != iconv_t(bitPattern: -1) else { return nil }
        handle = h
    }

    deinit { iconv_close(handle) }

    /// Converts `input`, appending to `output`. With `final`, an incomplete tail is an error.
    func convert(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool = false) throws {
        var data = pending
        data.append(contentsOf: input)
        pending.removeAll(keepingCapacity: true)
        guard !data.isEmpty else { return }
        var outChunk = [UInt8](repeating: 0, count: max(4096, data.count * 2))
        try data.withUnsafeMutableBytes { inRaw in
            var inPtr: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
            var inLeft = inRaw.count
            while inLeft > 0 {
                let result: Int = outChunk.withUnsafeMutableBytes { outRaw in
                    var outPtr: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var outLeft = outRaw.count
                    let r = iconv(handle, &inPtr, &inLeft, &outPtr, &outLeft)
                    let produced = outRaw.count - outLeft
                    output.append(contentsOf: outRaw.prefix(produced))
                    return r == -1 ? Int(errno) : 0
                }
                let done = inRaw.count - inLeft
                switch Int32(result) {
                case 0:
                    consumed += done
                    return
                case E2BIG:
                    continue
                case EINVAL:
                    // An incomplete character at the end: keep it for the next chunk.
                    pending = Array(inRaw[done...])
                    consumed += done
                    if final { throw Failure.incomplete(offset: consumed) }
                    return
                default:
                    throw Failure.invalid(offset: consumed + done)
                }
            }
            consumed += inRaw.count
        }
    }
}
