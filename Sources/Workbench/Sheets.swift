import Foundation
import Hummingbird
import Roster
import Scoring
import SheetIO

/// Per sheet of a file: the columns recognised (as `kaoping inspect` shows them), a masked
/// preview, and the clerk's fixes, saved into the config's `columns:` and `sheets:`.
struct SheetView: Codable {
    struct ColumnView: Codable {
        var letter: String
        var role: String
        var label: String
        var header: String
        var reason: String
    }
    struct PreviewRow: Codable {
        var row: Int
        var cells: [String]
    }
    var sheet: String
    var hidden: Bool
    var skipped: Bool
    @Nullable var headerRow: Int?
    var splitByDate: Bool
    var formExport: Bool
    var fixed: Bool
    var columns: [ColumnView]
    var preview: [PreviewRow]
    var rows: Int
}

extension Handlers {
    static let previewRows = 15
    static let previewColumns = 40

    /// The `file` query parameter: a stored file's path relative to the workspace.
    func queryFile(_ request: Request, in ws: Workspace) throws -> String {
        guard let raw = request.uri.queryParameters["file"].map(String.init), let decoded = raw.removingPercentEncoding else {
            throw WorkbenchError(.badRequest, "缺少 file 参数（文件在工作区中的路径，如 files/签到表.xlsx）")
        }
        let path = try UploadPath.check(decoded)
        guard ws.storedFiles().contains(path) else { throw WorkbenchError(.notFound, "没有这个文件：\(path)") }
        return path
    }

    func sheets(_ request: Request, id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let path = try queryFile(request, in: ws)
        let views: [SheetView] = try await offload {
            let full = try ws.absolute(path)
            let config = try? Config.load(path: ws.configPath)
            let fixed = config?.sources.fixedMappings[full]
            let options = config?.sources.sheetOptions[full] ?? [:]
            let workbook: Workbook
            do { workbook = try Workbook.open(full) } catch { throw WorkbenchError(.unprocessable, "\(error)") }
            var out: [SheetView] = []
            for info in workbook.sheets {
                var head: [Row] = []
                let depth = max(HeaderRecognition.searchDepth + 1, Handlers.previewRows, (fixed?.headerRows.last ?? 0) + 2)
                let summary = try workbook.forEachRow(in: info) { row in if head.count < depth { head.append(row) } }
                let sheet = Sheet(info: info, rows: head, summary: summary)
                let option = options[info.name]
                let recognised = fixed ?? HeaderRecognition.recognise(sheet)
                let mapping = FormSubmission.mapping(for: sheet, fixed: recognised, split: option?.splitByDate) ?? recognised
                let columns = ColumnRole.allCases.compactMap { role -> SheetView.ColumnView? in
                    guard let match = mapping?.matches[role] else { return nil }
                    return .init(letter: CellReference.columnName(match.column), role: role.rawValue, label: role.label,
                                 header: Redaction.mask(match.header), reason: Redaction.mask(match.reason))
                }
                let width = min(Handlers.previewColumns, (head.compactMap { $0.cells.last?.column }.max() ?? -1) + 1)
                let preview = head.prefix(Handlers.previewRows).map { row in
                    SheetView.PreviewRow(row: row.index + 1, cells: (0..<width).map { c in Redaction.mask(Handlers.shortened(row[c]?.text ?? "")) })
                }
                out.append(SheetView(sheet: info.name, hidden: info.visibility != .visible, skipped: option?.skip ?? false,
                                     headerRow: mapping.map { $0.headerRows[0] + 1 },
                                     splitByDate: FormSubmission.splits(mapping),
                                     formExport: recognised?.column(.submittedAt) != nil, fixed: fixed != nil, columns: columns, preview: preview,
                                     rows: summary.rowCount))
            }
            return out
        }
        return Reply.json(views)
    }

    static func shortened(_ text: String) -> String {
        let flat = String(text.map { $0 == "\n" ? " " : $0 })
        return flat.count > 60 ? String(flat.prefix(60)) + "…" : flat
    }

    struct SheetChange: Codable {
        var headerRow: Int?
        var columns: [String: String?]?
        var splitByDate: Bool?
        var skip: Bool?
    }

    func changeSheet(_ request: Request, id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let path = try queryFile(request, in: ws)
        guard let sheetName = request.uri.queryParameters["sheet"].map(String.init)?.removingPercentEncoding, !sheetName.isEmpty else {
            throw WorkbenchError(.badRequest, "缺少 sheet 参数（工作表名称）")
        }
        let change = try await json(request, as: SheetChange.self)
        if let row = change.headerRow, row < 1 || row > 1_048_576 { throw WorkbenchError(.unprocessable, "表头行应从 1 起计") }
        var chosenRoles: [ColumnRole: Int?] = [:]
        for (name, letter) in change.columns ?? [:] {
            guard let role = ColumnRole(rawValue: name) else { throw WorkbenchError(.unprocessable, "“\(name)”不是已知的列") }
            if let letter, !letter.isEmpty {
                guard let column = CellReference.columnIndex(letter.uppercased()) else {
                    throw WorkbenchError(.unprocessable, "“\(role.label)”的列应写作字母，如 B 或 AA")
                }
                chosenRoles[role] = column
            } else {
                chosenRoles[role] = .some(nil)
            }
        }
        let roles = chosenRoles
        try await offload { [locks] in
            try locks.with(id) {
                let full = try ws.absolute(path)
                var document = try ws.document()
                let lists = InputLists(workspace: ws, document: document)
                guard lists.inputClass(of: path) != nil else {
                    throw WorkbenchError(.unprocessable, "「\(path.dropFirst(6))」目前不作为数据读取；请先在“上传材料”中为它选择类别")
                }
                let workbook = try Workbook.open(full)
                guard let info = workbook.sheet(named: sheetName) else { throw WorkbenchError(.notFound, "没有工作表「\(sheetName)」") }
                if change.headerRow != nil || change.columns != nil {
                    var head: [Row] = []
                    let summary = try workbook.forEachRow(in: info) { row in if head.count < 200 { head.append(row) } }
                    let sheet = Sheet(info: info, rows: head, summary: summary)
                    let config = try? Config.load(path: ws.configPath)
                    let current = config?.sources.fixedMappings[full] ?? HeaderRecognition.recognise(sheet)
                    var mapping: ColumnMapping
                    if let row = change.headerRow { mapping = HeaderRecognition.mapping(headerRow: row - 1, in: sheet) }
                    else if let current { mapping = current }
                    else { throw WorkbenchError(.unprocessable, "这张表的表头无法识别，请先指定表头所在的行") }
                    var columns = mapping.matches.mapValues(\.column)
                    columns[.formMetadata] = nil
                    for (role, column) in roles { columns[role] = column ?? nil }
                    var spec: [(String, YAMLOut)] = [("header_row", .number(Decimal(mapping.headerRows[0] + 1)))]
                    for role in ColumnRole.allCases where role != .formMetadata {
                        if let column = columns[role] { spec.append((role.rawValue, .string(CellReference.columnName(column)))) }
                    }
                    var table = (document.root["columns"] as? [String: Any]).map { t in t.keys.sorted().map { ($0, YAMLOut.from(t[$0]!)) } } ?? []
                    table.removeAll { $0.0 == path }
                    table.append((path, .map(spec)))
                    document.set("columns", .map(table))
                }
                if change.skip != nil || change.splitByDate != nil {
                    var files = document.root["sheets"] as? [String: Any] ?? [:]
                    var sheets = files[path] as? [String: Any] ?? [:]
                    var options = sheets[sheetName] as? [String: Any] ?? [:]
                    if let skip = change.skip { options["skip"] = skip ? true : nil }
                    if let split = change.splitByDate { options["split_by_date"] = split }
                    sheets[sheetName] = options.isEmpty ? nil : options
                    files[path] = sheets.isEmpty ? nil : sheets
                    document.set("sheets", files.isEmpty ? nil : YAMLOut.from(files))
                }
                try ws.save(document)
            }
        }
        return Reply.json(["status": "ok"])
    }
}
