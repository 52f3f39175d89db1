/// A cell number format: the file's id and code, and whether it shows a date or time.
public struct NumberFormat: Hashable, Sendable {
    public var id: Int
    public var code: String
    public var isDateTime: Bool

    public init(id: Int, code: String) {
        self.id = id
        self.code = code
        self.isDateTime = NumberFormat.isDateTimeFormat(id: id, code: code)
    }

    public init(id: Int, code: String, isDateTime: Bool) {
        self.id = id
        self.code = code
        self.isDateTime = isDateTime
    }

    public static let general = NumberFormat(id: 0, code: "General", isDateTime: false)

    /// The text format `@`: what a clerk sets so Excel keeps an ID number's digits.
    public var isText: Bool { code == "@" }

    /// Built-in format ids that are dates or times, including those of CJK locales.
    static let builtInDateIDs: Set<Int> = Set(14...22).union(45...47).union(27...36).union(50...58)

    /// The built-in codes Excel omits from styles.xml (ECMA-376 Part 1, 18.8.30).
    public static func builtInCode(_ id: Int) -> String? {
        switch id {
        case 0: return "General"
        case 1: return "0"
        case 2: return "0.00"
        case 3: return "#,##0"
        case 4: return "#,##0.00"
        case 9: return "0%"
        case 10: return "0.00%"
        case 11: return "0.00E+00"
        case 12: return "# ?/?"
        case 13: return "# ??/??"
        case 14: return "yyyy-mm-dd"
        case 15: return "d-mmm-yy"
        case 16: return "d-mmm"
        case 17: return "mmm-yy"
        case 18: return "h:mm AM/PM"
        case 19: return "h:mm:ss AM/PM"
        case 20: return "h:mm"
        case 21: return "h:mm:ss"
        case 22: return "yyyy-mm-dd h:mm"
        case 27...36, 50...58: return "yyyy\"年\"m\"月\"d\"日\""
        case 37: return "#,##0 ;(#,##0)"
        case 38: return "#,##0 ;[Red](#,##0)"
        case 39: return "#,##0.00;(#,##0.00)"
        case 40: return "#,##0.00;[Red](#,##0.00)"
        case 45: return "mm:ss"
        case 46: return "[h]:mm:ss"
        case 47: return "mmss.0"
        case 48: return "##0.0E+0"
        case 49: return "@"
        default: return nil
        }
    }

    /// Whether a format shows a date or time: a built-in date id, or a code with y, m, d, h
    /// or s (or 年/月/日/时/分/秒) outside quoted text, escapes and bracketed colours/locales.
    /// `[h]`, `[m]` and `[s]` (elapsed time) do count.
    public static func isDateTimeFormat(id: Int, code: String) -> Bool {
        if builtInDateIDs.contains(id) { return true }
        var inQuote = false
        var inBracket = false
        var bracket = ""
        var escaped = false
        var skipNext = false
        for ch in code {
            if skipNext { skipNext = false; continue }
            if escaped { escaped = false; continue }
            if inQuote {
                if ch == "\"" { inQuote = false }
                continue
            }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    let lower = bracket.lowercased()
                    if !lower.isEmpty, lower.allSatisfy({ "hms".contains($0) }) { return true }
                    bracket = ""
                } else {
                    bracket.append(ch)
                }
                continue
            }
            switch ch {
            case "\"": inQuote = true
            case "\\": escaped = true
            case "_", "*": skipNext = true
            case "[": inBracket = true
            case ";": return false  // only the first (positive) section decides
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S", "年", "月", "日", "时", "時", "分", "秒":
                return true
            default: continue
            }
        }
        return false
    }
}
