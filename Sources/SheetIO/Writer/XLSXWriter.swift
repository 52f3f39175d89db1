internal import CXlsxWriter

/// Writes an XLSX workbook through libxlsxwriter; the one owner of its `lxw_workbook`.
///
/// The file is written beside the target under a temporary name and renamed by `close()`,
/// so an existing output is replaced only by a complete one. A writer dropped without
/// `close()` leaves the target as it was.
public final class XLSXWriter {
    public let path: String
    private let output: AtomicOutput
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheetNames: Set<String> = []
    public let constantMemory: Bool

    /// - Parameters:
    ///   - constantMemory: stream rows to disk as they are written (for sheets of hundreds
    ///     of thousands of rows). Rows must then be written in order, top to bottom, and
    ///     writing to an earlier row throws.
    ///   - inputs: paths the program read; an output equal to one of them is refused.
    /// The corresponding C function is `workbook_new_opt`.
    public init(path: String, constantMemory: Bool = false, refusing inputs: [String] = []) throws {
        self.path = path
        self.constantMemory = constantMemory
        output = try AtomicOutput(path: path, refusing: inputs)
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        options.use_zip64 = 1
        guard let created = workbook_new_opt(output.temporaryPath, &options) else {
            throw SheetError(.writeFailed, file: path, message: "无法创建输出文件",
                             advice: "请检查输出目录是否存在、是否可写")
        }
        workbook = created
    }

    deinit {
        // Nothing is kept: close to the temporary file (the only way libxlsxwriter frees a
        // workbook) and remove it.
        if let workbook { workbook_close(workbook) }
        output.discard()
    }

    /// Adds a worksheet. The corresponding C function is `workbook_add_worksheet`.
    public func addSheet(_ name: String) throws -> WorksheetWriter {
        let book = try open()
        try XLSXWriter.validateSheetName(name, file: path)
        guard !sheetNames.contains(where: { $0.lowercased() == name.lowercased() }) else {
            throw SheetError(.invalidArgument, file: path, sheet: name, message: "工作表名称重复")
        }
        guard let sheet = workbook_add_worksheet(book, name) else {
            throw SheetError(.writeFailed, file: path, sheet: name, message: "无法添加工作表")
        }
        sheetNames.insert(name)
        return WorksheetWriter(writer: self, handle: sheet, name: name)
    }

    /// Adds a native chart and places it on a sheet with its top-left corner at `cell`.
    /// The corresponding C functions are `workbook_add_chart` and `worksheet_insert_chart_opt`.
    public func insertChart(_ spec: ChartSpec, on sheet: WorksheetWriter, at cell: CellReference) throws {
        let book = try open()
        let type: lxw_chart_type
        switch spec.kind {
        case .column: type = LXW_CHART_COLUMN
        case .bar: type = LXW_CHART_BAR
        case .pie: type = LXW_CHART_PIE
        }
        guard let chart = workbook_add_chart(book, UInt8(type.rawValue)) else {
            throw SheetError(.writeFailed, file: path, sheet: sheet.name, message: "无法创建图表")
        }
        chart_title_set_name(chart, spec.title)
        for series in spec.series {
            let categories = ChartSpec.formula(sheet: series.sheet, range: series.categories)
            let values = ChartSpec.formula(sheet: series.sheet, range: series.values)
            guard let added = chart_add_series(chart, categories, values) else {
                throw SheetError(.writeFailed, file: path, sheet: sheet.name, message: "无法添加图表数据系列")
            }
            chart_series_set_name(added, series.name)
        }
        if spec.kind != .pie {
            if let title = spec.categoryAxisTitle { chart_axis_set_name(chart.pointee.x_axis, title) }
            if let title = spec.valueAxisTitle { chart_axis_set_name(chart.pointee.y_axis, title) }
            if spec.series.count < 2 { chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_NONE.rawValue)) }
        } else {
            chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_RIGHT.rawValue))
        }
        var options = lxw_chart_options()
        options.x_scale = spec.scale.x
        options.y_scale = spec.scale.y
        try check(worksheet_insert_chart_opt(sheet.handle, lxw_row_t(cell.row), lxw_col_t(cell.column), chart, &options),
                  sheet: sheet.name, cell: cell)
    }

    /// Writes the workbook and renames it over the target.
    /// The corresponding C function is `workbook_close`.
    public func close() throws {
        guard let book = workbook else { return }
        workbook = nil
        let status = workbook_close(book)
        guard status == LXW_NO_ERROR else {
            output.discard()
            throw SheetError(.writeFailed, file: path, message: "写入输出文件失败",
                             advice: "请检查磁盘空间和目录权限", detail: String(cString: lxw_strerror(status)))
        }
        try output.commit()
    }

    // MARK: Internals shared with WorksheetWriter

    private func open() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let workbook else {
            throw SheetError(.invalidArgument, file: path, message: "工作簿已经关闭，不能再写入")
        }
        return workbook
    }

    /// The libxlsxwriter format for a style, created once per distinct style.
    func format(_ style: CellStyle?) throws -> UnsafeMutablePointer<lxw_format>? {
        guard let style else { return nil }
        if let known = formats[style] { return known }
        guard let format = workbook_add_format(try open()) else {
            throw SheetError(.writeFailed, file: path, message: "无法创建单元格格式")
        }
        if let name = style.fontName { format_set_font_name(format, name) }
        if let size = style.fontSize { format_set_font_size(format, size) }
        if style.bold { format_set_bold(format) }
        if style.italic { format_set_italic(format) }
        if let color = style.fontColor { format_set_font_color(format, lxw_color_t(color)) }
        if style.wrap { format_set_text_wrap(format) }
        switch style.horizontal {
        case .general: break
        case .left: format_set_align(format, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(format, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        switch style.vertical {
        case .bottom: break
        case .center: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .top: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        }
        switch style.border {
        case .none: break
        case .thin: format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        case .medium: format_set_border(format, UInt8(LXW_BORDER_MEDIUM.rawValue))
        }
        if let fill = style.fill {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, lxw_color_t(fill))
        }
        if let code = style.numberFormat { format_set_num_format(format, code) }
        formats[style] = format
        return format
    }

    func check(_ status: lxw_error, sheet: String, cell: CellReference? = nil, row: Int? = nil) throws {
        guard status != LXW_NO_ERROR else { return }
        let constantMemoryHint = status == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE && constantMemory
            ? "（省内存模式下只能按从上到下的顺序写行）" : ""
        throw SheetError(.writeFailed, file: path, sheet: sheet, row: row ?? cell?.row, cell: cell?.description,
                         message: "写入失败\(constantMemoryHint)", detail: String(cString: lxw_strerror(status)))
    }

    static func validateSheetName(_ name: String, file: String) throws {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        guard !name.isEmpty, name.count <= 31, !name.contains(where: forbidden.contains),
              !name.hasPrefix("'"), !name.hasSuffix("'") else {
            throw SheetError(.invalidArgument, file: file, sheet: name,
                             message: "工作表名称无效：不能为空、不能超过 31 个字符，也不能含有 [ ] : * ? / \\ 或以单引号开头结尾",
                             advice: "请换一个工作表名称")
        }
    }
}

/// One worksheet of an `XLSXWriter`. Rows and columns are zero-based.
///
/// Text stays text: an ID number or phone written with `write(.text(...))` keeps every
/// digit, where a number would be cut to 15 significant digits by Excel.
public final class WorksheetWriter {
    public let name: String
    fileprivate let handle: UnsafeMutablePointer<lxw_worksheet>
    private unowned let writer: XLSXWriter

    fileprivate init(writer: XLSXWriter, handle: UnsafeMutablePointer<lxw_worksheet>, name: String) {
        self.writer = writer
        self.handle = handle
        self.name = name
    }

    /// Writes one value. Dates get `yyyy-mm-dd` (with `hh:mm:ss` when they have a time)
    /// unless the style names a format. The corresponding C functions are
    /// `worksheet_write_string`, `_number`, `_boolean` and `_blank`.
    public func write(_ value: CellValue, row: Int, column: Int, style: CellStyle? = nil) throws {
        let (r, c) = try position(row, column)
        let status: lxw_error
        switch value {
        case .empty:
            status = worksheet_write_blank(handle, r, c, try writer.format(style))
        case .text(let text):
            try checkLength(text, row: row, column: column)
            status = worksheet_write_string(handle, r, c, text, try writer.format(style))
        case .number(let number):
            guard number.isFinite else {
                throw SheetError(.invalidArgument, file: writer.path, sheet: name, row: row,
                                 cell: CellReference(row: row, column: column).description, message: "数值无效（无穷大或非数字）")
            }
            status = worksheet_write_number(handle, r, c, number, try writer.format(style))
        case .bool(let flag):
            status = worksheet_write_boolean(handle, r, c, flag ? 1 : 0, try writer.format(style))
        case .date(let date):
            var dated = style ?? CellStyle()
            if dated.numberFormat == nil {
                dated.numberFormat = !date.hasDate ? "hh:mm:ss" : date.hasTime ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd"
            }
            status = worksheet_write_number(handle, r, c, date.excelSerial(), try writer.format(dated))
        case .error(let code):
            // An error value can only come from a formula; write one that yields it.
            let formula = code == "#N/A" ? "=NA()" : "=\(code)"
            status = worksheet_write_formula_str(handle, r, c, formula, try writer.format(style), code)
        }
        try writer.check(status, sheet: name, cell: CellReference(row: row, column: column))
    }

    /// Writes a formula with the value Excel would compute, so viewers that do not
    /// recalculate still show it. The corresponding C function is `worksheet_write_formula_num`.
    public func writeFormula(_ formula: String, cachedValue: Double, row: Int, column: Int, style: CellStyle? = nil) throws {
        let (r, c) = try position(row, column)
        try writer.check(worksheet_write_formula_num(handle, r, c, formula, try writer.format(style), cachedValue),
                         sheet: name, cell: CellReference(row: row, column: column))
    }

    /// Writes a formula whose result is text, with that text cached.
    /// The corresponding C function is `worksheet_write_formula_str`.
    public func writeFormula(_ formula: String, cachedText: String, row: Int, column: Int, style: CellStyle? = nil) throws {
        let (r, c) = try position(row, column)
        try writer.check(worksheet_write_formula_str(handle, r, c, formula, try writer.format(style), cachedText),
                         sheet: name, cell: CellReference(row: row, column: column))
    }

    /// Merges a range and writes a value in it. The corresponding C function is
    /// `worksheet_merge_range` (which writes text; other values are written over it).
    public func merge(_ range: CellRange, value: CellValue, style: CellStyle? = nil) throws {
        _ = try position(range.last.row, range.last.column)
        let text: String
        if case .text(let t) = value { text = t } else { text = "" }
        try checkLength(text, row: range.first.row, column: range.first.column)
        try writer.check(worksheet_merge_range(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                               lxw_row_t(range.last.row), lxw_col_t(range.last.column), text,
                                               try writer.format(style)),
                         sheet: name, cell: range.first)
        if case .text = value { return }
        if case .empty = value { return }
        try write(value, row: range.first.row, column: range.first.column, style: style)
    }

    /// Sets the width (in characters) of columns. The corresponding C function is `worksheet_set_column`.
    public func setColumnWidth(_ columns: ClosedRange<Int>, width: Double, style: CellStyle? = nil) throws {
        _ = try position(0, columns.upperBound)
        try writer.check(worksheet_set_column(handle, lxw_col_t(columns.lowerBound), lxw_col_t(columns.upperBound),
                                              width, try writer.format(style)), sheet: name)
    }

    /// Sets a row's height in points. The corresponding C function is `worksheet_set_row`.
    public func setRowHeight(_ row: Int, height: Double, style: CellStyle? = nil) throws {
        let (r, _) = try position(row, 0)
        try writer.check(worksheet_set_row(handle, r, height, try writer.format(style)), sheet: name, row: row)
    }

    /// Keeps the first `rows` rows and `columns` columns in view while scrolling.
    /// The corresponding C function is `worksheet_freeze_panes`.
    public func freezePanes(rows: Int, columns: Int = 0) throws {
        let (r, c) = try position(rows, columns)
        worksheet_freeze_panes(handle, r, c)
    }

    /// Adds filter buttons over a header row and the data below it.
    /// The corresponding C function is `worksheet_autofilter`.
    public func autofilter(_ range: CellRange) throws {
        _ = try position(range.last.row, range.last.column)
        try writer.check(worksheet_autofilter(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                              lxw_row_t(range.last.row), lxw_col_t(range.last.column)), sheet: name)
    }

    /// Restricts cells to a drop-down list of values.
    ///
    /// libxlsxwriter 1.1.4 aborts the whole process when an inline list exceeds 255 bytes,
    /// so a longer list is refused here: put the items in cells and use `validateList(_:source:)`.
    /// The corresponding C function is `worksheet_data_validation_range`.
    public func validateList(_ range: CellRange, items: [String]) throws {
        let bytes = items.reduce(0) { $0 + $1.utf8.count + 1 }
        guard !items.isEmpty, bytes <= 255 else {
            throw SheetError(.invalidArgument, file: writer.path, sheet: name,
                             message: "下拉列表的选项总长度超过 Excel 允许的 255 字节",
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

    /// Restricts cells to the values listed in a range of cells (any length).
    public func validateList(_ range: CellRange, source: CellRange, sourceSheet: String? = nil) throws {
        let formula = ChartSpec.formula(sheet: sourceSheet ?? name, range: source)
        try formula.withCString { text in
            var validation = lxw_data_validation()
            validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            validation.value_formula = UnsafeMutablePointer(mutating: text)
            try addValidation(range, &validation)
        }
    }

    private func addValidation(_ range: CellRange, _ validation: inout lxw_data_validation) throws {
        _ = try position(range.last.row, range.last.column)
        try writer.check(worksheet_data_validation_range(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                                         lxw_row_t(range.last.row), lxw_col_t(range.last.column), &validation),
                         sheet: name, cell: range.first)
    }

    /// Sets paper, orientation, fit-to-width, repeated header rows and header/footer text.
    public func setupPrint(_ setup: PrintSetup) throws {
        if setup.landscape { worksheet_set_landscape(handle) } else { worksheet_set_portrait(handle) }
        worksheet_set_paper(handle, UInt8(clamping: setup.paper))
        if let wide = setup.fitToPagesWide { worksheet_fit_to_pages(handle, UInt16(clamping: wide), 0) }
        if let rows = setup.repeatRows {
            try writer.check(worksheet_repeat_rows(handle, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)), sheet: name)
        }
        for (text, isHeader) in [(setup.header, true), (setup.footer, false)] {
            guard let text else { continue }
            guard text.utf8.count <= 255 else {
                throw SheetError(.invalidArgument, file: writer.path, sheet: name, message: "页眉页脚文字超过 255 字节")
            }
            try writer.check(isHeader ? worksheet_set_header(handle, text) : worksheet_set_footer(handle, text), sheet: name)
        }
    }

    /// Hides the sheet's tab. The corresponding C function is `worksheet_hide`.
    public func hide() { worksheet_hide(handle) }

    /// Makes this the sheet shown on opening. The corresponding C function is `worksheet_activate`.
    public func activate() { worksheet_activate(handle) }

    private func position(_ row: Int, _ column: Int) throws -> (lxw_row_t, lxw_col_t) {
        guard row >= 0, row < SheetLimits.maxRows, column >= 0, column < SheetLimits.maxColumns else {
            throw SheetError(.invalidArgument, file: writer.path, sheet: name,
                             message: "单元格位置超出 Excel 范围（第 \(row + 1) 行，第 \(column + 1) 列）")
        }
        return (lxw_row_t(row), lxw_col_t(column))
    }

    private func checkLength(_ text: String, row: Int, column: Int) throws {
        guard text.utf8.count > SheetLimits.maxCellCharacters, text.utf16.count > SheetLimits.maxCellCharacters else { return }
        throw SheetError(.invalidArgument, file: writer.path, sheet: name, row: row,
                         cell: CellReference(row: row, column: column).description,
                         message: "单元格文字超过 Excel 上限 \(SheetLimits.maxCellCharacters) 个字符")
    }
}
