/// Where a value came from: file, sheet and row, as a clerk finds it again.
public struct Provenance: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var sheet: String
    /// Zero-based row.
    public var row: Int?
    public var column: Int?

    public init(file: String, sheet: String, row: Int? = nil, column: Int? = nil) {
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
    }

    /// `签到表.xlsx「第一期」第 5 行（D 列）`
    public var description: String {
        var text = file.split(separator: "/").last.map(String.init) ?? file
        if !sheet.isEmpty { text += "「\(sheet)」" }
        if let row { text += "第 \(row + 1) 行" }
        if let column { text += "（\(CellReferenceName.column(column)) 列）" }
        return text
    }
}

/// Something a clerk should know about the data: an error, a warning or a note.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// A stable identifier, such as `id.precision_lost`.
    public var code: String
    /// What is wrong and what to do, in Chinese; never a whole ID number or phone.
    public var message: String
    public var provenance: Provenance

    public init(_ severity: Severity, _ code: String, _ message: String, at provenance: Provenance) {
        self.severity = severity
        self.code = code
        self.message = message
        self.provenance = provenance
    }

    public var description: String { "\(provenance)：\(message)" }
}

/// Column letters without importing SheetIO's reference type into every message.
enum CellReferenceName {
    static func column(_ index: Int) -> String {
        var n = index + 1
        var letters = ""
        while n > 0 {
            letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters
            n = (n - 1) / 26
        }
        return letters
    }
}
