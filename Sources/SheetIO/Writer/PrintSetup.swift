/// How a sheet prints: paper, orientation, scaling, repeated rows, margins, header and footer.
///
/// The defaults suit a wide official table: A4 landscape, one page wide.
public struct PrintSetup: Hashable, Sendable {
    /// Page margins in inches.
    public struct Margins: Hashable, Sendable {
        public var left: Double
        public var right: Double
        public var top: Double
        public var bottom: Double

        public init(left: Double, right: Double, top: Double, bottom: Double) {
            self.left = left
            self.right = right
            self.top = top
            self.bottom = bottom
        }
    }

    public var landscape: Bool
    /// Excel's paper code: 9 is A4, 8 is A3, 1 is US Letter.
    public var paper: Int
    /// Shrink to this many pages wide (as many pages tall as needed); nil prints at 100 %.
    public var fitToPagesWide: Int?
    /// Zero-based rows printed again at the top of every page, such as a title and header row.
    public var repeatRows: ClosedRange<Int>?
    /// Excel's default margins when nil.
    public var margins: Margins?
    /// Header text in Excel's codes (`&C` centres, `&P` is the page number); at most 255 characters.
    public var header: String?
    /// Footer text, as `header`.
    public var footer: String?

    public init(landscape: Bool = true, paper: Int = 9, fitToPagesWide: Int? = 1,
                repeatRows: ClosedRange<Int>? = nil, margins: Margins? = nil,
                header: String? = nil, footer: String? = nil) {
        self.landscape = landscape
        self.paper = paper
        self.fitToPagesWide = fitToPagesWide
        self.repeatRows = repeatRows
        self.margins = margins
        self.header = header
        self.footer = footer
    }
}
