import Foundation

/// A person's name as written on a sign-in sheet, with the keys records are matched on.
///
/// Following DOMAIN §2: NFKC folds full-width forms and Kangxi radicals; all white space
/// and zero-width characters go; the many middle dots become U+00B7; a trailing note such as
/// （代签） or a phone number is split off. Traditional characters are *not* simplified
/// (峯 and 峰 are different registered names).
public struct PersonName: Hashable, Sendable {
    public let raw: String
    /// The name with its dot, e.g. `买买提·吐尔逊`.
    public let key: String
    /// What followed the name: `代签`, `13812345678`.
    public let annotation: String?

    /// Dot variants that NFKC leaves alone.
    static let dots: Set<Character> = ["•", "・", "･", "‧", "∙", "⋅", "⸱", "．", "﹒", "‧"]

    /// Nil when the text holds no name at all.
    public init?(_ text: String) {
        // Most names are a few unified ideographs, which no folding changes.
        if !text.isEmpty, text.unicodeScalars.count <= 8,
           text.unicodeScalars.allSatisfy({ (0x4E00...0x9FFF).contains($0.value) }) {
            raw = text
            key = text
            annotation = nil
            return
        }
        let trimmed = text.trimmingWhitespace()
        let folded = trimmed.precomposedStringWithCompatibilityMapping
        var name = ""
        var note: String?
        var chars = Array(folded)
        // A trailing bracketed note: 李四（代签） / 李四(代签).
        if let close = chars.last, close == ")" || close == "）",
           let open = chars.lastIndex(where: { $0 == "(" || $0 == "（" }), open > 0 {
            note = String(chars[(open + 1)..<(chars.count - 1)]).trimmingWhitespace()
            chars = Array(chars[..<open])
        }
        // A phone or other digits run on after the name: 李四13812345678.
        if let firstDigit = chars.firstIndex(where: \.isASCIIDigit), firstDigit > 0 {
            let tail = String(chars[firstDigit...]).trimmingWhitespace()
            note = note.map { tail + "；" + $0 } ?? tail
            chars = Array(chars[..<firstDigit])
        }
        for (index, ch) in chars.enumerated() {
            if ch.isWhitespace || ch == "\u{200B}" || ch == "\u{200C}" || ch == "\u{200D}" || ch == "\u{FEFF}" || ch == "\u{2060}" {
                continue
            }
            if PersonName.dots.contains(ch) || ch == "·" {
                name.append("·")
            } else if ch == ".", index > 0, index + 1 < chars.count, chars[index - 1].isHan, chars[index + 1].isHan {
                name.append("·")
            } else {
                name.append(ch)
            }
        }
        guard !name.isEmpty, name.contains(where: { $0.isLetter }) else { return nil }
        raw = trimmed
        key = name
        annotation = note.flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension Character {
    /// CJK unified ideographs (basic block and extensions A–G).
    var isHan: Bool {
        guard let v = unicodeScalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x323AF).contains(v)
    }
}
