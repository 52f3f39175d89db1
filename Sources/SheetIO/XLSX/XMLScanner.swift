#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull tokenizer for the XML inside OOXML packages, working on bytes fed in chunks.
///
/// It reads XML as XML: entity and character references, either quote style, CDATA,
/// comments, processing instructions and namespace prefixes (names compare by local name,
/// so `<x:row>` is `row`). A DTD is refused outright: OOXML never has one, and refusing it
/// is what makes entity-expansion bombs harmless. Self-closing tags come out as a start tag
/// followed by an end tag. Token data points into the buffer and is valid until `next()`.
///
/// A noncopyable struct rather than a class: its state is touched for every byte of a
/// million-row sheet, and class properties would pay for dynamic exclusivity checks.
struct XMLScanner: ~Copyable {
    enum Token { case startTag, endTag, text, endOfDocument }

    struct Attribute {
        var nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int
    }

    let file: String
    let part: String
    private let source: any ByteSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var position = 0
    private var filled = 0
    private var discarded = 0  // bytes dropped from the front, for error offsets
    private var sourceEnded = false
    private var pendingEnd = false
    private(set) var depth = 0
    /// Whether a root element has begun: a part without one is an empty or broken part.
    private var sawElement = false

    private(set) var nameStart = 0
    private(set) var nameEnd = 0
    /// Attributes of the current start tag: fixed storage, reused for every tag.
    private let attributeStorage: UnsafeMutablePointer<Attribute>
    private(set) var attributeCount = 0
    private(set) var textStart = 0
    private(set) var textEnd = 0
    private(set) var textIsCDATA = false

    /// A token (tag or text run) may not exceed this: the largest legitimate one is a cell
    /// of 32 767 characters, and a hostile file must not make us allocate without end.
    static let maxTokenBytes = 16 << 20
    static let maxAttributes = 256

    init(source: any ByteSource, file: String, part: String, chunkSize: Int = 256 << 10) {
        self.source = source
        self.file = file
        self.part = part
        self.capacity = chunkSize
        self.buffer = .allocate(capacity: chunkSize)
        self.attributeStorage = .allocate(capacity: XMLScanner.maxAttributes)
    }

    deinit {
        buffer.deallocate()
        attributeStorage.deallocate()
    }

    // MARK: Tokens

    mutating func next() throws -> Token {
        if pendingEnd {
            pendingEnd = false
            depth -= 1
            return .endTag
        }
        while true {
            if position >= filled {
                if sourceEnded {
                    if depth > 0 { throw failure("XML 在结束前中断（文件不完整）") }
                    if !sawElement { throw failure("是空的，没有任何 XML 内容（文件不完整）") }
                    return .endOfDocument
                }
                try refill()
                continue
            }
            if let token = try scanToken() { return token }
        }
    }

    /// Scans one token at `position`; nil when it was skipped (comment, PI) or more bytes
    /// were needed and have been read.
    private mutating func scanToken() throws -> Token? {
        let p = position
        if buffer[p] != UInt8(ascii: "<") {
            guard let lt = find(UInt8(ascii: "<"), from: p) else {
                if sourceEnded {
                    textStart = p; textEnd = filled; textIsCDATA = false
                    position = filled
                    return try trailingText()
                }
                try refill()
                return nil
            }
            textStart = p; textEnd = lt; textIsCDATA = false
            position = lt
            return .text
        }
        guard p + 1 < filled else { try needMore(); return nil }
        switch buffer[p + 1] {
        case UInt8(ascii: "/"):
            guard let gt = find(UInt8(ascii: ">"), from: p + 2) else { try needMore(); return nil }
            var end = gt
            while end > p + 2 && isSpace(buffer[end - 1]) { end -= 1 }
            setName(from: p + 2, to: end)
            position = gt + 1
            depth -= 1
            if depth < 0 { throw failure("XML 结束标签多于开始标签") }
            return .endTag
        case UInt8(ascii: "?"):
            guard let end = find(terminator: "?>", from: p + 2) else { try needMore(); return nil }
            position = end
            return nil
        case UInt8(ascii: "!"):
            return try scanBang(at: p)
        default:
            return try scanStartTag(at: p)
        }
    }

    private mutating func scanBang(at p: Int) throws -> Token? {
        guard p + 9 <= filled else {
            if sourceEnded { throw failure("XML 在结束前中断（文件不完整）") }
            try refill()
            return nil
        }
        if matches("<!--", at: p) {
            guard let end = find(terminator: "-->", from: p + 4) else { try needMore(); return nil }
            position = end
            return nil
        }
        if matches("<![CDATA[", at: p) {
            guard let end = find(terminator: "]]>", from: p + 9) else { try needMore(); return nil }
            textStart = p + 9; textEnd = end - 3; textIsCDATA = true
            position = end
            return .text
        }
        if matches("<!DOCTYPE", at: p) {
            throw failure("XML 含有 DOCTYPE 声明（正规的 Excel 文件不会有），可能是恶意构造的文件，已拒绝读取")
        }
        throw failure("XML 中有无法识别的标记")
    }

    private mutating func scanStartTag(at p: Int) throws -> Token? {
        var i = p + 1
        while i < filled && !isSpace(buffer[i]) && buffer[i] != UInt8(ascii: ">") && buffer[i] != UInt8(ascii: "/") {
            i += 1
        }
        guard i < filled else { try needMore(); return nil }
        guard i > p + 1 else { throw failure("XML 标签缺少名称") }
        let tagNameEnd = i
        attributeCount = 0
        while true {
            while i < filled && isSpace(buffer[i]) { i += 1 }
            guard i < filled else { try needMore(); return nil }
            let byte = buffer[i]
            if byte == UInt8(ascii: ">") {
                setName(from: p + 1, to: tagNameEnd)
                position = i + 1
                depth += 1
                sawElement = true
                return .startTag
            }
            if byte == UInt8(ascii: "/") {
                guard i + 1 < filled else { try needMore(); return nil }
                guard buffer[i + 1] == UInt8(ascii: ">") else { throw failure("XML 标签格式错误") }
                setName(from: p + 1, to: tagNameEnd)
                position = i + 2
                depth += 1
                sawElement = true
                pendingEnd = true
                return .startTag
            }
            let attrNameStart = i
            while i < filled && buffer[i] != UInt8(ascii: "=") && !isSpace(buffer[i]) && buffer[i] != UInt8(ascii: ">") {
                i += 1
            }
            let attrNameEnd = i
            while i < filled && isSpace(buffer[i]) { i += 1 }
            guard i < filled else { try needMore(); return nil }
            guard buffer[i] == UInt8(ascii: "="), attrNameEnd > attrNameStart else {
                throw failure("XML 属性格式错误（缺少“=”）")
            }
            i += 1
            while i < filled && isSpace(buffer[i]) { i += 1 }
            guard i < filled else { try needMore(); return nil }
            let quote = buffer[i]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw failure("XML 属性值缺少引号")
            }
            guard let close = find(quote, from: i + 1) else { try needMore(); return nil }
            if attributeCount < XMLScanner.maxAttributes {
                attributeStorage[attributeCount] = Attribute(nameStart: localStart(attrNameStart, attrNameEnd),
                                                             nameEnd: attrNameEnd, valueStart: i + 1, valueEnd: close)
                attributeCount += 1
            }
            i = close + 1
        }
    }

    /// Text after the root element may only be white space.
    private func trailingText() throws -> Token {
        if depth == 0 {
            for i in textStart..<textEnd where !isSpace(buffer[i]) {
                throw failure("XML 根元素之后还有多余内容")
            }
        }
        return .text
    }

    // MARK: Reading the current token

    /// Whether the current tag's local name is `name`.
    @inline(__always)
    func nameIs(_ name: StaticString) -> Bool {
        bytesEqual(nameStart, nameEnd, name)
    }

    /// Index (for `rawValue`) of the attribute with this local name.
    @inline(__always)
    func attributeIndex(_ name: StaticString) -> Int? {
        for i in 0..<attributeCount where bytesEqual(attributeStorage[i].nameStart, attributeStorage[i].nameEnd, name) {
            return i
        }
        return nil
    }

    /// The raw (undecoded) bytes of an attribute value; valid until `next()`.
    @inline(__always)
    func rawValue(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let a = attributeStorage[index]
        return UnsafeBufferPointer(start: buffer + a.valueStart, count: a.valueEnd - a.valueStart)
    }

    /// An attribute value with references decoded, or nil when absent.
    func attribute(_ name: StaticString) throws -> String? {
        guard let index = attributeIndex(name) else { return nil }
        var bytes: [UInt8] = []
        try appendDecoded(rawValue(index), to: &bytes)
        return try string(from: bytes)
    }

    /// Whether the current start tag says `xml:space="preserve"`.
    var keepsSpace: Bool {
        guard let index = attributeIndex("space") else { return false }
        let raw = rawValue(index)
        return raw.count == 8 && memcmp(raw.baseAddress!, "preserve", 8) == 0
    }

    /// The bytes read from the source and not yet scanned (none while a self-closing tag's end
    /// is pending); valid until the scanner moves on.
    var unread: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer + position, count: pendingEnd ? 0 : filled - position)
    }

    /// Moves past `count` bytes of `unread` that a caller has read itself. They must hold whole
    /// elements, start and end tags alike, so the depth stays as it is.
    mutating func skip(_ count: Int) {
        precondition(!pendingEnd && count <= filled - position)
        position += count
    }

    /// The raw bytes of the current text token; valid until `next()`.
    @inline(__always)
    var rawText: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer + textStart, count: textEnd - textStart)
    }

    /// Appends the current text token, references decoded, to `bytes`.
    @inline(__always)
    func appendText(to bytes: inout [UInt8]) throws {
        if textIsCDATA {
            bytes.append(contentsOf: rawText)
        } else {
            try appendDecoded(rawText, to: &bytes)
        }
    }

    /// Skips everything up to and including the end tag of the element just started.
    mutating func skipElement() throws {
        let target = depth - 1
        while depth > target {
            if try next() == .endOfDocument { throw failure("XML 在结束前中断（文件不完整）") }
        }
    }

    /// Validates UTF-8 and makes a String.
    func string(from bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBufferPointer { try string(from: $0) }
    }

    /// Validates UTF-8 and makes a String. (`String(validating:as:)` is generic and looks up
    /// type metadata at run time on every call: a measurable share of a million-row sheet.)
    func string(from bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        guard XMLScanner.isValidUTF8(bytes) else { throw failure("文本不是有效的 UTF-8 编码") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the bytes are well-formed UTF-8, as strictly as the Unicode standard (table
    /// 3-7) and `String(validating:)` have it: no overlong forms, surrogates or code points
    /// above U+10FFFF.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            // Plain ASCII eight bytes at a time.
            while i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { return true }
            let b = base[i]
            if b < 0x80 {
                i += 1
                continue
            }
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            let count: Int
            switch b {
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: count = 2
            case 0xED: count = 2; high = 0x9F
            case 0xF0: count = 3; low = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4: count = 3; high = 0x8F
            default: return false
            }
            guard i + count < n else { return false }
            let second = base[i + 1]
            guard second >= low && second <= high else { return false }
            for k in 2...max(2, count) where k <= count {
                guard base[i + k] & 0xC0 == 0x80 else { return false }
            }
            i += count + 1
        }
        return true
    }

    // MARK: References

    /// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#N;`/`&#xH;`; anything else is
    /// an error, since without a DTD no other entity can exist.
    func appendDecoded(_ raw: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) throws {
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        var i = 0
        let n = raw.count
        while i < n {
            guard let amp = memchr(base + i, Int32(UInt8(ascii: "&")), n - i) else {
                bytes.append(contentsOf: UnsafeBufferPointer(start: base + i, count: n - i))
                return
            }
            let a = UnsafePointer<UInt8>(amp.assumingMemoryBound(to: UInt8.self)) - base
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + i, count: a - i))
            var semi = a + 1
            while semi < n && semi - a <= 12 && base[semi] != UInt8(ascii: ";") { semi += 1 }
            guard semi < n, base[semi] == UInt8(ascii: ";") else { throw failure("XML 中有不完整的实体引用（&…;）") }
            let entity = UnsafeBufferPointer(start: base + a + 1, count: semi - a - 1)
            try appendEntity(entity, to: &bytes)
            i = semi + 1
        }
    }

    private func appendEntity(_ entity: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) throws {
        switch String(decoding: entity, as: UTF8.self) {
        case "lt": bytes.append(UInt8(ascii: "<"))
        case "gt": bytes.append(UInt8(ascii: ">"))
        case "amp": bytes.append(UInt8(ascii: "&"))
        case "quot": bytes.append(UInt8(ascii: "\""))
        case "apos": bytes.append(UInt8(ascii: "'"))
        case let name where name.hasPrefix("#"):
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else {
                throw failure("XML 中有无效的字符引用 &\(name);")
            }
            // XML 1.0 allows only tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and above U+FFFF.
            // Excel refuses such a file, and its text would carry control characters on; the
            // proper way to store them is the _xHHHH_ escape, which is decoded.
            guard XMLScanner.isXMLCharacter(value) else {
                throw failure("XML 中有 XML 标准不允许的字符引用 &\(name);（正规的 Excel 文件会写成 _xHHHH_ 形式）")
            }
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw failure("XML 中有未定义的实体 &\(String(decoding: entity, as: UTF8.self));")
        }
    }

    /// Whether a code point may appear in an XML 1.0 document.
    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    // MARK: Buffer

    private mutating func needMore() throws {
        if sourceEnded { throw failure("XML 在结束前中断（文件不完整）") }
        try refill()
    }

    /// Moves the unread bytes to the front, grows the buffer when a token fills it, and reads.
    private mutating func refill() throws {
        if position > 0 {
            let keep = filled - position
            if keep > 0 { memmove(buffer, buffer + position, keep) }
            discarded += position
            filled = keep
            position = 0
        }
        if filled == capacity {
            guard capacity < XMLScanner.maxTokenBytes else {
                throw failure("XML 中单个元素或文本超过 \(XMLScanner.maxTokenBytes >> 20) MB，文件异常")
            }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
        if n == 0 { sourceEnded = true } else { filled += n }
    }

    // MARK: Helpers

    @inline(__always)
    private func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < filled, let hit = memchr(buffer + start, Int32(byte), filled - start) else { return nil }
        return hit.assumingMemoryBound(to: UInt8.self) - buffer
    }

    /// Position just past `terminator` (2–3 bytes ending in '>'), searching from `start`.
    private func find(terminator: StaticString, from start: Int) -> Int? {
        let count = terminator.utf8CodeUnitCount
        var from = start
        while let gt = find(UInt8(ascii: ">"), from: from) {
            if gt + 1 - count >= start && matches(terminator, at: gt + 1 - count) { return gt + 1 }
            from = gt + 1
        }
        return nil
    }

    @inline(__always)
    private func matches(_ literal: StaticString, at p: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard p + count <= filled else { return false }
        return memcmp(buffer + p, literal.utf8Start, count) == 0
    }

    @inline(__always)
    private func bytesEqual(_ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return end - start == count && memcmp(buffer + start, literal.utf8Start, count) == 0
    }

    @inline(__always)
    private func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
    }

    private mutating func setName(from start: Int, to end: Int) {
        nameStart = localStart(start, end)
        nameEnd = end
    }

    /// Start of the local part of a qualified name (after the last ':').
    @inline(__always)
    private func localStart(_ start: Int, _ end: Int) -> Int {
        var i = end
        while i > start {
            if buffer[i - 1] == UInt8(ascii: ":") { return i }
            i -= 1
        }
        return start
    }

    func failure(_ message: String) -> SheetError {
        SheetError(.corrupt, file: file, message: "文件内部结构损坏：\(part) \(message)",
                   advice: "请用 Excel 或 WPS 打开该文件，另存为新的 .xlsx 后再导入",
                   detail: "\(part) byte \(discarded + position)")
    }
}
