extension CellRange {
    /// The range as a formula reference on a named sheet: `Sheet1!$A$2:$A$10`,
    /// `'Sheet 1'!$A$2:$A$10`, or `$B$3` for a single cell without a sheet.
    ///
    /// Sheet names are quoted whenever a formula parser could misread them (see
    /// `SheetReference.quotedName(_:)`), so the result can be put into any formula,
    /// chart series or list validation.
    public func absoluteReference(sheet: String? = nil) -> String {
        func absolute(_ cell: CellReference) -> String {
            "$\(CellReference.columnName(cell.column))$\(cell.row + 1)"
        }
        let cells = first == last ? absolute(first) : "\(absolute(first)):\(absolute(last))"
        guard let sheet else { return cells }
        return SheetReference.quotedName(sheet) + "!" + cells
    }
}

/// How sheet names are written inside formulas.
enum SheetReference {
    /// The sheet name as a formula writes it: bare when it is plainly a name, otherwise
    /// in single quotes with inner quotes doubled (`'It''s'`).
    ///
    /// Quoting is always valid, so anything not obviously safe is quoted: names with
    /// characters other than ASCII letters, digits, `_` and `.`; names starting with a
    /// digit or `.`; names that read as a cell (`Q1`, `AB12`) or as the start of an R1C1
    /// reference (`R2C3`, `C1`, `R`); and the logical values `TRUE` and `FALSE`.
    static func quotedName(_ name: String) -> String {
        needsQuotes(name) ? "'" + name.replacingAll("'", with: "''") + "'" : name
    }

    static func needsQuotes(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first else { return true }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        let plain = bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        if !plain || isDigit(first) || first == UInt8(ascii: ".") { return true }

        let upper = name.uppercased()
        if upper == "TRUE" || upper == "FALSE" || upper == "R" || upper == "C" || upper == "RC" { return true }
        // Letters then digits, like a cell: quote whatever the range, to stay on the safe side.
        let letters = bytes.prefix(while: isLetter)
        let rest = bytes.dropFirst(letters.count)
        if !letters.isEmpty, letters.count <= 3, !rest.isEmpty, rest.allSatisfy(isDigit) { return true }
        // R1C1 style: R or C followed by a digit, or R followed by C.
        let u = Array(upper.utf8)
        if u.count >= 2, u[0] == UInt8(ascii: "R") || u[0] == UInt8(ascii: "C") {
            if isDigit(u[1]) || (u[0] == UInt8(ascii: "R") && u[1] == UInt8(ascii: "C")) { return true }
        }
        return false
    }
}

extension String {
    /// Every occurrence of a character replaced, without Foundation.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for ch in self {
            if ch == target { out += replacement } else { out.append(ch) }
        }
        return out
    }
}
