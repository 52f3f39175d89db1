/// Masks what looks like personal data before anything reaches the terminal.
///
/// The terminal and logs must never show a whole ID number or phone (DESIGN §6). Here in
/// the command line there is no knowledge of columns, so every long digit run is masked:
/// 15–18 characters keep the first 6 and last 4 (440281********123X), 11 digits keep
/// 3 and 4 (138****5678), other runs of 7 or more digits keep the first 2 and last 2.
enum Redaction {
    static func mask(_ text: String) -> String {
        var out = ""
        var run: [Character] = []
        func flush() {
            out += maskRun(run)
            run.removeAll()
        }
        for ch in text {
            if ch.isASCII && (ch.isNumber || (ch == "X" || ch == "x") && run.count >= 14) {
                run.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    private static func maskRun(_ run: [Character]) -> String {
        let n = run.count
        let keep: (Int, Int)
        switch n {
        case 15...: keep = (6, 4)
        case 11: keep = (3, 4)
        case 7...: keep = (2, 2)
        default: return String(run)
        }
        return String(run.prefix(keep.0)) + String(repeating: "*", count: n - keep.0 - keep.1) + String(run.suffix(keep.1))
    }
}
