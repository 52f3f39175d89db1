import SheetIO

/// A resident identity number (公民身份号码, GB 11643-1999), as found in a cell.
///
/// Reading is forgiving about form (full-width digits, a lowercase or Roman-numeral Ⅹ,
/// spaces and hyphens, a leading `'` or an `="…"` wrapper) and strict about content: the
/// check character must agree, and a number that Excel has stored as a floating-point value
/// is `precisionLost` — never repaired, never linked.
public struct IDNumber: Hashable, Sendable {
    public enum Status: Hashable, Sendable {
        /// 18 characters, valid date, matching check character.
        case valid
        /// A 15-digit (1989 standard) number, upgraded to 18 characters.
        case upgraded
        /// The check character does not match; `expected` is what it should be.
        case badCheck(expected: Character)
        /// The birth date does not exist.
        case badDate
        /// A 15-digit number with sequence 996–999 (centenarians): not upgraded, since the
        /// century cannot be known.
        case centenarianSequence
        /// Excel kept only 15 significant digits (a numeric cell, `4.40308E+17`, trailing zeros):
        /// the first digits may still propose a match for review, nothing more.
        case precisionLost
        /// Not an identity number at all.
        case malformed
    }

    /// The text as found, trimmed.
    public let raw: String
    /// The normalised 18-character form (or the cleaned digits when it cannot be formed).
    public let value: String
    public let status: Status
    /// The raw text needed cleaning beyond case and width (separators, wrappers).
    public let reformatted: Bool

    /// Whether this number can identify a person (valid or upgraded).
    public var isUsable: Bool { status == .valid || status == .upgraded }

    /// The first 15 digits that survive Excel's precision loss, for review-only matching.
    public var trustedPrefix: String? {
        let head = value.utf8.prefix(15)
        guard head.count == 15, head.allSatisfy(IDNumber.isDigit) else { return nil }
        return String(decoding: head, as: UTF8.self)
    }

    /// Whether the first two digits name a province-level division (GB/T 2260). A code
    /// abolished at county level (DOMAIN case 13) still passes: that needs the full table.
    public var hasKnownProvince: Bool {
        guard let province = Int(value.prefix(2)) else { return false }
        return IDNumber.provinces.contains(province)
    }

    private static let provinces: Set<Int> = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
                                              41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]

    /// The 6-digit address code.
    public var regionCode: String? { isUsable ? String(decoding: value.utf8.prefix(6), as: UTF8.self) : nil }

    public var birthDate: LocalDateTime? {
        guard isUsable, value.utf8.count == 18 else { return nil }
        // Read in place: the audit asks this of every sign-in.
        var text = value
        return text.withUTF8 { IDNumber.birthDate($0) }
    }

    /// "男" for an odd sequence digit, "女" for an even one.
    public var sex: String? {
        guard isUsable, value.utf8.count == 18 else { return nil }
        let digit = value.utf8.dropFirst(16).first! &- 48
        return digit % 2 == 1 ? "男" : "女"
    }

    /// `440281********123X`: for anything printed or published.
    public var masked: String {
        guard value.count > 10 else { return String(repeating: "*", count: value.count) }
        return value.prefix(6) + String(repeating: "*", count: value.count - 10) + value.suffix(4)
    }

    /// Reads the identity number in a cell; nil when the cell is empty.
    public init?(cell: Cell) {
        switch cell.value {
        case .empty:
            return nil
        case .number(let d):
            // A numeric cell: an exact integer literal can still be checked; a Double cannot.
            if let exact = cell.exactInteger {
                self.init(exact)
            } else {
                let digits = CellValue.numberText(d)
                self.init(raw: digits, value: digits, status: digits.count >= 15 ? .precisionLost : .malformed,
                          reformatted: false)
            }
        default:
            let text = cell.text
            guard !text.isEmpty else { return nil }
            self.init(text)
        }
    }

    private init(raw: String, value: String, status: Status, reformatted: Bool) {
        self.raw = raw
        self.value = value
        self.status = status
        self.reformatted = reformatted
    }

    /// Reads an identity number from text.
    public init(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        let (value, status, reformatted) = IDNumber.parse(trimmed)
        self.init(raw: trimmed, value: value, status: status, reformatted: reformatted)
    }

    private static func parse(_ trimmed: String) -> (String, Status, Bool) {
        // The common case, 18 plain ASCII characters, without Character work.
        let bytes = Array(trimmed.utf8)
        if bytes.count == 18, bytes.prefix(17).allSatisfy(isDigit),
           isDigit(bytes[17]) || bytes[17] == UInt8(ascii: "X") || bytes[17] == UInt8(ascii: "x") {
            let value = bytes[17] == UInt8(ascii: "x") ? String(trimmed.dropLast()) + "X" : trimmed
            return (value, check18(value), false)
        }
        var body = trimmed
        var wrapped = false
        if body.hasPrefix("=\"") && body.hasSuffix("\"") && body.count >= 3 {
            body = String(body.dropFirst(2).dropLast())
            wrapped = true
        } else if body.hasPrefix("'") || body.hasPrefix("‘") || body.hasPrefix("’") {
            body = String(body.dropFirst())
            wrapped = true
        }
        var cleaned = ""
        var separators = false
        for scalar in body.unicodeScalars {
            if let digit = digit(scalar) {
                cleaned.append(digit)
            } else if isCheckX(scalar) {
                cleaned.append("X")
            } else if scalar == " " || scalar == "-" || scalar == "\u{3000}" || scalar == "\t" || scalar == "\u{A0}" {
                separators = true
            } else {
                cleaned.append(Character(scalar))
            }
        }
        let reformatted = separators || wrapped
        // Excel's scientific display: 4.40308E+17, 4.40281199001011E+17.
        if cleaned.contains("E+") || cleaned.contains("e+") || (cleaned.contains(".") && cleaned.count >= 10) {
            return (cleaned, .precisionLost, reformatted)
        }
        switch cleaned.count {
        case 18:
            return (cleaned, check18(cleaned), reformatted)
        case 20, 22:
            // A disability-certificate number: the identity number plus a suffix.
            let id = String(cleaned.prefix(18))
            return check18(id) == .valid ? (id, .valid, true) : (cleaned, .malformed, reformatted)
        case 15 where cleaned.allSatisfy(\.isASCIIDigit):
            if (Int(cleaned.suffix(3)) ?? 0) >= 996 { return (cleaned, .centenarianSequence, reformatted) }
            let body17 = String(cleaned.prefix(6)) + "19" + String(cleaned.dropFirst(6))
            let upgraded = body17 + String(checkCharacter(body17) ?? "?")
            return (upgraded, check18(upgraded) == .valid ? .upgraded : .badDate, reformatted)
        default:
            return (cleaned, .malformed, reformatted)
        }
    }

    /// ISO 7064 MOD 11-2 over the first 17 digits.
    public static func checkCharacter(_ body: String) -> Character? {
        let bytes = Array(body.utf8.prefix(17))
        guard bytes.count == 17, bytes.allSatisfy(isDigit) else { return nil }
        return Character(Unicode.Scalar(checkByte(bytes)))
    }

    private static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkBytes = Array("10X98765432".utf8)

    static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    /// The birth date written in an 18-byte number (not checked for existence).
    private static func birthDate<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> LocalDateTime where Bytes.Index == Int {
        func number(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 * 10 + Int($1 &- 48) } }
        return LocalDateTime(year: number(6..<10), month: number(10..<12), day: number(12..<14))
    }

    /// The check character's byte for 17 ASCII digits.
    private static func checkByte(_ digits: [UInt8]) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += Int(digits[i] &- 48) * weights[i] }
        return checkBytes[sum % 11]
    }

    private static func check18(_ value: String) -> Status {
        let bytes = Array(value.utf8)
        guard bytes.count == 18, bytes.prefix(17).allSatisfy(isDigit),
              isDigit(bytes[17]) || bytes[17] == UInt8(ascii: "X") else { return .malformed }
        let birth = birthDate(bytes)
        guard (1800...2100).contains(birth.year), birth.isValidCalendarDate else { return .badDate }
        let expected = checkByte(bytes)
        if expected == bytes[17] { return .valid }
        // Excel turns every digit past the fifteenth into 0: a failing check over "…000"
        // is that, not a typo.
        return value.hasSuffix("000") ? .precisionLost : .badCheck(expected: Character(Unicode.Scalar(expected)))
    }

    private static func digit(_ scalar: Unicode.Scalar) -> Character? {
        switch scalar.value {
        case 0x30...0x39: return Character(scalar)
        case 0xFF10...0xFF19: return Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
        default: return nil
        }
    }

    /// x, full-width Ｘ/ｘ and the Roman numeral Ⅹ (U+2169) stand for the check character 10.
    private static func isCheckX(_ scalar: Unicode.Scalar) -> Bool {
        [0x58, 0x78, 0xFF38, 0xFF58, 0x2169, 0x2179].contains(scalar.value)
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map(IDNumber.isDigit) ?? false }
}

extension String {
    /// Whether a scalar is trimmed: Unicode's White_Space set, a fixed list (the ideographic
    /// space U+3000 among it), plus the BOM and the zero-width space. Spelt out because the
    /// property lookup costs more than the rest of reading a name cell.
    static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// Trims Unicode white space, including the ideographic space and BOM.
    func trimmingWhitespace() -> String {
        // Most cells need nothing: decide on the first and last byte, then scalar, before any
        // Character work.
        let utf8 = self.utf8
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        if let first = unicodeScalars.first, let last = unicodeScalars.last,
           !Self.isTrimmed(first), !Self.isTrimmed(last) {
            return self
        }
        let isSpace: (Character) -> Bool = { $0.unicodeScalars.first.map(Self.isTrimmed) ?? false }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
