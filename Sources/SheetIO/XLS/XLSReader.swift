internal import CFreeXL

/// Reads a legacy .xls (BIFF) workbook through FreeXL; the one owner of its handle.
///
/// FreeXL parses the whole file at `freexl_open`, which suits sign-in sheets; it reports
/// text, numbers and date/time cells, but neither merged ranges nor hidden sheets.
final class XLSReader: WorkbookSource {
    let path: String
    let sheets: [SheetInfo]
    let uses1904: Bool
    private let handle: UnsafeRawPointer

    /// The corresponding C function is `freexl_open`.
    init(path: String) throws {
        self.path = path
        var opened: UnsafeRawPointer?
        let status = freexl_open(path, &opened)
        guard status == FREEXL_OK, let opened else {
            if let opened { freexl_close(opened) }
            throw XLSReader.error(status, path: path)
        }
        handle = opened
        var password: UInt32 = 0
        if freexl_get_info(handle, UInt16(FREEXL_BIFF_PASSWORD), &password) == FREEXL_OK && password == UInt32(FREEXL_BIFF_OBFUSCATED) {
            freexl_close(handle)
            throw SheetError(.encrypted, file: path, message: "文件设置了密码保护（已加密），无法读取",
                             advice: "请在 Excel 或 WPS 中打开，取消密码后另存为 .xlsx 再导入")
        }
        var dateMode: UInt32 = 0
        uses1904 = freexl_get_info(handle, UInt16(FREEXL_BIFF_DATEMODE), &dateMode) == FREEXL_OK
            && dateMode == UInt32(FREEXL_BIFF_DATEMODE_1904)
        var count: UInt32 = 0
        let countStatus = freexl_get_info(handle, UInt16(FREEXL_BIFF_SHEET_COUNT), &count)
        guard countStatus == FREEXL_OK else {
            freexl_close(handle)
            throw XLSReader.error(countStatus, path: path)
        }
        var infos: [SheetInfo] = []
        for index in 0..<Int(min(count, 65_535)) {
            var name: UnsafePointer<CChar>?
            let nameStatus = freexl_get_worksheet_name(handle, UInt16(index), &name)
            let text = nameStatus == FREEXL_OK ? name.map { String(cString: $0) } : nil
            infos.append(SheetInfo(index: index, name: text ?? "Sheet\(index + 1)"))
        }
        sheets = infos
    }

    deinit { freexl_close(handle) }

    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        try check(freexl_select_active_worksheet(handle, UInt16(sheet)))
        var rows: UInt32 = 0
        var columns: UInt16 = 0
        try check(freexl_worksheet_dimensions(handle, &rows, &columns))
        guard rows <= UInt32(SheetLimits.maxRows), Int(columns) <= SheetLimits.maxColumns else {
            throw SheetError(.limitExceeded, file: path, message: "工作表的行列数超过 Excel 上限，文件异常",
                             advice: "请用 Excel 或 WPS 打开检查后另存为 .xlsx")
        }
        var cells: [Cell] = []
        for row in 0..<rows {
            cells.removeAll(keepingCapacity: true)
            for column in 0..<columns {
                var value = FreeXL_CellValue()
                try check(freexl_get_cell_value(handle, row, column, &value), row: Int(row))
                if let cell = XLSReader.cell(value, column: Int(column)) { cells.append(cell) }
            }
            if !cells.isEmpty { try body(Row(index: Int(row), cells: cells)) }
        }
        return []
    }

    private static func cell(_ value: FreeXL_CellValue, column: Int) -> Cell? {
        switch Int32(value.type) {
        case FREEXL_CELL_INT:
            return Cell(column: column, value: .number(Double(value.value.int_value)))
        case FREEXL_CELL_DOUBLE:
            return Cell(column: column, value: .number(value.value.double_value))
        case FREEXL_CELL_TEXT, FREEXL_CELL_SST_TEXT:
            guard let text = value.value.text_value.map({ String(cString: $0) }), !text.isEmpty else { return nil }
            return Cell(column: column, value: .text(text))
        case FREEXL_CELL_DATE, FREEXL_CELL_DATETIME, FREEXL_CELL_TIME:
            guard let text = value.value.text_value.map({ String(cString: $0) }) else { return nil }
            guard let date = parseDateTime(text) else { return Cell(column: column, value: .text(text)) }
            let format: NumberFormat
            switch Int32(value.type) {
            case FREEXL_CELL_DATE: format = NumberFormat(id: 14, code: "yyyy-mm-dd")
            case FREEXL_CELL_TIME: format = NumberFormat(id: 21, code: "h:mm:ss")
            default: format = NumberFormat(id: 22, code: "yyyy-mm-dd h:mm")
            }
            return Cell(column: column, value: .date(date), format: format)
        default:
            return nil
        }
    }

    /// FreeXL's text forms: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, `HH:MM:SS`.
    static func parseDateTime(_ text: String) -> LocalDateTime? {
        let parts = text.split(separator: " ")
        var result = LocalDateTime(year: 1899, month: 12, day: 30, hasDate: false)
        for part in parts {
            if part.contains("-") {
                let ymd = part.split(separator: "-").compactMap { Int($0) }
                guard ymd.count == 3 else { return nil }
                (result.year, result.month, result.day, result.hasDate) = (ymd[0], ymd[1], ymd[2], true)
            } else {
                let hms = part.split(separator: ":").compactMap { Double($0) }
                guard hms.count == 3 else { return nil }
                (result.hour, result.minute, result.second) = (Int(hms[0]), Int(hms[1]), Int(hms[2].rounded(.down)))
            }
        }
        return result
    }

    private func check(_ status: Int32, row: Int? = nil) throws {
        guard status != FREEXL_OK else { return }
        var error = XLSReader.error(status, path: path)
        error.row = row
        throw error
    }

    private static func error(_ status: Int32, path: String) -> SheetError {
        let detail = "FreeXL error \(status)"
        switch status {
        case FREEXL_FILE_NOT_FOUND:
            return SheetError(.fileNotFound, file: path, message: "文件不存在", advice: "请检查路径和文件名是否写对")
        case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
            return SheetError(.unsupportedFormat, file: path, message: "文件是 Office 复合文档，但里面没有 Excel 工作簿（可能是 Word/PowerPoint 的 .doc/.ppt）",
                              advice: "请确认选对了文件", detail: detail)
        case FREEXL_CRAFTED_FILE:
            return SheetError(.corrupt, file: path, message: "文件严重损坏（或被恶意构造），已拒绝读取",
                              advice: "请确认文件来源；正常的表格请用 Excel 或 WPS 另存为 .xlsx 后再导入", detail: detail)
        case FREEXL_INSUFFICIENT_MEMORY:
            return SheetError(.limitExceeded, file: path, message: "文件过大，内存不足以读取",
                              advice: "请用 Excel 或 WPS 另存为 .xlsx 后再导入", detail: detail)
        case FREEXL_UNSUPPORTED_CHARSET, FREEXL_INVALID_CHARACTER:
            return SheetError(.badEncoding, file: path, message: "文件中的文字编码无法识别",
                              advice: "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入", detail: detail)
        default:
            return SheetError(.corrupt, file: path, message: "旧版 .xls 文件已损坏或格式过旧，无法读取",
                              advice: "请用 Excel 或 WPS 打开该文件，另存为 .xlsx 后再导入", detail: detail)
        }
    }
}
