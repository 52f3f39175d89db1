internal import CXlsxWriter

/// A native Excel chart: its kind, title and data series over ranges of sheets.
///
/// Place one with `WorksheetWriter.insertChart(_:at:xScale:yScale:)`. Series ranges name a
/// sheet of the same workbook, which must have been added before the chart is inserted.
/// Titles and names are plain text. (libxlsxwriter 1.1.4 cannot cache the values of a
/// sheet whose name holds an apostrophe; Excel and LibreOffice still draw such a chart from
/// the cells when they open it.)
public struct Chart: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Vertical bars.
        case column
        /// Horizontal bars.
        case bar
        /// Slices of one series.
        case pie
    }

    public enum LegendPosition: Hashable, Sendable { case none, right, left, top, bottom }

    /// One data series: values with their category labels, usually two columns of a table.
    public struct Series: Hashable, Sendable {
        /// Shown in the legend.
        public var name: String
        /// The sheet both ranges are on.
        public var sheet: String
        /// Category labels, such as town names.
        public var categories: CellRange
        /// The numbers, one per category.
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
    /// Column and bar charts only: the axis of the categories.
    public var categoryAxisTitle: String?
    /// Column and bar charts only: the axis of the values.
    public var valueAxisTitle: String?
    /// Where the legend goes; nil lets the chart decide: none for a column or bar chart
    /// with one series (its title says it all), right otherwise.
    public var legend: LegendPosition?

    public init(kind: Kind, title: String, series: [Series], categoryAxisTitle: String? = nil,
                valueAxisTitle: String? = nil, legend: LegendPosition? = nil) {
        self.kind = kind
        self.title = title
        self.series = series
        self.categoryAxisTitle = categoryAxisTitle
        self.valueAxisTitle = valueAxisTitle
        self.legend = legend
    }

    /// The legend position actually used.
    var effectiveLegend: LegendPosition {
        legend ?? (kind != .pie && series.count < 2 ? .none : .right)
    }

    /// Creates the chart in a workbook, which owns and frees it.
    /// The corresponding C functions are `workbook_add_chart`, `chart_title_set_name`,
    /// `chart_add_series`, `chart_series_set_name`, `chart_axis_set_name` and
    /// `chart_legend_set_position`.
    func build(in workbook: UnsafeMutablePointer<lxw_workbook>,
               failure: (String) -> SheetError) throws -> UnsafeMutablePointer<lxw_chart> {
        let type: lxw_chart_type
        switch kind {
        case .column: type = LXW_CHART_COLUMN
        case .bar: type = LXW_CHART_BAR
        case .pie: type = LXW_CHART_PIE
        }
        guard let chart = workbook_add_chart(workbook, UInt8(type.rawValue)) else { throw failure("图表对象") }
        chart_title_set_name(chart, title)
        for series in series {
            // libxlsxwriter copies both formulas and the name.
            let categories = "=" + series.categories.absoluteReference(sheet: series.sheet)
            let values = "=" + series.values.absoluteReference(sheet: series.sheet)
            guard let added = chart_add_series(chart, categories, values) else { throw failure("数据系列「\(series.name)」") }
            chart_series_set_name(added, series.name)
        }
        if kind != .pie {
            if let categoryAxisTitle { chart_axis_set_name(chart.pointee.x_axis, categoryAxisTitle) }
            if let valueAxisTitle { chart_axis_set_name(chart.pointee.y_axis, valueAxisTitle) }
        }
        let position: lxw_chart_legend_position
        switch effectiveLegend {
        case .none: position = LXW_CHART_LEGEND_NONE
        case .right: position = LXW_CHART_LEGEND_RIGHT
        case .left: position = LXW_CHART_LEGEND_LEFT
        case .top: position = LXW_CHART_LEGEND_TOP
        case .bottom: position = LXW_CHART_LEGEND_BOTTOM
        }
        chart_legend_set_position(chart, UInt8(position.rawValue))
        return chart
    }
}
