import SheetIO

/// Reads the dates people type into sheets: real date cells, Excel serials, and text such as
/// `2020.7.15`, `2020年7月15日`, `2020/07/15`, `2020-7-15` or `20200715`.
public enum DateText {
    /// The calendar date in a cell, or nil when it holds none.
    public static func date(in cell: Cell, uses1904: Bool = false) -> LocalDateTime? {
        switch cell.value {
        case .date(let d):
            return d.hasDate ? LocalDateTime(year: d.year, month: d.month, day: d.day) : nil
        case .number(let serial):
            // A plain number is a date only when it is a plausible serial (1990–2100).
            guard serial >= 32_874, serial < 73_051, let d = LocalDateTime(excelSerial: serial, uses1904: uses1904) else {
                return nil
            }
            return LocalDateTime(year: d.year, month: d.month, day: d.day)
        case .text(let text):
            return parse(text)
        default:
            return nil
        }
    }

    /// Finds the first date written in a text, e.g. in "培训时间：2020年7月15日上午".
    public static func parse(_ text: String) -> LocalDateTime? {
        let scalars = Array(text.precomposedNFKC.unicodeScalars)
        var i = 0
        while i < scalars.count {
            // Eight digits standing alone: 20200715.
            if let (all, _) = number(scalars, i, digits: 8...8) {
                let candidate = LocalDateTime(year: all / 10_000, month: all / 100 % 100, day: all % 100)
                if (1900...2100).contains(candidate.year) && candidate.isValidCalendarDate { return candidate }
            }
            guard let (year, afterYear) = number(scalars, i, digits: 4...4), (1900...2100).contains(year) else {
                i += 1
                continue
            }
            if afterYear < scalars.count, isSeparator(scalars[afterYear]),
               let (month, afterMonth) = number(scalars, afterYear + 1, digits: 1...2),
               afterMonth < scalars.count, isSeparator(scalars[afterMonth]),
               let (day, _) = number(scalars, afterMonth + 1, digits: 1...2) {
                let candidate = LocalDateTime(year: year, month: month, day: day)
                if candidate.isValidCalendarDate { return candidate }
            }
            i += 1
        }
        return nil
    }

    private static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        ".-/年月".unicodeScalars.contains(s)
    }

    private static func number(_ s: [Unicode.Scalar], _ start: Int, digits: ClosedRange<Int>) -> (Int, Int)? {
        guard start < s.count, start == 0 || s[start - 1].asciiDigit == nil else { return nil }
        var value = 0
        var end = start
        while end < s.count, end - start < digits.upperBound, let d = s[end].asciiDigit {
            value = value * 10 + d
            end += 1
        }
        guard digits.contains(end - start) else { return nil }
        // A longer run of digits (a phone number) is not a date part; a year may run on into 8 digits.
        if end < s.count, s[end].asciiDigit != nil, digits.upperBound != 4 { return nil }
        return (value, end)
    }
}

private extension Unicode.Scalar {
    var asciiDigit: Int? { (0x30...0x39).contains(value) ? Int(value - 0x30) : nil }
}
