internal import CFreeXL

/// A workbook opened with FreeXL: the one owner of its handle, closed in `deinit`.
///
/// The handle is only read from; FreeXL keeps an "active sheet" inside it, so one instance
/// serves one reader at a time.
final class FreeXLWorkbook {
    /// A cell as FreeXL reports it.
    enum Value: Equatable {
        case empty
        case integer(Int32)
        case double(Double)
        case text(String)
        /// FreeXL's text forms of date-formatted numbers: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`
        /// and `HH:MM:SS`.
        case date(String), dateTime(String), time(String)
    }

    /// A failed FreeXL call: its status code (a negative `FREEXL_*`, or `FREEXL_OK` when
    /// `freexl_open` stopped on a damaged record without saying why).
    struct Failure: Error {
        var status: Int32
        var function: String
    }

    private let handle: UnsafeRawPointer

    /// Parses the whole file. The corresponding C function is `freexl_open`.
    init(path: String) throws(Failure) {
        var opened: UnsafeRawPointer?
        let status = freexl_open(path, &opened)
        guard status == FREEXL_OK, let opened else {
            // freexl_open frees its state on most failures but not all (a failed fopen).
            if let opened { freexl_close(opened) }
            // Some parse failures return FREEXL_OK with no handle (a damaged record): the
            // status then stays FREEXL_OK, which `sheetError` reports as a damaged file.
            throw Failure(status: status, function: "freexl_open")
        }
        handle = opened
    }

    deinit { freexl_close(handle) }

    /// Workbook facts such as `FREEXL_BIFF_DATEMODE`. The corresponding C function is `freexl_get_info`.
    func info(_ what: Int32) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        try check(freexl_get_info(handle, UInt16(what), &value), "freexl_get_info")
        return value
    }

    var sheetCount: Int {
        get throws(Failure) { Int(try info(FREEXL_BIFF_SHEET_COUNT)) }
    }

    var uses1904: Bool {
        get throws(Failure) { try info(FREEXL_BIFF_DATEMODE) == UInt32(FREEXL_BIFF_DATEMODE_1904) }
    }

    /// The corresponding C function is `freexl_get_worksheet_name`.
    func sheetName(_ index: Int) throws(Failure) -> String {
        var name: UnsafePointer<CChar>?
        try check(freexl_get_worksheet_name(handle, UInt16(index), &name), "freexl_get_worksheet_name")
        return name.map { String(cString: $0) } ?? ""
    }

    /// Makes a sheet the one that `dimensions` and `value` read.
    /// The corresponding C function is `freexl_select_active_worksheet`.
    func select(sheet index: Int) throws(Failure) {
        try check(freexl_select_active_worksheet(handle, UInt16(index)), "freexl_select_active_worksheet")
    }

    /// Row and column counts of the selected sheet (one past the last used of each).
    /// The corresponding C function is `freexl_worksheet_dimensions`.
    func dimensions() throws(Failure) -> (rows: Int, columns: Int) {
        var rows: UInt32 = 0
        var columns: UInt16 = 0
        try check(freexl_worksheet_dimensions(handle, &rows, &columns), "freexl_worksheet_dimensions")
        return (Int(rows), Int(columns))
    }

    /// A cell of the selected sheet, its text copied out of FreeXL's memory.
    /// The corresponding C function is `freexl_get_cell_value`.
    func value(row: Int, column: Int) throws(Failure) -> Value {
        var cell = FreeXL_CellValue()
        try check(freexl_get_cell_value(handle, UInt32(row), UInt16(column), &cell), "freexl_get_cell_value")
        switch Int32(cell.type) {
        case FREEXL_CELL_INT: return .integer(cell.value.int_value)
        case FREEXL_CELL_DOUBLE: return .double(cell.value.double_value)
        case FREEXL_CELL_TEXT, FREEXL_CELL_SST_TEXT: return cell.value.text_value.map { .text(String(cString: $0)) } ?? .empty
        case FREEXL_CELL_DATE: return cell.value.text_value.map { .date(String(cString: $0)) } ?? .empty
        case FREEXL_CELL_DATETIME: return cell.value.text_value.map { .dateTime(String(cString: $0)) } ?? .empty
        case FREEXL_CELL_TIME: return cell.value.text_value.map { .time(String(cString: $0)) } ?? .empty
        default: return .empty
        }
    }

    private func check(_ status: Int32, _ function: String) throws(Failure) {
        guard status == FREEXL_OK else { throw Failure(status: status, function: function) }
    }
}

extension FreeXLWorkbook.Failure {
    /// The `FREEXL_*` name of the status code, for the developer detail of an error.
    var codeName: String {
        switch status {
        case FREEXL_OK: return "解析中止但未给出错误码"
        case FREEXL_FILE_NOT_FOUND: return "FREEXL_FILE_NOT_FOUND"
        case FREEXL_NULL_HANDLE: return "FREEXL_NULL_HANDLE"
        case FREEXL_INVALID_HANDLE: return "FREEXL_INVALID_HANDLE"
        case FREEXL_INSUFFICIENT_MEMORY: return "FREEXL_INSUFFICIENT_MEMORY"
        case FREEXL_NULL_ARGUMENT: return "FREEXL_NULL_ARGUMENT"
        case FREEXL_INVALID_INFO_ARG: return "FREEXL_INVALID_INFO_ARG"
        case FREEXL_INVALID_CFBF_HEADER: return "FREEXL_INVALID_CFBF_HEADER"
        case FREEXL_CFBF_READ_ERROR: return "FREEXL_CFBF_READ_ERROR"
        case FREEXL_CFBF_SEEK_ERROR: return "FREEXL_CFBF_SEEK_ERROR"
        case FREEXL_CFBF_INVALID_SIGNATURE: return "FREEXL_CFBF_INVALID_SIGNATURE"
        case FREEXL_CFBF_INVALID_SECTOR_SIZE: return "FREEXL_CFBF_INVALID_SECTOR_SIZE"
        case FREEXL_CFBF_EMPTY_FAT_CHAIN: return "FREEXL_CFBF_EMPTY_FAT_CHAIN"
        case FREEXL_CFBF_ILLEGAL_FAT_ENTRY: return "FREEXL_CFBF_ILLEGAL_FAT_ENTRY"
        case FREEXL_BIFF_INVALID_BOF: return "FREEXL_BIFF_INVALID_BOF"
        case FREEXL_BIFF_INVALID_SST: return "FREEXL_BIFF_INVALID_SST"
        case FREEXL_BIFF_ILLEGAL_SST_INDEX: return "FREEXL_BIFF_ILLEGAL_SST_INDEX"
        case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "FREEXL_BIFF_WORKBOOK_NOT_FOUND"
        case FREEXL_BIFF_ILLEGAL_SHEET_INDEX: return "FREEXL_BIFF_ILLEGAL_SHEET_INDEX"
        case FREEXL_BIFF_UNSELECTED_SHEET: return "FREEXL_BIFF_UNSELECTED_SHEET"
        case FREEXL_INVALID_CHARACTER: return "FREEXL_INVALID_CHARACTER"
        case FREEXL_UNSUPPORTED_CHARSET: return "FREEXL_UNSUPPORTED_CHARSET"
        case FREEXL_ILLEGAL_CELL_ROW_COL: return "FREEXL_ILLEGAL_CELL_ROW_COL"
        case FREEXL_ILLEGAL_RK_VALUE: return "FREEXL_ILLEGAL_RK_VALUE"
        case FREEXL_INVALID_MINI_STREAM: return "FREEXL_INVALID_MINI_STREAM"
        case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY: return "FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY"
        case FREEXL_CRAFTED_FILE: return "FREEXL_CRAFTED_FILE"
        default: return "FreeXL 状态 \(status)"
        }
    }

    /// The error a clerk sees, naming the file; the FreeXL code goes in the detail.
    func sheetError(file: String) -> SheetError {
        let detail = "\(function): \(codeName)"
        switch status {
        case FREEXL_FILE_NOT_FOUND:
            return SheetError(.unreadable, file: file, message: "无法打开文件",
                              advice: "请检查文件是否存在、是否有读取权限", detail: detail)
        case FREEXL_INSUFFICIENT_MEMORY:
            return SheetError(.limitExceeded, file: file, message: "工作表过大，超出旧版 .xls 读取的内存上限",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: detail)
        case FREEXL_INVALID_CHARACTER, FREEXL_UNSUPPORTED_CHARSET:
            return SheetError(.badEncoding, file: file, message: "文件中的文字编码无法识别",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: detail)
        case FREEXL_BIFF_INVALID_BOF:
            return SheetError(.unsupportedFormat, file: file, message: "不是受支持的 Excel 版本（只读 Excel 95 至 2003 的 .xls）",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: detail)
        case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
            return SheetError(.unsupportedFormat, file: file,
                              message: "文件是 Office 复合文档，但里面没有 Excel 工作簿（可能是 Word/PowerPoint 文件改了扩展名）",
                              advice: "请确认选对了文件", detail: detail)
        case FREEXL_NULL_HANDLE, FREEXL_INVALID_HANDLE, FREEXL_NULL_ARGUMENT, FREEXL_INVALID_INFO_ARG,
             FREEXL_BIFF_ILLEGAL_SHEET_INDEX, FREEXL_BIFF_UNSELECTED_SHEET:
            return SheetError(.unreadable, file: file, message: "读取 .xls 时出现内部错误",
                              advice: "请把此文件和这条信息反馈给开发者；急用时可先另存为 .xlsx 再导入", detail: detail)
        default:
            return SheetError(.corrupt, file: file, message: "文件不完整或已损坏，无法读取",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入", detail: detail)
        }
    }
}
