/// A zero-based cell position, written in A1 style.
public struct CellReference: Hashable, Sendable, CustomStringConvertible {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Parses `B12`, `$B$12` or `xfd1048576` (case-insensitive); nil when malformed.
    public init?(_ text: String) {
        var column = 0
        var row = 0
        var letters = 0
        var digits = 0
        for byte in text.utf8 where byte != UInt8(ascii: "$") {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((byte | 0x20) - UInt8(ascii: "a")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 7 else { return nil }
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0, row > 0 else { return nil }
        self.init(row: row - 1, column: column - 1)
    }

    public var description: String { CellReference.columnName(column) + String(row + 1) }

    /// `A` for 0, `Z` for 25, `AA` for 26, `XFD` for 16 383.
    public static func columnName(_ column: Int) -> String {
        var n = column + 1
        var scalars: [Character] = []
        while n > 0 {
            let rem = (n - 1) % 26
            scalars.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(rem))))
            n = (n - 1) / 26
        }
        return String(scalars.reversed())
    }

    /// The inverse of `columnName`: `A` → 0, `AA` → 26; nil for anything else or beyond XFD.
    public static func columnIndex(_ letters: String) -> Int? {
        guard !letters.isEmpty, letters.count <= 3, letters.allSatisfy({ $0 >= "A" && $0 <= "Z" }) else { return nil }
        let n = letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 }
        return n <= SheetLimits.maxColumns ? n - 1 : nil
    }
}

/// A rectangular range of cells, inclusive at both ends.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    public var first: CellReference
    public var last: CellReference

    public init(first: CellReference, last: CellReference) {
        self.first = CellReference(row: min(first.row, last.row), column: min(first.column, last.column))
        self.last = CellReference(row: max(first.row, last.row), column: max(first.column, last.column))
    }

    /// Parses `A1:C3` or a single `B2`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let a = CellReference(String(parts[0])),
              let b = CellReference(String(parts[parts.count - 1])) else { return nil }
        self.init(first: a, last: b)
    }

    public func contains(_ ref: CellReference) -> Bool {
        (first.row...last.row).contains(ref.row) && (first.column...last.column).contains(ref.column)
    }

    public var description: String {
        first == last ? first.description : "\(first):\(last)"
    }
}

/// Excel's own sheet size limits, which readers enforce against hostile files.
public enum SheetLimits {
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384
    public static let maxCellCharacters = 32_767
}
