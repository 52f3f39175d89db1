/// Checks a byte stream for well-formed UTF-8, chunk by chunk, and names the first bad byte.
///
/// Strict as the Unicode standard (table 3-7): overlong forms, surrogates and code points
/// above U+10FFFF are errors. A character may be split across chunks.
struct UTF8Validator {
    /// File offset of the next byte to check.
    private(set) var offset: Int
    /// Well-formed multi-byte characters seen so far: evidence that the text really is UTF-8.
    private(set) var multiByteCharacters = 0
    /// File offset of the first byte above 0x7F, if any: everything before it is plain ASCII.
    private(set) var firstNonASCII: Int?
    /// Continuation bytes still owed by the character in progress.
    private var owed = 0
    /// File offset of the lead byte of the character in progress.
    private var leadOffset = 0
    /// The range the next continuation byte must fall in (narrower right after some leads).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    init(startingAt offset: Int = 0) {
        self.offset = offset
    }

    /// Checks the next `count` bytes of the stream.
    ///
    /// - Returns: the file offset of the first byte of the first malformed sequence, or nil.
    mutating func check(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        var i = 0
        while i < count {
            if owed > 0 {
                let b = bytes[i]
                guard b >= low && b <= high else { return leadOffset }
                low = 0x80
                high = 0xBF
                owed -= 1
                if owed == 0 { multiByteCharacters += 1 }
                i += 1
                continue
            }
            // Most of a sign-in sheet is ASCII: skip it eight bytes at a time.
            while i + 8 <= count,
                  UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            // Chinese text: runs of three-byte characters whose lead allows any continuation
            // bytes (E1–EC, EE, EF); anything else goes the careful way below.
            while i + 3 <= count {
                let lead = bytes[i]
                guard lead >= 0xE1 && lead <= 0xEF && lead != 0xED,
                      bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80 else { break }
                if firstNonASCII == nil { firstNonASCII = offset + i }
                multiByteCharacters += 1
                i += 3
            }
            guard i < count else { break }
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            leadOffset = offset + i
            if firstNonASCII == nil { firstNonASCII = leadOffset }
            switch b {
            case 0xC2...0xDF: owed = 1
            case 0xE0: owed = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: owed = 2
            case 0xED: owed = 2; high = 0x9F
            case 0xF0: owed = 3; low = 0x90
            case 0xF1...0xF3: owed = 3
            case 0xF4: owed = 3; high = 0x8F
            default: return leadOffset
            }
            i += 1
            // The whole character is in this chunk (Chinese text: nearly always): check it here.
            if i + owed <= count {
                let first = bytes[i]
                guard first >= low && first <= high else { return leadOffset }
                var k = 1
                while k < owed {
                    guard bytes[i + k] & 0xC0 == 0x80 else { return leadOffset }
                    k += 1
                }
                i += owed
                owed = 0
                low = 0x80
                high = 0xBF
                multiByteCharacters += 1
            }
        }
        offset += count
        return nil
    }

    /// At the end of the stream: the offset of a character cut off by the end, or nil.
    func finish() -> Int? {
        owed > 0 ? leadOffset : nil
    }
}
