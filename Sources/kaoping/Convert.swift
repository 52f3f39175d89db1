import ArgumentParser
import Roster
import SheetIO

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "把 .xlsx / .xls / .csv 文件转换为 CSV 或 XLSX。",
        discussion: """
            输出格式由输出文件的扩展名决定。转为 CSV 时只转换一个工作表（默认第一个）；
            转为 XLSX 时默认转换全部工作表。单元格转为文字的规则：整数不带“.0”，日期写作
            YYYY-MM-DD，逻辑值写作 TRUE/FALSE，合并单元格的值只写在左上角。
            """)

    @Argument(help: "输入文件（.xlsx / .xls / .csv）")
    var input: String

    @Argument(help: "输出文件（.csv 或 .xlsx）；已存在时在新文件写完后才替换")
    var output: String

    @Option(name: .long, help: "要转换的工作表：名称，或从 1 起的序号")
    var sheet: String?

    @Option(name: .long, help: "CSV 输出编码：utf8、utf8-bom 或 gb18030")
    var encoding: String = "utf8"

    @Flag(name: .long, help: "按位置保留离其他数据很远的单元格（如 XFD1048576），即使要写出上亿个空字段")
    var keepFarCells = false

    enum Target { case csv, xlsx }

    var target: Target? {
        switch output.split(separator: ".").last?.lowercased() {
        case "csv": return .csv
        case "xlsx": return .xlsx
        default: return nil
        }
    }

    var textEncoding: TextEncoding? {
        switch encoding {
        case "utf8": return .utf8
        case "utf8-bom": return .utf8BOM
        case "gb18030": return .gb18030
        default: return nil
        }
    }

    func validate() throws {
        guard target != nil else { throw ValidationError("输出文件的扩展名必须是 .csv 或 .xlsx：\(output)") }
        guard textEncoding != nil else { throw ValidationError("--encoding 只能是 utf8、utf8-bom 或 gb18030") }
        if target == .xlsx && encoding != "utf8" { throw ValidationError("--encoding 只用于 CSV 输出") }
    }

    func run() throws {
        let workbook = try Workbook.open(input)
        for warning in workbook.warnings { Terminal.note("注意：\(warning)") }
        switch target! {
        case .csv:
            let info = try sheet.map { try workbook.sheet($0) } ?? workbook.sheets.first ?? {
                throw CommandFailure(message: "文件「\(input)」中没有工作表")
            }()
            let writer = try CSVWriter(path: output, encoding: textEncoding!, refusing: [input])
            var lost = LostDigits()
            // A CSV cell is always text, so no long number can have lost digits: without an
            // observer, a UTF-8 CSV is copied byte by byte.
            let result = try CSVExport(workbook: workbook, sheet: info, writer: writer, keepFarCells: keepFarCells,
                                       observer: workbook.format == .csv ? nil : { lost.inspect($0) }).run()
            try writer.close()
            for warning in lost.warnings(file: input, sheet: info.name) { Terminal.note(warning) }
            let count = workbook.sheets.count
            let which = count == 1 ? "文件只有这一个工作表"
                : "文件共 \(count) 个工作表，这是第 \(info.index + 1) 个；其他工作表用 --sheet 名称或序号转换：" + workbook.sheets.map { "「\($0.name)」" }.joined(separator: "")
            Terminal.note("已写入 \(output)：工作表「\(info.name)」，\(result.records) 行 × \(result.width) 列（\(textEncoding!.displayName)）；\(which)")
        case .xlsx:
            let chosen = try sheet.map { [try workbook.sheet($0)] } ?? workbook.sheets
            // Rows go to disk as they are written: memory holds one row, not the sheet.
            let writer = try XLSXWriter(path: output, constantMemory: true, refusing: [input])
            var cells = 0
            for info in chosen {
                let target = try writer.addSheet(info.name)
                var lost = LostDigits()
                cells += try Convert.copy(info, of: workbook, to: target) { lost.inspect($0) }
                for warning in lost.warnings(file: input, sheet: info.name) { Terminal.note(warning) }
                if info.visibility != .visible { target.hide() }
            }
            try writer.close()
            Terminal.note("已写入 \(output)：\(chosen.count) 个工作表（文件共 \(workbook.sheets.count) 个：\(chosen.map { "「\($0.name)」" }.joined())），\(cells) 个单元格")
        }
    }

    /// Copies values, number formats and merged ranges row by row; an integer too long for a
    /// Double is written as text so no digit is lost. The merged ranges are read first (an
    /// XLSX sheet lists them after its rows), since rows are written strictly top to bottom.
    static func copy(_ info: SheetInfo, of workbook: Workbook, to target: WorksheetWriter, observe: (Row) -> Void) throws -> Int {
        var merges = try workbook.mergedRanges(in: info).sorted { $0.first.row < $1.first.row }
        var count = 0
        func style(_ cell: Cell) -> CellStyle? {
            if cell.exactInteger != nil { return CellStyle(numberFormat: "@") }
            return cell.format == .general ? nil : CellStyle(numberFormat: cell.format.code)
        }
        func value(_ cell: Cell) -> CellValue { cell.exactInteger.map { .text($0) } ?? cell.value }
        var active: [CellRange] = []  // merged ranges over the current row
        try workbook.forEachRow(in: info) { row in
            observe(row)
            // Merged ranges opening on rows without values.
            while let range = merges.first, range.first.row < row.index {
                try target.merge(range, value: .empty)
                active.append(range)
                merges.removeFirst()
            }
            active.removeAll { $0.last.row < row.index }
            var opening: [CellRange] = []
            while let range = merges.first, range.first.row == row.index {
                opening.append(range)
                merges.removeFirst()
            }
            active += opening
            for cell in row.cells {
                if let range = opening.first(where: { $0.first.column == cell.column }) {
                    try target.merge(range, value: value(cell), style: style(cell))
                    opening.removeAll { $0 == range }
                } else if active.hides(row: row.index, column: cell.column) {
                    continue  // a value under a merge, which Excel does not show
                } else {
                    try target.write(value(cell), row: row.index, column: cell.column, style: style(cell))
                }
                count += 1
            }
            for range in opening { try target.merge(range, value: .empty) }
        }
        for range in merges { try target.merge(range, value: .empty) }
        return count
    }
}
