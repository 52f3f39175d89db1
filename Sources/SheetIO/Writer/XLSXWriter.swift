internal import CXlsxWriter

/// Writes an XLSX workbook through libxlsxwriter; the one owner of its `lxw_workbook`.
///
/// The workbook goes to a temporary file beside the target (`AtomicOutput`) and `close()`
/// renames it over the target, so an existing output is replaced only by a complete one.
/// A writer dropped without `close()` leaves the target as it was and no file behind.
///
///     let writer = try XLSXWriter(path: "out/自评表.xlsx", refusing: inputs)
///     let sheet = try writer.addSheet("考评指标体系")
///     try sheet.write("440281199001011234", row: 1, column: 0, style: .text)
///     try writer.close()
///
/// Threads: each sheet may be written from a thread of its own once it is added (the
/// evidence sheets of a province are filled on every core). What the sheets share — the
/// formats, the shared strings of in-memory sheets, charts, the list of sheets — is behind
/// one lock. `close()` must run alone, after every sheet is written.
public final class XLSXWriter {
    /// Where the workbook will be once closed.
    public let path: String
    /// Whether rows are streamed to disk as they are written (see `init`).
    public let constantMemory: Bool
    private let output: AtomicOutput
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheets: [Slot] = []
    private var activeSheet: Int?
    /// Guards what all sheets share inside libxlsxwriter and here (see the type's comment).
    private let lock = SemaphoreLock()

    /// What the writer remembers of a sheet until `close()` settles which are shown.
    private struct Slot {
        var name: String
        var handle: UnsafeMutablePointer<lxw_worksheet>
        var constantMemory: Bool
        var hidden = false
    }

    /// Starts a workbook that `close()` will write to `path`.
    ///
    /// - Parameters:
    ///   - path: the output file; its directory must exist.
    ///   - constantMemory: keep only the current row in memory and stream the rest to
    ///     temporary files, for sheets of hundreds of thousands of rows. Rows must then be
    ///     written strictly top to bottom: anything touching an earlier row (a cell, a merge,
    ///     a row height) throws. Strings are written inline rather than shared.
    ///   - temporaryDirectory: where constant-memory mode keeps its temporary files;
    ///     the system's default (usually /tmp) when nil.
    ///   - inputs: paths the program read; an output that is one of them is refused.
    /// - Throws: `SheetError` (`.invalidArgument`) for an output equal to an input,
    ///   (`.writeFailed`) when the output directory is missing.
    /// The corresponding C function is `workbook_new_opt`.
    public init(path: String, constantMemory: Bool = false, temporaryDirectory: String? = nil,
                refusing inputs: [String] = []) throws {
        self.path = path
        self.constantMemory = constantMemory
        output = try AtomicOutput(path: path, refusing: inputs)
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        // ZIP64 lifts the 4 GB limit but some readers dislike it; only big sheets may need it.
        options.use_zip64 = constantMemory ? 1 : 0
        // workbook_new_opt copies tmpdir, so the pointer need not outlive the call.
        let created: UnsafeMutablePointer<lxw_workbook>? = {
            guard let temporaryDirectory else { return workbook_new_opt(output.temporaryPath, &options) }
            return temporaryDirectory.withCString { dir in
                options.tmpdir = UnsafeMutablePointer(mutating: dir)
                return workbook_new_opt(output.temporaryPath, &options)
            }
        }()
        guard let created else {
            throw SheetError(.writeFailed, file: path, message: "无法创建输出工作簿",
                             advice: "请检查输出目录是否可写、磁盘空间是否足够")
        }
        workbook = created
    }

    deinit {
        // workbook_close is the only call that frees a libxlsxwriter workbook: let it write
        // the temporary file, then remove that file so nothing is left behind.
        if let workbook { workbook_close(workbook) }
        output.discard()
    }

    /// The names of the sheets added so far, in order.
    public var sheetNames: [String] { sheets.map(\.name) }

    /// Adds a worksheet after the existing ones.
    ///
    /// - Parameter constantMemory: stream this sheet's rows to disk (rows strictly top to
    ///   bottom, see `init`), or keep it in memory; the workbook's mode when nil. Mixing lets
    ///   a small sheet with merges sit beside large evidence sheets.
    /// - Throws: `SheetError` (`.invalidArgument`) for a name Excel does not accept (empty,
    ///   over 31 characters, containing `[ ] : * ? / \`, starting or ending with `'`) or one
    ///   already used, ignoring case.
    /// The corresponding C function is `workbook_add_worksheet`.
    public func addSheet(_ name: String, constantMemory: Bool? = nil) throws -> WorksheetWriter {
        try locked { try addSheetLocked(name, constantMemory: constantMemory) }
    }

    private func addSheetLocked(_ name: String, constantMemory: Bool?) throws -> WorksheetWriter {
        let book = try openWorkbook()
        try Self.validateSheetName(name, file: path)
        guard !sheets.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw SheetError(.invalidArgument, file: path, sheet: name, message: "工作表名称重复（不区分大小写）",
                             advice: "请给每个工作表取不同的名称")
        }
        // libxlsxwriter reads the option when it creates each sheet, so flipping it around
        // this one call sets the mode of this sheet only.
        let streamed = constantMemory ?? self.constantMemory
        let saved = book.pointee.options.constant_memory
        book.pointee.options.constant_memory = streamed ? 1 : 0
        let created = workbook_add_worksheet(book, name)
        book.pointee.options.constant_memory = saved
        guard let handle = created else {
            throw SheetError(.writeFailed, file: path, sheet: name, message: "无法添加工作表")
        }
        sheets.append(Slot(name: name, handle: handle, constantMemory: streamed))
        return WorksheetWriter(writer: self, handle: handle, index: sheets.count - 1, name: name, constantMemory: streamed)
    }

    /// Writes the workbook and renames it over the target.
    ///
    /// Before writing, the sheet shown on opening is settled: the one last activated, or
    /// the first visible sheet when that one is hidden (Excel cannot show a hidden sheet).
    /// Calling `close()` again does nothing.
    /// - Throws: `SheetError` (`.writeFailed`) with libxlsxwriter's message when the file
    ///   cannot be written or renamed, (`.invalidArgument`) when every sheet is hidden;
    ///   the target then keeps its old content.
    /// The corresponding C function is `workbook_close`.
    public func close() throws {
        guard let book = workbook else { return }
        if !sheets.isEmpty {
            guard let shown = activeSheet.flatMap({ sheets[$0].hidden ? nil : $0 })
                    ?? sheets.firstIndex(where: { !$0.hidden }) else {
                throw SheetError(.invalidArgument, file: path, message: "所有工作表都被隐藏了，Excel 无法打开这样的文件",
                                 advice: "请至少保留一个可见的工作表")
            }
            worksheet_activate(sheets[shown].handle)
            for sheet in sheets where sheet.hidden { worksheet_hide(sheet.handle) }
        }
        workbook = nil
        let status = workbook_close(book)
        guard status == LXW_NO_ERROR else {
            output.discard()
            throw SheetError(.writeFailed, file: path, message: "写入输出文件失败",
                             advice: "请检查输出目录是否存在、是否可写、磁盘空间是否足够",
                             detail: String(cString: lxw_strerror(status)))
        }
        try output.commit()
    }

    // MARK: Shared with WorksheetWriter

    /// The open workbook; throws once `close()` has run, so no call reaches freed memory.
    func openWorkbook() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let workbook else {
            throw SheetError(.invalidArgument, file: path, message: "工作簿已经关闭，不能再写入",
                             advice: "请在 close() 之前写完所有内容")
        }
        return workbook
    }

    /// Runs `body` holding the lock over what the sheets share.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.wait()
        defer { lock.signal() }
        return try body()
    }

    func hideSheet(_ index: Int) { locked { sheets[index].hidden = true } }

    func activateSheet(_ index: Int) {
        locked {
            activeSheet = index
            sheets[index].hidden = false
        }
    }

    /// The libxlsxwriter format for a style, created once per distinct style.
    /// The corresponding C functions are `workbook_add_format` and `lxw_format_get_xf_index`.
    func format(_ style: CellStyle?) throws -> UnsafeMutablePointer<lxw_format>? {
        guard let style else { return nil }
        return try locked {
            if let known = formats[style] { return known }
            guard let format = workbook_add_format(try openWorkbook()) else {
                throw SheetError(.writeFailed, file: path, message: "无法创建单元格格式")
            }
            style.apply(to: format)
            // libxlsxwriter numbers a format the first time a cell with it is written out,
            // inside the sheet's own calls; numbered here, under the lock, those calls only
            // read the number and sheets can be written on several threads.
            _ = lxw_format_get_xf_index(format)
            formats[style] = format
            return format
        }
    }

    /// How many workbook formats the styles used so far became.
    var formatCount: Int { locked { formats.count } }

    /// Turns a libxlsxwriter status into a `SheetError` naming the file, sheet and cell.
    func check(_ status: lxw_error, sheet: String, cell: CellReference? = nil, row: Int? = nil) throws {
        guard status != LXW_NO_ERROR else { return }
        var message = "写入失败"
        var advice: String?
        if status == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE,
           locked({ sheets.first(where: { $0.name == sheet })?.constantMemory }) ?? constantMemory {
            message = "省内存模式下只能从上到下按顺序写行，这一行之后的行已经写过"
            advice = "请按行的顺序写入，或不用省内存模式"
        }
        throw SheetError(.writeFailed, file: path, sheet: sheet, row: row ?? cell?.row, cell: cell?.description,
                         message: message, advice: advice, detail: String(cString: lxw_strerror(status)))
    }

    /// Adds a chart object to the workbook; it is placed on a sheet by `WorksheetWriter.insertChart`.
    /// The corresponding C functions are `workbook_add_chart`, `chart_add_series` and kin.
    func makeChart(_ chart: Chart, for sheet: String) throws -> UnsafeMutablePointer<lxw_chart> {
        try locked { try makeChartLocked(chart, for: sheet) }
    }

    private func makeChartLocked(_ chart: Chart, for sheet: String) throws -> UnsafeMutablePointer<lxw_chart> {
        let book = try openWorkbook()
        guard !chart.series.isEmpty else {
            throw SheetError(.invalidArgument, file: path, sheet: sheet, message: "图表「\(chart.title)」没有数据系列",
                             advice: "请至少给图表添加一个数据系列")
        }
        if chart.kind == .pie && chart.series.count > 1 {
            throw SheetError(.invalidArgument, file: path, sheet: sheet, message: "饼图「\(chart.title)」只能有一个数据系列",
                             advice: "请改用柱形图或条形图比较多个系列")
        }
        for series in chart.series where !sheets.contains(where: { $0.name == series.sheet }) {
            throw SheetError(.invalidArgument, file: path, sheet: sheet,
                             message: "图表「\(chart.title)」的数据系列「\(series.name)」引用的工作表「\(series.sheet)」不存在",
                             advice: "请先添加该工作表并写入数据")
        }
        return try chart.build(in: book) { what in
            SheetError(.writeFailed, file: path, sheet: sheet, message: "无法创建图表「\(chart.title)」的\(what)")
        }
    }

    static func validateSheetName(_ name: String, file: String) throws {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        // Excel counts UTF-16 units; libxlsxwriter counts code points: the stricter one wins.
        guard !name.isEmpty, name.utf16.count <= 31, !name.contains(where: forbidden.contains),
              !name.hasPrefix("'"), !name.hasSuffix("'") else {
            throw SheetError(.invalidArgument, file: file, sheet: name,
                             message: "工作表名称无效：不能为空，不能超过 31 个字符，不能含有 [ ] : * ? / \\，也不能以单引号开头或结尾",
                             advice: "请换一个工作表名称")
        }
    }
}
