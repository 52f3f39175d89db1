extension Cell {
    /// The cell as plain text, by the rules `kaoping convert` promises other tools
    /// (DESIGN §5): integers without ".0", other numbers in shortest round-trip form,
    /// dates as `YYYY-MM-DD[ HH:MM:SS]` (`HH:MM:SS` without a date part), booleans as
    /// TRUE/FALSE and errors as written.
    public var text: String {
        switch value {
        case .empty: return ""
        case .text(let s): return s
        case .number(let d): return exactInteger ?? CellValue.numberText(d)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date(let dt): return dt.description
        case .error(let e): return e
        }
    }
}

extension CellValue {
    /// Shortest round-trip text of a number; integral values are written out in full
    /// without ".0" or an exponent (up to 1e21, past which the exponent form stays).
    public static func numberText(_ d: Double) -> String {
        if d == 0 { return "0" }
        let shortest = d.description
        guard d == d.rounded(), abs(d) < 1e21 else { return shortest }
        if abs(d) < 1e15 { return String(Int64(d)) }
        return expandExponent(shortest)
    }

    /// "4.40281199001011e+17" -> "440281199001011000": the shortest digits, zero-padded,
    /// rather than the binary value's spurious trailing digits.
    private static func expandExponent(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }),
              let exponent = Int(text[text.index(after: e)...]) else {
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let digits = whole + fraction
        let pointAt = whole.count + exponent
        let body = digits.count <= pointAt
            ? digits + String(repeating: "0", count: pointAt - digits.count)
            : String(digits.prefix(pointAt))
        return (negative ? "-" : "") + body
    }
}
