/// How a written cell looks: font, alignment, borders, fill and number format.
///
/// A value type, so callers describe styles freely; the writer turns each distinct style
/// into one libxlsxwriter format and reuses it.
public struct CellStyle: Hashable, Sendable {
    public enum Horizontal: Sendable { case general, left, center, right }
    public enum Vertical: Sendable { case bottom, center, top }
    public enum Border: Sendable { case none, thin, medium }

    public var fontName: String?
    public var fontSize: Double?
    public var bold = false
    public var italic = false
    /// RGB, such as 0xC00000.
    public var fontColor: UInt32?
    public var wrap = false
    public var horizontal = Horizontal.general
    public var vertical = Vertical.bottom
    public var border = Border.none
    /// Solid background, RGB.
    public var fill: UInt32?
    /// An Excel number format code such as `0.00%`, `yyyy-mm-dd` or `@`.
    public var numberFormat: String?

    public init(fontName: String? = nil, fontSize: Double? = nil, bold: Bool = false, italic: Bool = false,
                fontColor: UInt32? = nil, wrap: Bool = false, horizontal: Horizontal = .general,
                vertical: Vertical = .bottom, border: Border = .none, fill: UInt32? = nil,
                numberFormat: String? = nil) {
        self.fontName = fontName
        self.fontSize = fontSize
        self.bold = bold
        self.italic = italic
        self.fontColor = fontColor
        self.wrap = wrap
        self.horizontal = horizontal
        self.vertical = vertical
        self.border = border
        self.fill = fill
        self.numberFormat = numberFormat
    }

    /// The same style with another number format.
    public func withNumberFormat(_ code: String) -> CellStyle {
        var copy = self
        copy.numberFormat = code
        return copy
    }
}

/// Page setup for printing a sheet.
public struct PrintSetup: Sendable {
    public var landscape = true
    /// Excel paper code: 9 is A4.
    public var paper = 9
    /// Fit to this many pages wide (any number tall); nil to print at 100 %.
    public var fitToPagesWide: Int? = 1
    /// Zero-based rows printed again at the top of every page.
    public var repeatRows: ClosedRange<Int>?
    public var header: String?
    public var footer: String?

    public init(landscape: Bool = true, paper: Int = 9, fitToPagesWide: Int? = 1,
                repeatRows: ClosedRange<Int>? = nil, header: String? = nil, footer: String? = nil) {
        self.landscape = landscape
        self.paper = paper
        self.fitToPagesWide = fitToPagesWide
        self.repeatRows = repeatRows
        self.header = header
        self.footer = footer
    }
}

/// A native chart: its kind, title and series over ranges of a sheet.
public struct ChartSpec: Sendable {
    public enum Kind: Sendable { case column, bar, pie }

    public struct Series: Sendable {
        public var name: String
        public var sheet: String
        public var categories: CellRange
        public var values: CellRange

        public init(name: String, sheet: String, categories: CellRange, values: CellRange) {
            self.name = name
            self.sheet = sheet
            self.categories = categories
            self.values = values
        }
    }

    public var kind: Kind
    public var title: String
    public var series: [Series]
    public var categoryAxisTitle: String?
    public var valueAxisTitle: String?
    /// Size relative to Excel's default 480 x 288 pixels.
    public var scale: (x: Double, y: Double) = (1, 1)

    public init(kind: Kind, title: String, series: [Series], categoryAxisTitle: String? = nil,
                valueAxisTitle: String? = nil, scale: (x: Double, y: Double) = (1, 1)) {
        self.kind = kind
        self.title = title
        self.series = series
        self.categoryAxisTitle = categoryAxisTitle
        self.valueAxisTitle = valueAxisTitle
        self.scale = scale
    }

    /// `='Sheet name'!$A$2:$A$10`: quoted when the name needs it, as Excel writes.
    static func formula(sheet: String, range: CellRange) -> String {
        let plain = sheet.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
            && !(sheet.first?.isNumber ?? true)
        let quoted = plain ? sheet : "'" + sheet.replacingAll("'", with: "''") + "'"
        func absolute(_ ref: CellReference) -> String {
            "$\(CellReference.columnName(ref.column))$\(ref.row + 1)"
        }
        return "=\(quoted)!\(absolute(range.first)):\(absolute(range.last))"
    }
}

extension String {
    /// Foundation-free replacement of every occurrence.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
