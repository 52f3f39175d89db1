internal import CXlsxWriter
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One worksheet of an `XLSXWriter`. Rows and columns are zero-based.
///
/// Text stays text: an ID number or phone written as a `String` (or `.text`) keeps every
/// digit and its leading zeros, where a number would be rounded to 15 significant digits by
/// Excel (libxlsxwriter writes numbers with `%.16G`). Give such cells `CellStyle.text` so
/// Excel also treats edits to them as text.
///
/// A sheet may be written on a thread of its own, one thread per sheet (see `XLSXWriter`).
///
/// Every call throws `SheetError` naming the file, sheet and cell when libxlsxwriter
/// refuses it (`.writeFailed`, with its own message in `detail`), when a value is outside
/// Excel's limits (`.invalidArgument`), or once the workbook is closed.
public final class WorksheetWriter {
    public let name: String
    /// Keeps the workbook, which owns this sheet's handle, alive as long as the sheet is used.
    private let writer: XLSXWriter
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private let index: Int
    /// An in-memory sheet puts its text in the workbook's shared-string table, which all
    /// sheets share; a constant-memory sheet writes text inline and needs no lock.
    private let sharesStrings: Bool

    init(writer: XLSXWriter, handle: UnsafeMutablePointer<lxw_worksheet>, index: Int, name: String, constantMemory: Bool) {
        self.writer = writer
        self.sheet = handle
        self.index = index
        self.name = name
        self.sharesStrings = !constantMemory
    }

    /// Runs a call that may reach the shared-string table under the writer's lock when it does.
    private func sharingStrings<T>(_ body: () throws -> T) rethrows -> T {
        sharesStrings ? try writer.locked(body) : try body()
    }

    // MARK: Values

    /// Writes one value.
    ///
    /// Dates are written as Excel serial numbers with `yyyy-mm-dd` (`yyyy-mm-dd hh:mm:ss`
    /// with a time, `hh:mm:ss` for a time alone) unless the style names a number format.
    /// `.empty` writes a blank cell, which keeps its style (borders, fill). `.error` writes
    /// the formula that yields that error, with the error cached as its result.
    /// The corresponding C functions are `worksheet_write_string`, `_number`, `_boolean`,
    /// `_blank` and `_formula_str`.
    public func write(_ value: CellValue, row: Int, column: Int, style: CellStyle? = nil) throws {
        let ws = try handle()
        let (r, c) = try position(row, column)
        let cell = CellReference(row: row, column: column)
        let status: lxw_error
        switch value {
        case .empty:
            status = worksheet_write_blank(ws, r, c, try writer.format(style))
        case .text(let text):
            try checkLength(text, at: cell)
            let format = try writer.format(style)
            status = sharingStrings { worksheet_write_string(ws, r, c, text, format) }
        case .number(let number):
            guard number.isFinite else {
                throw invalid("数值无效（无穷大或不是数字）", at: cell, advice: "请检查计算过程")
            }
            status = worksheet_write_number(ws, r, c, number, try writer.format(style))
        case .bool(let flag):
            status = worksheet_write_boolean(ws, r, c, flag ? 1 : 0, try writer.format(style))
        case .date(let date):
            try checkDate(date, at: cell)
            var dated = style ?? CellStyle()
            if dated.numberFormat == nil {
                dated.numberFormat = !date.hasDate ? "hh:mm:ss" : date.hasTime ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd"
            }
            status = worksheet_write_number(ws, r, c, date.excelSerial(), try writer.format(dated))
        case .error(let code):
            let formula = code == "#N/A" ? "=NA()" : "=\(code)"
            status = worksheet_write_formula_str(ws, r, c, formula, try writer.format(style), code)
        }
        try writer.check(status, sheet: name, cell: cell)
    }

    /// Writes text, kept as text whatever it looks like (`0012`, `440281199001011234`, `=A1`).
    public func write(_ text: String, row: Int, column: Int, style: CellStyle? = nil) throws {
        try write(.text(text), row: row, column: column, style: style)
    }

    /// Writes a number.
    public func write(_ number: Double, row: Int, column: Int, style: CellStyle? = nil) throws {
        try write(.number(number), row: row, column: column, style: style)
    }

    /// Writes a date, a date and time, or a time of day (see `write(_:row:column:style:)` for its format).
    public func write(_ date: LocalDateTime, row: Int, column: Int, style: CellStyle? = nil) throws {
        try write(.date(date), row: row, column: column, style: style)
    }

    /// Writes TRUE or FALSE.
    public func write(_ flag: Bool, row: Int, column: Int, style: CellStyle? = nil) throws {
        try write(.bool(flag), row: row, column: column, style: style)
    }

    /// Writes a formula with the number it evaluates to, so viewers that do not recalculate
    /// still show the number. The corresponding C function is `worksheet_write_formula_num`.
    ///
    /// - Parameter formula: such as `=SUM(B2:B9)` (the `=` is optional). Build references
    ///   to other sheets with `CellRange.absoluteReference(sheet:)`.
    public func writeFormula(_ formula: String, cachedValue: Double, row: Int, column: Int,
                             style: CellStyle? = nil) throws {
        let ws = try handle()
        let (r, c) = try position(row, column)
        let cell = CellReference(row: row, column: column)
        try checkFormula(formula, at: cell)
        guard cachedValue.isFinite else { throw invalid("公式的缓存结果无效（无穷大或不是数字）", at: cell) }
        try writer.check(worksheet_write_formula_num(ws, r, c, formula, try writer.format(style), cachedValue),
                         sheet: name, cell: cell)
    }

    /// Writes a formula whose result is text, with that text cached.
    /// The corresponding C function is `worksheet_write_formula_str`.
    public func writeFormula(_ formula: String, cachedText: String, row: Int, column: Int,
                             style: CellStyle? = nil) throws {
        let ws = try handle()
        let (r, c) = try position(row, column)
        let cell = CellReference(row: row, column: column)
        try checkFormula(formula, at: cell)
        try checkLength(cachedText, at: cell)
        try writer.check(worksheet_write_formula_str(ws, r, c, formula, try writer.format(style), cachedText),
                         sheet: name, cell: cell)
    }

    /// Merges a range into one cell showing `value` in the given style.
    ///
    /// A single-cell range is simply written. In constant-memory mode a merge must start
    /// on the row being written. The corresponding C function is `worksheet_merge_range`
    /// (which writes text; other values are then written into the top-left cell).
    public func merge(_ range: CellRange, value: CellValue, style: CellStyle? = nil) throws {
        let ws = try handle()
        _ = try position(range.last.row, range.last.column)
        guard range.first != range.last else {
            try write(value, row: range.first.row, column: range.first.column, style: style)
            return
        }
        let text: String
        if case .text(let t) = value { text = t } else { text = "" }
        try checkLength(text, at: range.first)
        let format = try writer.format(style)
        try writer.check(sharingStrings {
            worksheet_merge_range(ws, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                  lxw_row_t(range.last.row), lxw_col_t(range.last.column), text, format)
        }, sheet: name, cell: range.first)
        switch value {
        case .text, .empty: break
        default: try write(value, row: range.first.row, column: range.first.column, style: style)
        }
    }

    // MARK: Layout

    /// Sets the width of columns, in characters of the default font, and optionally their style.
    /// The corresponding C function is `worksheet_set_column`.
    public func setColumnWidth(_ columns: ClosedRange<Int>, width: Double, style: CellStyle? = nil) throws {
        let ws = try handle()
        _ = try position(0, columns.lowerBound)
        _ = try position(0, columns.upperBound)
        guard width >= 0, width <= 255 else { throw invalid("列宽必须在 0 到 255 之间（现为 \(width)）") }
        try writer.check(worksheet_set_column(ws, lxw_col_t(columns.lowerBound), lxw_col_t(columns.upperBound),
                                              width, try writer.format(style)), sheet: name)
    }

    /// Sets a row's height in points, and optionally its style.
    /// The corresponding C function is `worksheet_set_row`.
    public func setRowHeight(_ row: Int, height: Double, style: CellStyle? = nil) throws {
        let ws = try handle()
        let (r, _) = try position(row, 0)
        guard height >= 0, height <= 409 else { throw invalid("行高必须在 0 到 409 磅之间（现为 \(height)）") }
        try writer.check(worksheet_set_row(ws, r, height, try writer.format(style)), sheet: name, row: row)
    }

    /// Keeps the top `rows` rows and left `columns` columns in view while scrolling.
    /// The corresponding C function is `worksheet_freeze_panes`.
    public func freezePanes(rows: Int, columns: Int = 0) throws {
        let ws = try handle()
        let (r, c) = try position(rows, columns)
        worksheet_freeze_panes(ws, r, c)
    }

    /// Adds filter buttons to the first row of a range, filtering the rows below.
    /// The corresponding C function is `worksheet_autofilter`.
    public func autofilter(_ range: CellRange) throws {
        let ws = try handle()
        _ = try position(range.last.row, range.last.column)
        try writer.check(worksheet_autofilter(ws, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                              lxw_row_t(range.last.row), lxw_col_t(range.last.column)),
                         sheet: name, cell: range.first)
    }

    // MARK: Validation

    /// The longest inline list libxlsxwriter 1.1.4 survives: the items joined by commas, in
    /// UTF-8 bytes. One byte more overflows its buffer and aborts the process (fixed in 1.1.6).
    static let maxInlineListBytes = 255

    /// Restricts cells to a drop-down list of the given items.
    ///
    /// The items travel inside the file joined by commas, so they may not contain `,` or
    /// `"`, and together they must fit in 255 bytes of UTF-8 (about 80 Chinese characters).
    /// For longer lists put the items in cells and use `validateList(_:source:sourceSheet:)`.
    /// - Throws: `SheetError` (`.invalidArgument`) for an empty or over-long list, checked
    ///   before libxlsxwriter sees it.
    /// The corresponding C function is `worksheet_data_validation_range` with
    /// `LXW_VALIDATION_TYPE_LIST`.
    public func validateList(_ range: CellRange, items: [String]) throws {
        guard !items.isEmpty else {
            throw invalid("下拉列表没有选项", at: range.first, advice: "请至少给一个选项")
        }
        if let bad = items.first(where: { $0.contains(",") || $0.contains("\"") }) {
            throw invalid("下拉列表选项「\(bad)」含有英文逗号或双引号", at: range.first,
                          advice: "请改用中文标点，或把选项写在单元格中，用单元格区域作为下拉列表来源")
        }
        let bytes = items.reduce(items.count - 1) { $0 + $1.utf8.count }
        guard bytes <= Self.maxInlineListBytes else {
            throw invalid("下拉列表的选项合计 \(bytes) 字节，超过 \(Self.maxInlineListBytes) 字节的上限", at: range.first,
                          advice: "请把选项写在单元格中，用单元格区域作为下拉列表来源")
        }
        var cStrings = items.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        cStrings.append(nil)
        try cStrings.withUnsafeMutableBufferPointer { list in
            var validation = lxw_data_validation()
            validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
            validation.value_list = list.baseAddress
            try addValidation(range, &validation)
        }
    }

    /// Restricts cells to the values listed in a range of cells, of any length.
    ///
    /// - Parameter sourceSheet: the sheet holding the list (this sheet when nil), often a
    ///   hidden one; the reference is written as `=选项!$A$1:$A$20`.
    /// The corresponding C function is `worksheet_data_validation_range` with
    /// `LXW_VALIDATION_TYPE_LIST_FORMULA`.
    public func validateList(_ range: CellRange, source: CellRange, sourceSheet: String? = nil) throws {
        let formula = "=" + source.absoluteReference(sheet: sourceSheet ?? name)
        // libxlsxwriter copies the formula, so the pointer need not outlive the call.
        try formula.withCString { text in
            var validation = lxw_data_validation()
            validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            validation.value_formula = UnsafeMutablePointer(mutating: text)
            try addValidation(range, &validation)
        }
    }

    private func addValidation(_ range: CellRange, _ validation: inout lxw_data_validation) throws {
        let ws = try handle()
        _ = try position(range.last.row, range.last.column)
        try writer.check(worksheet_data_validation_range(ws, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                                         lxw_row_t(range.last.row), lxw_col_t(range.last.column),
                                                         &validation),
                         sheet: name, cell: range.first)
    }

    // MARK: Printing, visibility, charts

    /// Sets paper, orientation, fit-to-width, repeated rows, margins, header and footer.
    /// The corresponding C functions are `worksheet_set_paper`, `worksheet_set_landscape`,
    /// `worksheet_fit_to_pages`, `worksheet_repeat_rows`, `worksheet_set_margins`,
    /// `worksheet_set_header` and `worksheet_set_footer`.
    public func setupPrint(_ setup: PrintSetup) throws {
        let ws = try handle()
        guard (0...255).contains(setup.paper) else { throw invalid("纸张代码 \(setup.paper) 无效（A4 为 9）") }
        for (text, label) in [(setup.header, "页眉"), (setup.footer, "页脚")] {
            if let text, text.utf16.count > 255 {
                throw invalid("\(label)文字超过 255 个字符", advice: "请缩短\(label)文字")
            }
        }
        if let wide = setup.fitToPagesWide, !(1...32_767).contains(wide) {
            throw invalid("打印缩放的页宽 \(wide) 无效", advice: "请给出 1 或更大的页数")
        }
        if let rows = setup.repeatRows { _ = try position(rows.upperBound, 0); _ = try position(rows.lowerBound, 0) }

        if setup.landscape { worksheet_set_landscape(ws) } else { worksheet_set_portrait(ws) }
        worksheet_set_paper(ws, UInt8(setup.paper))
        if let wide = setup.fitToPagesWide { worksheet_fit_to_pages(ws, UInt16(wide), 0) }
        if let rows = setup.repeatRows {
            try writer.check(worksheet_repeat_rows(ws, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)),
                             sheet: name, row: rows.lowerBound)
        }
        if let m = setup.margins { worksheet_set_margins(ws, m.left, m.right, m.top, m.bottom) }
        if let header = setup.header { try writer.check(worksheet_set_header(ws, header), sheet: name) }
        if let footer = setup.footer { try writer.check(worksheet_set_footer(ws, footer), sheet: name) }
    }

    /// Starts a new printed page above each of the given rows (zero-based), so a block of
    /// rows such as one section of a table is not split across pages.
    /// - Throws: `SheetError` (`.invalidArgument`) for more than 1 023 breaks (Excel's limit)
    ///   or a row outside the sheet.
    /// The corresponding C function is `worksheet_set_h_pagebreaks`.
    public func setPageBreaks(beforeRows rows: [Int]) throws {
        let ws = try handle()
        guard rows.count <= 1023 else { throw invalid("分页符超过 Excel 的上限 1023 个（现为 \(rows.count) 个）") }
        // Row 0 would be an empty first page; libxlsxwriter reads 0 as the end of the list.
        var breaks = try rows.filter { $0 > 0 }.map { try position($0, 0).0 }
        breaks.append(0)
        try writer.check(worksheet_set_h_pagebreaks(ws, &breaks), sheet: name)
    }

    /// Hides the sheet's tab. A hidden sheet is never the one shown on opening: if it was
    /// activated, the first visible sheet is shown instead.
    /// The corresponding C function is `worksheet_hide` (called by `XLSXWriter.close()`).
    public func hide() { writer.hideSheet(index) }

    /// Makes this the sheet shown on opening (and visible, if it was hidden).
    /// The corresponding C function is `worksheet_activate` (called by `XLSXWriter.close()`).
    public func activate() { writer.activateSheet(index) }

    /// Inserts a chart with its top-left corner at a cell.
    ///
    /// - Parameters:
    ///   - xScale, yScale: size relative to Excel's default 480 × 288 pixels.
    /// The corresponding C function is `worksheet_insert_chart_opt`.
    public func insertChart(_ chart: Chart, at cell: CellReference, xScale: Double = 1, yScale: Double = 1) throws {
        let ws = try handle()
        let (r, c) = try position(cell.row, cell.column)
        guard xScale > 0, yScale > 0, xScale.isFinite, yScale.isFinite else {
            throw invalid("图表缩放比例必须大于 0", at: cell)
        }
        for text in [chart.title, chart.categoryAxisTitle, chart.valueAxisTitle].compactMap({ $0 })
                + chart.series.map(\.name) where text.hasPrefix("=") {
            // libxlsxwriter would read a leading "=" as a cell reference.
            throw invalid("图表文字「\(text)」不能以等号开头", at: cell, advice: "请去掉开头的等号")
        }
        let made = try writer.makeChart(chart, for: name)
        var options = lxw_chart_options()
        options.x_scale = xScale
        options.y_scale = yScale
        // The chart belongs to the workbook's list of charts as well as to this sheet.
        try writer.check(writer.locked { worksheet_insert_chart_opt(ws, r, c, made, &options) }, sheet: name, cell: cell)
    }

    // MARK: Checks

    /// The sheet's handle while the workbook is open.
    private func handle() throws -> UnsafeMutablePointer<lxw_worksheet> {
        _ = try writer.openWorkbook()
        return sheet
    }

    private func position(_ row: Int, _ column: Int) throws -> (lxw_row_t, lxw_col_t) {
        guard (0..<SheetLimits.maxRows).contains(row), (0..<SheetLimits.maxColumns).contains(column) else {
            throw SheetError(.invalidArgument, file: writer.path, sheet: name,
                             message: "单元格位置超出 Excel 范围（第 \(row + 1) 行，第 \(column + 1) 列；最多 1048576 行、16384 列）")
        }
        return (lxw_row_t(row), lxw_col_t(column))
    }

    private func checkLength(_ text: String, at cell: CellReference) throws {
        // Excel counts UTF-16 units; the UTF-8 count is an upper bound and cheap to read.
        guard text.utf8.count > SheetLimits.maxCellCharacters,
              text.utf16.count > SheetLimits.maxCellCharacters else { return }
        throw invalid("单元格文字有 \(text.utf16.count) 个字符，超过 Excel 的上限 \(SheetLimits.maxCellCharacters)",
                      at: cell, advice: "请缩短文字或分到几个单元格")
    }

    private func checkFormula(_ formula: String, at cell: CellReference) throws {
        let body = formula.hasPrefix("=") ? formula.dropFirst() : Substring(formula)
        guard !body.isEmpty else { throw invalid("公式为空", at: cell) }
        guard body.utf16.count <= 8192 else { throw invalid("公式超过 Excel 的 8192 个字符上限", at: cell) }
    }

    private func checkDate(_ date: LocalDateTime, at cell: CellReference) throws {
        let timeValid = (0..<24).contains(date.hour) && (0..<60).contains(date.minute) && (0..<60).contains(date.second)
        let excelLeapDay = date.year == 1900 && date.month == 2 && date.day == 29
        let dateValid = !date.hasDate
            || ((1900...9999).contains(date.year) && (date.isValidCalendarDate || excelLeapDay))
        guard timeValid && dateValid else {
            throw invalid("日期时间 \(date) 无效或超出 Excel 的范围（1900-01-01 至 9999-12-31）", at: cell,
                          advice: "请检查这个日期")
        }
    }

    private func invalid(_ message: String, at cell: CellReference? = nil, advice: String? = nil) -> SheetError {
        SheetError(.invalidArgument, file: writer.path, sheet: name, row: cell?.row, cell: cell?.description,
                   message: message, advice: advice)
    }
}
