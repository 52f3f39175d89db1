import Roster

/// What the workbook shows of ID numbers and phones, with or without `maskPII`.
struct Privacy {
    var mask: Bool

    func id(_ id: IDNumber?) -> String {
        guard let id else { return "" }
        if mask { return id.masked }
        return id.isUsable ? id.value : id.raw
    }

    func phone(_ phone: Phone?) -> String {
        guard let phone else { return "" }
        return mask ? phone.masked : phone.digits
    }

    /// Free text (topics, places, station names, messages) with any ID- or phone-like run of
    /// digits masked when publishing: the clerk may have typed one anywhere.
    func text(_ text: String) -> String {
        guard mask, text.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return text }
        var out = ""
        var run: [Character] = []
        func flush() {
            if run.count >= 15 {
                out += String(run.prefix(6)) + String(repeating: "*", count: run.count - 10) + String(run.suffix(4))
            } else if run.count >= 11 {
                out += String(run.prefix(3)) + String(repeating: "*", count: run.count - 7) + String(run.suffix(4))
            } else {
                out += String(run)
            }
            run.removeAll()
        }
        for ch in text {
            if ch.isASCII && ch.isNumber || (ch == "X" || ch == "x") && run.count >= 14 {
                run.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }
}
