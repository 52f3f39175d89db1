import Foundation
import SheetIO

/// A telephone number from a sign-in sheet or registry.
public struct Phone: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case mobile, landline, invalid }

    public let raw: String
    /// Digits only: 11 for a mobile (country code removed), area code + number for a landline.
    public let digits: String
    public let kind: Kind

    /// `138****5678`: for anything printed or published.
    public var masked: String {
        guard digits.count >= 7 else { return String(repeating: "*", count: digits.count) }
        return digits.prefix(3) + String(repeating: "*", count: digits.count - 7) + digits.suffix(4)
    }

    public init?(cell: Cell) {
        switch cell.value {
        case .empty: return nil
        default:
            let text = cell.text
            guard !text.isEmpty else { return nil }
            self.init(text)
        }
    }

    /// Accepts +86/0086/86 prefixes, separators, full-width digits, a spreadsheet's `.0` and
    /// stray tab characters (Tencent Survey exports).
    public init(_ text: String) {
        let utf8 = text.utf8
        if utf8.count == 11, utf8.allSatisfy({ $0 &- 48 < 10 }) {
            raw = text
            digits = text
            let second = utf8.dropFirst().first! &- 48
            kind = utf8.first == UInt8(ascii: "1") && second >= 3 ? .mobile : .invalid
            return
        }
        let folded = text.precomposedNFKC.trimmingWhitespace()
        var body = folded
        if body.hasSuffix(".0") { body.removeLast(2) }
        var digits = String(body.filter(\.isASCIIDigit))
        let plus = body.hasPrefix("+")
        if plus && digits.hasPrefix("86") || digits.hasPrefix("0086") {
            digits.removeFirst(digits.hasPrefix("0086") ? 4 : 2)
        } else if digits.count == 13 && digits.hasPrefix("86") && digits.dropFirst(2).first == "1" {
            digits.removeFirst(2)
        }
        raw = text.trimmingWhitespace()
        self.digits = digits
        let others = body.filter { !$0.isASCIIDigit && !" -+()（）\t".contains($0) }
        if !others.isEmpty {
            kind = .invalid
        } else if digits.count == 11, digits.first == "1", let second = digits.dropFirst().first, ("3"..."9").contains(second) {
            kind = .mobile
        } else if digits.first == "0", (10...12).contains(digits.count) {
            kind = .landline
        } else {
            kind = .invalid
        }
    }
}

extension String {
    var precomposedNFKC: String { precomposedStringWithCompatibilityMapping }
}
