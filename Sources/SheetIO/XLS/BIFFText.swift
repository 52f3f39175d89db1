/// A record body and the CONTINUE records after it, read as one run of bytes.
///
/// Excel splits a record longer than 8 224 bytes into CONTINUE records. Numbers and skipped
/// data simply carry on in the next fragment, but when a string's characters cross into one,
/// that fragment starts with a fresh flags byte saying whether the rest of the characters
/// take one byte or two: one string can be half compressed, half UTF-16.
struct BIFFContinuedReader {
    let bytes: BIFFBytes
    private let fragments: [Range<Int>]
    private var index = 0
    /// Absolute offset in the stream, inside `fragments[index]` or at its end.
    private var position: Int

    /// - Parameter fragments: body ranges already checked to lie inside the stream.
    init(bytes: BIFFBytes, fragments: [Range<Int>]) {
        self.bytes = bytes
        self.fragments = fragments
        position = fragments.first?.lowerBound ?? 0
    }

    /// Bytes left in this fragment and the ones after it.
    var remaining: Int {
        guard index < fragments.count else { return 0 }
        var total = fragments[index].upperBound - position
        for fragment in fragments[(index + 1)...] { total += fragment.count }
        return total
    }

    var atEnd: Bool {
        guard index < fragments.count else { return true }
        if position < fragments[index].upperBound { return false }
        return fragments[(index + 1)...].allSatisfy(\.isEmpty)
    }

    /// Moves into the next non-empty fragment when this one is used up; false at the end.
    private mutating func nextFragmentIfNeeded() -> Bool {
        guard index < fragments.count else { return false }
        while position >= fragments[index].upperBound {
            guard index + 1 < fragments.count else { return false }
            index += 1
            position = fragments[index].lowerBound
        }
        return true
    }

    private func ended(_ what: String) -> BIFFFailure {
        .malformed("\(what)超出记录末尾（偏移 \(position)）")
    }

    mutating func u8() throws(BIFFFailure) -> UInt8 {
        guard nextFragmentIfNeeded() else { throw ended("字段") }
        let byte = bytes.u8(position)
        position += 1
        return byte
    }

    mutating func u16() throws(BIFFFailure) -> UInt16 {
        if index < fragments.count, position <= fragments[index].upperBound - 2 {
            defer { position += 2 }
            return bytes.u16(position)
        }
        return UInt16(try u8()) | UInt16(try u8()) << 8
    }

    mutating func u32() throws(BIFFFailure) -> UInt32 {
        UInt32(try u16()) | UInt32(try u16()) << 16
    }

    /// Skips data that carries no flags byte at a fragment boundary (rich-text runs, phonetics).
    mutating func skip(_ count: Int) throws(BIFFFailure) {
        var left = count
        while left > 0 {
            guard nextFragmentIfNeeded() else { throw ended("格式或注音数据") }
            let step = min(left, fragments[index].upperBound - position)
            position += step
            left -= step
        }
    }

    /// `count` characters, stored one byte each (Latin-1 with the high byte left out) when bit 0
    /// of `flags` is clear, else UTF-16LE; each fragment they continue into restates that bit.
    mutating func characters(count: Int, flags: UInt8, into text: inout BIFFTextReader) throws(BIFFFailure) -> String {
        guard count > 0 else { return "" }
        var wide = flags & 0x01 != 0
        // The whole string in this fragment: the usual case.
        if index < fragments.count, (wide ? 2 * count : count) <= fragments[index].upperBound - position {
            let start = position
            position += wide ? 2 * count : count
            return text.unicode(at: start, count: count, wide: wide)
        }
        text.units.removeAll(keepingCapacity: true)
        var left = count
        while left > 0 {
            if index >= fragments.count || position >= fragments[index].upperBound {
                guard index + 1 < fragments.count else {
                    throw .malformed("字符串应有 \(count) 个字符，记录中只有 \(count - left) 个（偏移 \(position)）")
                }
                index += 1
                position = fragments[index].lowerBound
                guard position < fragments[index].upperBound else { continue }
                wide = bytes.u8(position) & 0x01 != 0
                position += 1
                continue
            }
            let available = fragments[index].upperBound - position
            if wide {
                let step = min(left, available / 2)
                guard step > 0 else { throw .malformed("UTF-16 字符被记录边界截断（偏移 \(position)）") }
                for i in 0..<step { text.units.append(bytes.u16(position + 2 * i)) }
                position += 2 * step
                left -= step
            } else {
                let step = min(left, available)
                for i in 0..<step { text.units.append(UInt16(bytes.u8(position + i))) }
                position += step
                left -= step
            }
        }
        return String(decoding: text.units, as: UTF16.self)
    }
}

/// Turns BIFF text into Strings: BIFF8's Latin-1 or UTF-16 characters, and BIFF5's bytes in
/// the workbook's code page (CP936 for Chinese Excel 95), converted with iconv.
struct BIFFTextReader {
    let bytes: BIFFBytes
    /// The CODEPAGE record's value: a Windows code page number, or a Mac one.
    var codePage: UInt16 = 1252 {
        didSet { transcoder = nil }
    }
    /// Scratch UTF-16 units, reused from string to string.
    var units: [UInt16] = []
    private var output: [UInt8] = []
    private var transcoder: Transcoder?

    init(bytes: BIFFBytes) {
        self.bytes = bytes
    }

    /// `count` characters at `at`, which the caller has checked lie in the stream.
    mutating func unicode(at start: Int, count: Int, wide: Bool) -> String {
        if !wide {
            let slice = UnsafeRawBufferPointer(rebasing: bytes.raw[start..<(start + count)])
            if Self.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
            units.removeAll(keepingCapacity: true)
            for byte in slice { units.append(UInt16(byte)) }
            return String(decoding: units, as: UTF16.self)
        }
        units.removeAll(keepingCapacity: true)
        for i in 0..<count { units.append(bytes.u16(start + 2 * i)) }
        return String(decoding: units, as: UTF16.self)
    }

    @inline(__always)
    static func isASCII(_ slice: UnsafeRawBufferPointer) -> Bool {
        var any: UInt8 = 0
        for byte in slice { any |= byte }
        return any < 0x80
    }

    /// The iconv name of a code page; nil for one this reader does not know.
    static func iconvName(_ codePage: UInt16) -> String? {
        switch codePage {
        case 367: return "ASCII"
        case 1200: return "UTF-16LE"
        case 1361: return "JOHAB"
        case 10000, 0x8000: return "MACINTOSH"
        case 0x8001: return "CP1252"
        case 65001: return "UTF-8"
        case 437, 720, 737, 775, 850, 852, 855, 857, 858, 860...866, 869, 874, 932, 936, 949, 950, 1250...1258:
            return "CP\(codePage)"
        default: return nil
        }
    }

    /// BIFF5 text: bytes in the workbook's code page. A double-byte character cut in half
    /// by the end of the text (a 255-byte limit falling inside it) is dropped.
    ///
    /// - Throws: `.badText` for a code page iconv lacks, or bytes invalid in it.
    mutating func decode(_ range: Range<Int>) throws(BIFFFailure) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes.raw[range])
        if Self.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
        if transcoder == nil {
            guard let name = Self.iconvName(codePage), let opened = Transcoder(from: name, to: "UTF-8") else {
                throw .badText("不支持的代码页 \(codePage)")
            }
            transcoder = opened
        }
        guard let transcoder else { throw .badText("不支持的代码页 \(codePage)") }
        output.removeAll(keepingCapacity: true)
        do {
            try transcoder.convert(slice, into: &output, final: true)
        } catch Transcoder.Failure.incomplete {
            self.transcoder = nil  // it holds the cut-off bytes: start afresh next time
        } catch {
            self.transcoder = nil
            throw .badText("文字不符合代码页 \(codePage)（偏移 \(range.lowerBound)）")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
