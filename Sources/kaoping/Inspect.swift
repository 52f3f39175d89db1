import ArgumentParser
import Roster
import SheetIO

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "显示一个表格文件是如何被读取的：格式、编码、工作表、使用范围、行数和前几行。",
        discussion: "身份证号、电话等个人信息在屏幕上只显示部分数字。")

    @Argument(help: "要查看的文件（.xlsx / .xls / .csv）")
    var file: String

    @Option(name: .long, help: "每个工作表显示的前几行")
    var rows: Int = 5

    @Option(name: .long, help: "只查看这个工作表（名称或从 1 起的序号）")
    var sheet: String?

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows 不能为负数") }
    }

    func run() throws {
        let workbook = try Workbook.open(file)
        var header = "文件：\(file)\n格式：\(Inspect.formatName(workbook.format))"
        if let encoding = workbook.textEncoding { header += "\n编码：\(encoding.displayName)" }
        if let delimiter = workbook.delimiter { header += "\n分隔符：\(Inspect.delimiterName(delimiter))" }
        if workbook.format != .csv { header += "\n日期系统：\(workbook.uses1904 ? "1904（旧版 Mac Excel）" : "1900")" }
        print(header)
        for warning in workbook.warnings { print("注意：\(warning)") }
        let chosen = try sheet.map { [try workbook.sheet($0)] } ?? workbook.sheets
        print("工作表：共 \(workbook.sheets.count) 个")
        for info in chosen {
            var preview: [Row] = []
            var head: [Row] = []
            let summary = try workbook.forEachRow(in: info) { row in
                if preview.count < rows { preview.append(row) }
                if row.index < HeaderRecognition.searchDepth + 1 { head.append(row) }
            }
            var line = "\n[\(info.index + 1)] \(info.name)"
            switch info.visibility {
            case .visible: break
            case .hidden: line += "（隐藏）"
            case .veryHidden: line += "（深度隐藏）"
            }
            print(line)
            print("  使用范围：\(summary.usedRange?.description ?? "（空）")，非空行 \(summary.rowCount) 行")
            if !summary.mergedRanges.isEmpty {
                let shown = summary.mergedRanges.prefix(8).map(\.description).joined(separator: " ")
                print("  合并单元格：\(summary.mergedRanges.count) 处 \(shown)\(summary.mergedRanges.count > 8 ? " …" : "")")
            }
            for row in preview {
                let cells = row.cells.map { cell in
                    "\(cell.reference(row: row.index))=\(Redaction.mask(Inspect.shortened(cell.text)))\(Inspect.kindMark(cell))"
                }
                print("  第 \(row.index + 1) 行：" + cells.joined(separator: "  "))
            }
            Inspect.printMapping(Sheet(info: info, rows: head, summary: summary))
        }
    }

    /// The columns Roster recognises, and why: what a clerk checks before an evaluation.
    static func printMapping(_ sheet: Sheet) {
        guard let mapping = HeaderRecognition.recognise(sheet) else {
            print("  表头：前 \(HeaderRecognition.searchDepth) 行中没有识别出表头")
            return
        }
        let rows = mapping.headerRows.map { "第 \($0 + 1) 行" }.joined(separator: "、")
        print("  表头：\(rows)\(mapping.titleRows.isEmpty ? "" : "（其上 \(mapping.titleRows.count) 行为标题）")")
        for role in ColumnRole.allCases {
            guard let match = mapping.matches[role] else { continue }
            print("    \(role.label) ← \(CellReference.columnName(match.column)) 列：\(match.reason)")
        }
    }

    static func formatName(_ format: FileFormat) -> String {
        switch format {
        case .xlsx: return "Excel 工作簿（.xlsx）"
        case .xls: return "旧版 Excel 工作簿（.xls）"
        case .csv: return "文本表格（CSV）"
        }
    }

    static func delimiterName(_ delimiter: Character) -> String {
        switch delimiter {
        case ",": return "逗号"
        case "\t": return "制表符"
        case ";": return "分号"
        default: return "「\(delimiter)」"
        }
    }

    /// Marks cells whose type matters to a clerk: numbers (an ID stored as a number has
    /// lost digits), dates and errors.
    static func kindMark(_ cell: Cell) -> String {
        switch cell.value {
        case .number: return cell.format.isText ? "" : "（数字）"
        case .date: return "（日期）"
        case .error: return "（错误值）"
        case .bool: return "（逻辑值）"
        case .text, .empty: return ""
        }
    }

    static func shortened(_ text: String) -> String {
        let flat = String(text.map { $0 == "\n" ? "⏎" : $0 })
        return flat.count > 40 ? String(flat.prefix(40)) + "…" : flat
    }
}
