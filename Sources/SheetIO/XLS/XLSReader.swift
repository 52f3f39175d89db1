#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a legacy .xls: a BIFF5 (Excel 95) or BIFF8 (Excel 97–2003) workbook in an OLE2
/// compound file.
///
/// FreeXL reads the text, numbers and dates. One pass over the workbook stream's records adds
/// what FreeXL 1.0.6 leaves out: it refuses an encrypted file before FreeXL parses ciphertext,
/// and supplies hidden sheets, merged ranges, formula results, booleans and error values
/// (FreeXL drops formulas and reads TRUE and `#N/A` alike as the number 1).
final class XLSReader: WorkbookSource {
    let path: String
    let sheets: [SheetInfo]
    let uses1904: Bool
    private let freeXL: FreeXLWorkbook
    /// The workbook stream, kept for the per-sheet record pass.
    private let stream: [UInt8]
    private let globals: BIFFGlobals

    /// Largest file read: FreeXL holds a whole workbook in memory, and so does this reader.
    static let maximumFileSize = 1 << 30

    init(path: String) throws {
        self.path = path
        do {
            let container = try CompoundFile(bytes: try Self.readFile(path))
            guard let stream = try container.stream(namedAnyOf: ["Workbook", "Book"]) else {
                throw SheetError(.unsupportedFormat, file: path,
                                 message: "文件是 Office 复合文档，但里面没有 Excel 工作簿（可能是 Word/PowerPoint 文件改了扩展名）",
                                 advice: "请确认选对了文件")
            }
            self.stream = stream
        } catch let failure as CompoundFile.Failure {
            throw Self.error(failure, path: path)
        }
        do {
            globals = try BIFFGlobals(stream: stream)
        } catch {
            throw Self.error(error, path: path)
        }
        if globals.isEncrypted {
            throw SheetError(.encrypted, file: path, message: "文件设置了打开密码（已加密），无法读取",
                             advice: "请在 Excel 或 WPS 中打开，取消密码（文件→信息→保护工作簿）后另存为 .xlsx 再导入")
        }
        do {
            freeXL = try FreeXLWorkbook(path: path)
            uses1904 = try freeXL.uses1904
            let count = try freeXL.sheetCount
            guard count == globals.sheets.count else {
                throw SheetError(.corrupt, file: path, message: "文件已损坏：工作表目录前后不一致",
                                 advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入",
                                 detail: "FreeXL 读到 \(count) 张表，BOUNDSHEET 记录 \(globals.sheets.count) 条")
            }
            var infos: [SheetInfo] = []
            for index in 0..<count {
                infos.append(SheetInfo(index: index, name: try freeXL.sheetName(index),
                                       visibility: globals.sheets[index].visibility))
            }
            sheets = infos
        } catch let failure as FreeXLWorkbook.Failure {
            throw failure.sheetError(file: path)
        }
    }

    func forEachRow(sheet: Int, _ body: (Row) throws -> Void) throws -> [CellRange] {
        let extras: BIFFSheetExtras
        let rowCount: Int, columnCount: Int
        do {
            extras = try BIFFSheetExtras(stream: stream, sheet: globals.sheets[sheet], globals: globals)
            try freeXL.select(sheet: sheet)
            (rowCount, columnCount) = try freeXL.dimensions()
        } catch let failure as BIFFFailure {
            throw Self.error(failure, path: path)
        } catch let failure as FreeXLWorkbook.Failure {
            throw failure.sheetError(file: path)
        }
        guard rowCount <= SheetLimits.maxRows, columnCount <= SheetLimits.maxColumns else {
            throw SheetError(.limitExceeded, file: path, message: "工作表声明了 \(rowCount) 行 \(columnCount) 列，超出 Excel 上限",
                             advice: "文件可能已损坏；请用 Excel 或 WPS 打开检查后另存为 .xlsx")
        }
        // Formula results may lie past FreeXL's dimensions when the DIMENSION record is off.
        let lastRow = max(rowCount, (extras.cells.keys.max() ?? -1) + 1)
        var cells: [Cell] = []
        for row in 0..<lastRow {
            cells.removeAll(keepingCapacity: true)
            let extra = extras.cells[row] ?? []
            var next = 0
            if row < rowCount {
                for column in 0..<columnCount {
                    while next < extra.count, extra[next].column < column {
                        cells.append(extra[next])
                        next += 1
                    }
                    if next < extra.count, extra[next].column == column {
                        // The record pass knows this cell better (a BOOLERR FreeXL read as 0 or 1).
                        cells.append(extra[next])
                        next += 1
                        continue
                    }
                    let value: FreeXLWorkbook.Value
                    do {
                        value = try freeXL.value(row: row, column: column)
                    } catch {
                        var located = error.sheetError(file: path)
                        located.row = row
                        located.cell = CellReference(row: row, column: column).description
                        throw located
                    }
                    if let cell = Self.cell(value, column: column) { cells.append(cell) }
                }
            }
            cells.append(contentsOf: extra[next...])
            if !cells.isEmpty { try body(Row(index: row, cells: cells)) }
        }
        return extras.mergedRanges
    }

    /// A FreeXL value as a cell; nil for an empty cell or empty text.
    static func cell(_ value: FreeXLWorkbook.Value, column: Int) -> Cell? {
        switch value {
        case .empty:
            return nil
        case .integer(let number):
            return Cell(column: column, value: .number(Double(number)))
        case .double(let number):
            return Cell(column: column, value: .number(number))
        case .text(let text):
            return text.isEmpty ? nil : Cell(column: column, value: .text(text))
        case .date(let text):
            return dateCell(text, column: column, formatID: 14)
        case .dateTime(let text):
            return dateCell(text, column: column, formatID: 22)
        case .time(let text):
            return dateCell(text, column: column, formatID: 21)
        }
    }

    private static func dateCell(_ text: String, column: Int, formatID: Int) -> Cell {
        let format = NumberFormat(id: formatID, code: NumberFormat.builtInCode(formatID) ?? "General", isDateTime: true)
        // FreeXL always writes one of its three forms; anything else is kept as it came.
        guard let date = parseDateTime(text) else { return Cell(column: column, value: .text(text), format: format) }
        return Cell(column: column, value: .date(date), format: format)
    }

    /// Parses FreeXL's `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `HH:MM:SS`.
    ///
    /// FreeXL rounds the time to the second and may write `24:00:00` for a value just short of
    /// midnight; that becomes 00:00:00 of the next day.
    static func parseDateTime(_ text: String) -> LocalDateTime? {
        let parts = text.split(separator: " ")
        guard parts.count == 1 || parts.count == 2 else { return nil }
        var result = LocalDateTime(year: 1899, month: 12, day: 31, hasDate: false)
        for part in parts {
            if part.contains("-") {
                let ymd = part.split(separator: "-")
                guard ymd.count == 3, let y = Int(ymd[0]), let m = Int(ymd[1]), let d = Int(ymd[2]) else { return nil }
                (result.year, result.month, result.day, result.hasDate) = (y, m, d, true)
            } else {
                let hms = part.split(separator: ":")
                guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]),
                      (0...24).contains(h), (0..<60).contains(m), (0..<60).contains(s) else { return nil }
                (result.hour, result.minute, result.second) = (h, m, s)
            }
        }
        guard result.hour == 24 else { return result }
        result.hour = 0
        guard result.hasDate else { return result }
        let nextDay = LocalDateTime(year: result.year, month: result.month, day: result.day).excelSerial() + 1
        return LocalDateTime(excelSerial: nextDay, uses1904: false)
    }

    /// The whole file: FreeXL reads it all as well, and the record pass needs the stream.
    private static func readFile(_ path: String) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FormatDetector.openError(path) }
        let size = Int(info.st_size)
        guard size <= maximumFileSize else {
            throw SheetError(.limitExceeded, file: path, message: "文件超过 1 GB，旧版 .xls 不能这么大",
                             advice: "请确认选对了文件；大表请另存为 .xlsx 或 .csv 再导入")
        }
        return try FormatDetector.readHead(path, count: size)
    }

    private static func error(_ failure: CompoundFile.Failure, path: String) -> SheetError {
        switch failure {
        case .truncated(let detail):
            return SheetError(.corrupt, file: path, message: "文件不完整（可能下载或复制时被截断）",
                              advice: "请重新获取原文件；能用 Excel 或 WPS 打开的，另存为 .xlsx 后再导入", detail: detail)
        case .malformed(let detail):
            return SheetError(.corrupt, file: path, message: "文件已损坏，不是有效的 Excel 97-2003 工作簿",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入", detail: detail)
        }
    }

    private static func error(_ failure: BIFFFailure, path: String) -> SheetError {
        switch failure {
        case .notBIFF:
            return SheetError(.corrupt, file: path, message: "文件已损坏：工作簿数据的开头无效",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入")
        case .unsupportedVersion(let version):
            let hex = String(version, radix: 16, uppercase: true)
            return SheetError(.unsupportedFormat, file: path, message: "工作簿的版本不受支持（只读 Excel 95 至 2003 的 .xls）",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: "BOF 版本 0x\(hex)")
        case .malformed(let detail):
            return SheetError(.corrupt, file: path, message: "文件已损坏，记录结构无效",
                              advice: "请用 Excel 或 WPS 打开该文件，能打开的另存为 .xlsx 后再导入", detail: detail)
        case .badText(let detail):
            return SheetError(.badEncoding, file: path, message: "文件中的文字编码无法识别",
                              advice: "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入", detail: detail)
        }
    }
}
