import SheetIO

/// The workbook's looks: 宋体 for the official table, as the province's own forms use it.
enum Styles {
    static let font = "宋体"

    static let title = CellStyle(fontName: font, fontSize: 16, bold: true, wrap: true, horizontal: .center, vertical: .center)
    static let subtitle = CellStyle(fontName: font, fontSize: 11, horizontal: .left, vertical: .center)
    static let header = CellStyle(fontName: font, fontSize: 11, bold: true, wrap: true, horizontal: .center,
                                  vertical: .center, border: .thin, fill: 0xD9E1F2)
    static let body = CellStyle(fontName: font, fontSize: 10, wrap: true, horizontal: .left, vertical: .center, border: .thin)
    static let centered = CellStyle(fontName: font, fontSize: 10, wrap: true, horizontal: .center, vertical: .center, border: .thin)
    static let task = CellStyle(fontName: font, fontSize: 10, bold: true, wrap: true, horizontal: .center, vertical: .center, border: .thin)
    static let score = CellStyle(fontName: font, fontSize: 11, bold: true, horizontal: .center, vertical: .center, border: .thin)
    static let note = CellStyle(fontName: font, fontSize: 9, wrap: true, horizontal: .left, vertical: .center, border: .thin)
    static let paragraph = CellStyle(fontName: font, fontSize: 10, wrap: true, horizontal: .left, vertical: .top)

    /// Fills that mark what an evaluator should look at.
    static let nearFill: UInt32 = 0xFFE699     // 临界: within 0.5 percentage points of a threshold
    static let missingFill: UInt32 = 0xF4B084  // 缺: a computed item without its data
    static let manualFill: UInt32 = 0xDDEBF7   // a computed item overridden by hand

    /// Evidence sheets: plain cells (hundreds of thousands of them), a styled header.
    static let evidenceHeader = CellStyle(bold: true, wrap: true, horizontal: .center, vertical: .center,
                                          border: .thin, fill: 0xD9E1F2)
    static let caption = CellStyle(bold: true, fontColor: 0x1F4E79)
    static let idText = CellStyle.text
    static let count = CellStyle(numberFormat: "#,##0")
}

/// Estimated layout of wrapped text, since libxlsxwriter cannot autofit rows.
enum TextLayout {
    /// Width in units of the column-width measure: a CJK character counts about two.
    static func units(_ text: Substring) -> Double {
        var total = 0.0
        for scalar in text.unicodeScalars {
            total += scalar.value >= 0x2E80 ? 1.8 : (scalar.value < 0x20 ? 0 : 1.0)
        }
        return total
    }

    /// Lines the text takes in a column of the given width (each paragraph starts a line).
    static func lines(_ text: String, width: Double, fontScale: Double = 1) -> Int {
        let usable = max(width - 1, 1)
        return text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { sum, part in
            sum + max(1, Int((units(part) * fontScale / usable).rounded(.up)))
        }
    }

    /// A row height in points for the given number of lines of a 10-point font.
    static func height(lines: Int, pointSize: Double = 10) -> Double {
        min(409, Double(lines) * pointSize * 1.35 + 8)
    }
}
