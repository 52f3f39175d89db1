/// Masks what looks like personal data in free text: cells shown on the terminal, topics,
/// station names and messages in a workbook for publication (DESIGN §6).
///
/// Without knowing the column, every run of `minimumDigits` or more digits is masked, and so
/// is a run of 11 or more with spaces, hyphens or brackets between them ("139 1234 5678",
/// "+86 138-0000-1111"): 15 or more digits keep the first 6 and last 4 (440281********123X),
/// 11 keep 3 and 4 (138****5678), others keep the first 2 and last 2.
public enum Redaction {
    /// - Parameter minimumDigits: the shortest unbroken run masked: 7 catches landlines on the
    ///   terminal; 11 keeps dates such as 20200731 in file names readable in a workbook.
    public static func mask(_ text: String, minimumDigits: Int = 7) -> String {
        var out = ""
        var run: [Character] = []
        var digits = 0
        var joined = false
        func flush() {
            // A joined run is masked only when it is phone- or ID-sized, so dates such as
            // 2020-07-15 stay readable.
            out += digits >= (joined ? 11 : minimumDigits) ? maskRun(run, digits: digits) : String(run)
            run.removeAll()
            digits = 0
            joined = false
        }
        for ch in text {
            let isDigit = ch.isASCII && ch.isNumber
            let isCheck = (ch == "X" || ch == "x") && digits >= 14
            let isJoiner = !run.isEmpty && (ch == " " || ch == "-" || ch == "(" || ch == ")")
            if isDigit || isCheck || isJoiner || ch == "+" && run.isEmpty {
                run.append(ch)
                if isDigit || isCheck { digits += 1 } else if isJoiner { joined = true }
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    private static func maskRun(_ run: [Character], digits: Int) -> String {
        let keep: (head: Int, tail: Int) = digits >= 15 ? (6, 4) : digits == 11 ? (3, 4) : (2, 2)
        var seen = 0
        return String(run.map { ch -> Character in
            guard ch.isNumber || ch == "X" || ch == "x" else { return ch }
            seen += 1
            return seen <= keep.head || seen > digits - keep.tail ? ch : "*"
        })
    }
}
