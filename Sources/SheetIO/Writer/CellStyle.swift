internal import CXlsxWriter

/// How a written cell looks: font, alignment, borders, fill and number format.
///
/// A value type, so callers describe styles freely where they write; `XLSXWriter` turns
/// each distinct style into one workbook format the first time it is used and reuses it.
public struct CellStyle: Hashable, Sendable {
    public enum Horizontal: Hashable, Sendable { case general, left, center, right }
    public enum Vertical: Hashable, Sendable { case bottom, center, top }
    /// A border drawn on all four sides of the cell.
    public enum Border: Hashable, Sendable { case none, thin, medium, thick }

    /// Font family, such as `宋体`; nil for the workbook default (Calibri).
    public var fontName: String?
    /// Font size in points; nil for the default 11.
    public var fontSize: Double?
    public var bold: Bool
    public var italic: Bool
    /// Font colour as 0xRRGGBB, such as 0xC00000.
    public var fontColor: UInt32?
    /// Wrap long text onto several lines within the cell.
    public var wrap: Bool
    public var horizontal: Horizontal
    public var vertical: Vertical
    public var border: Border
    /// Solid background colour as 0xRRGGBB.
    public var fill: UInt32?
    /// An Excel number format code such as `0.00%`, `yyyy-mm-dd` or `@` (text).
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

    /// The `@` (text) number format: what Excel shows for an ID number or phone kept as text.
    public static let text = CellStyle(numberFormat: "@")

    /// The same style with another number format.
    public func withNumberFormat(_ code: String) -> CellStyle {
        var copy = self
        copy.numberFormat = code
        return copy
    }

    /// Sets this style's properties on a fresh libxlsxwriter format.
    /// The corresponding C functions are `format_set_font_name`, `format_set_bold`,
    /// `format_set_align`, `format_set_border`, `format_set_bg_color`, `format_set_num_format` and kin.
    func apply(to format: UnsafeMutablePointer<lxw_format>) {
        if let fontName { format_set_font_name(format, fontName) }
        if let fontSize { format_set_font_size(format, fontSize) }
        if bold { format_set_bold(format) }
        if italic { format_set_italic(format) }
        if let fontColor { format_set_font_color(format, Self.color(fontColor)) }
        if wrap { format_set_text_wrap(format) }
        switch horizontal {
        case .general: break
        case .left: format_set_align(format, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(format, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        switch vertical {
        case .bottom: break
        case .center: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .top: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        }
        switch border {
        case .none: break
        case .thin: format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        case .medium: format_set_border(format, UInt8(LXW_BORDER_MEDIUM.rawValue))
        case .thick: format_set_border(format, UInt8(LXW_BORDER_THICK.rawValue))
        }
        if let fill {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, Self.color(fill))
        }
        if let numberFormat { format_set_num_format(format, numberFormat) }
    }

    /// libxlsxwriter reads 0 as "no colour", so black has its own code.
    private static func color(_ rgb: UInt32) -> lxw_color_t {
        let masked = rgb & 0xFF_FFFF
        return masked == 0 ? lxw_color_t(LXW_COLOR_BLACK.rawValue) : lxw_color_t(masked)
    }
}
