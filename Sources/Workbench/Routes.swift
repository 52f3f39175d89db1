import Foundation
import Hummingbird
import Yams
import NIOCore
import Roster
import Scoring
import SheetIO

/// Every route of the workbench (README “Workbench routes” lists them with their answers).
enum Routes {
    static let workspacePrefix = "/api/workspaces/"

    static func router(store: WorkspaceStore, options: WorkbenchOptions) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let sessions = Sessions()
        let runner = EvaluationRunner()
        let locks = WorkspaceLocks()
        let handlers = Handlers(store: store, options: options, runner: runner, locks: locks)
        router.add(middleware: GuardMiddleware(password: options.password, sessions: sessions))
        router.add(middleware: ErrorMiddleware())

        // The page, embedded in the binary.
        router.get("/") { _, _ in Reply.bytes(Page.indexHTML, type: "text/html; charset=utf-8") }
        router.get("/app.js") { _, _ in Reply.bytes(Page.appJS, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in Reply.bytes(Page.appCSS, type: "text/css; charset=utf-8") }

        router.get("/login") { _, _ in
            options.password == nil ? Response(status: .seeOther, headers: [.location: "/"]) : Reply.html(Page.login(failed: false))
        }
        router.post("/login") { request, context in
            guard let password = options.password else { return Response(status: .seeOther, headers: [.location: "/"]) }
            let body = try await request.body.collect(upTo: 16 * 1024)
            let form = String(buffer: body)
            let given = form.split(separator: "&").compactMap { pair -> String? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0] == "password" else { return nil }
                return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }.first ?? ""
            guard Secret.equal(given, password) else {
                // A second per wrong guess: guessing a password over the network stays slow.
                try await Task.sleep(for: .seconds(1))
                return Reply.html(Page.login(failed: true), status: .unauthorized)
            }
            let token = sessions.make()
            return Response(status: .seeOther, headers: [
                .location: "/",
                .setCookie: "kaoping_session=\(token); Path=/; HttpOnly; SameSite=Strict",
            ])
        }
        router.post("/logout") { request, _ in
            if let token = GuardMiddleware<BasicRequestContext>.cookie("kaoping_session", in: request) { sessions.remove(token) }
            return Response(status: .seeOther, headers: [
                .location: options.password == nil ? "/" : "/login",
                .setCookie: "kaoping_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
            ])
        }

        router.get("/api/templates") { _, _ in
            let templates = Template.available(configDirectory: nil).compactMap { entry -> [String: String]? in
                guard let template = try? Template.load(path: entry.path) else { return nil }
                return ["id": entry.id, "name": template.title]
            }
            return Reply.json(templates)
        }
        router.get("/api/workspaces") { _, _ in try await handlers.list() }
        router.post("/api/workspaces") { request, _ in try await handlers.create(request) }
        router.get("/api/workspaces/:id") { _, context in try await handlers.show(try context.parameters.require("id")) }
        router.put("/api/workspaces/:id/files/**") { request, context in
            try await handlers.upload(request, id: try context.parameters.require("id"))
        }
        router.patch("/api/workspaces/:id/files/**") { request, context in
            try await handlers.changeFile(request, id: try context.parameters.require("id"))
        }
        router.delete("/api/workspaces/:id/files/**") { request, context in
            try await handlers.deleteFile(request, id: try context.parameters.require("id"))
        }
        router.get("/api/workspaces/:id/config") { _, context in try await handlers.config(try context.parameters.require("id")) }
        router.put("/api/workspaces/:id/config") { request, context in
            try await handlers.putConfig(request, id: try context.parameters.require("id"))
        }
        router.get("/api/workspaces/:id/sheets") { request, context in
            try await handlers.sheets(request, id: try context.parameters.require("id"))
        }
        router.patch("/api/workspaces/:id/sheets") { request, context in
            try await handlers.changeSheet(request, id: try context.parameters.require("id"))
        }
        router.get("/api/workspaces/:id/form") { _, context in try await handlers.form(try context.parameters.require("id")) }
        router.patch("/api/workspaces/:id/form") { request, context in
            try await handlers.changeForm(request, id: try context.parameters.require("id"), save: true)
        }
        router.post("/api/workspaces/:id/form/check") { request, context in
            try await handlers.changeForm(request, id: try context.parameters.require("id"), save: false)
        }
        router.post("/api/workspaces/:id/evaluate") { _, context in try await handlers.evaluate(try context.parameters.require("id")) }
        router.get("/api/workspaces/:id/progress") { _, context in
            let id = try context.parameters.require("id")
            _ = try store.workspace(id)
            return Reply.json(runner.progress(of: id))
        }
        router.get("/api/workspaces/:id/result") { _, context in try await handlers.result(try context.parameters.require("id")) }
        router.get("/api/workspaces/:id/findings/:n/row") { _, context in
            try await handlers.findingRow(try context.parameters.require("id"), n: try context.parameters.require("n", as: Int.self))
        }
        router.get("/api/workspaces/:id/review") { _, context in try await handlers.review(try context.parameters.require("id")) }
        router.put("/api/workspaces/:id/review/:key") { request, context in
            try await handlers.decide(request, id: try context.parameters.require("id"), key: try context.parameters.require("key"))
        }
        router.get("/api/workspaces/:id/workbook") { request, context in
            try await handlers.workbook(try context.parameters.require("id"), masked: request.uri.queryParameters["masked"] == "1")
        }
        router.get("/api/workspaces/:id/json") { _, context in try await handlers.jsonDownload(try context.parameters.require("id")) }
        return router
    }
}

/// Turns thrown errors into JSON answers: the Chinese message with its status.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as WorkbenchError {
            return Reply.error(error)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Reply.error(.contentTooLarge, "请求内容太大")
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "没有这个地址" : error.status == .badRequest ? "请求不正确：\(error.body ?? "")" : "\(error.status)"
            return Reply.error(error.status, message)
        } catch is DecodingError {
            return Reply.error(.badRequest, "请求内容不是所需的 JSON")
        }
    }
}

/// The routes' work: each checks its workspace id first and does slow work off the request thread.
struct Handlers: Sendable {
    let store: WorkspaceStore
    let options: WorkbenchOptions
    let runner: EvaluationRunner
    let locks: WorkspaceLocks

    static let jsonLimit = 1 << 20

    func json<T: Decodable>(_ request: Request, as type: T.Type) async throws -> T {
        let body = try await request.body.collect(upTo: Handlers.jsonLimit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw WorkbenchError(.badRequest, "请求内容不是所需的 JSON")
        }
    }

    // MARK: Workspaces

    struct Summary: Codable {
        var id, county, template: String
        var updated: String
    }

    func list() async throws -> Response {
        let found = try await offload { [store] in
            store.list().map { ws -> Summary in
                let document = (try? ws.document()) ?? ConfigDocument(text: "")
                return Summary(id: ws.id, county: document.scalar("county") ?? "", template: document.scalar("template") ?? "guangdong-2019",
                               updated: ISO8601DateFormatter().string(from: ws.updated))
            }
        }
        return Reply.json(found)
    }

    struct NewWorkspace: Codable {
        var county: String
        var template: String?
        var cutoff: String?
    }

    func create(_ request: Request) async throws -> Response {
        let input = try await json(request, as: NewWorkspace.self)
        let county = input.county.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !county.isEmpty, county.count <= 40, !county.unicodeScalars.contains(where: { $0.value < 0x20 || "/\\".unicodeScalars.contains($0) }) else {
            throw WorkbenchError(.unprocessable, "请填写县（市、区）名称，如“乐昌市”（不超过 40 个字，不含斜杠）")
        }
        let template = input.template ?? "guangdong-2019"
        guard Template.available(configDirectory: nil).contains(where: { $0.id == template }) else {
            throw WorkbenchError(.unprocessable, "没有模板“\(template)”；可用的模板见 /api/templates")
        }
        if let cutoff = input.cutoff, !cutoff.isEmpty, CalendarDate(cutoff) == nil {
            throw WorkbenchError(.unprocessable, "考评截止日期应写作 YYYY-MM-DD，如 2021-08-31")
        }
        let cutoff = input.cutoff.flatMap { $0.isEmpty ? nil : CalendarDate($0)?.description }
        let ws = try store.create(county: county, template: template, cutoff: cutoff)
        return Reply.json(["id": ws.id], status: .created)
    }

    struct WorkspaceView: Codable {
        var id, county, template: String
        @Nullable var cutoff: String?
        var files: [FileView]
        var hasResult: Bool
        var configErrors: [LineError]
    }

    struct LineError: Codable, Equatable {
        var line: Int?
        var message: String
    }

    func show(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let view = try await offload {
            let document = try ws.document()
            var errors: [LineError] = []
            do { _ = try Config.load(path: ws.configPath) } catch { errors = Handlers.lineErrors(error) }
            return WorkspaceView(id: ws.id, county: document.scalar("county") ?? "", template: document.scalar("template") ?? "guangdong-2019",
                                 cutoff: document.scalar("cutoff"), files: ws.fileViews(),
                                 hasResult: FileManager.default.fileExists(atPath: ws.stateDirectory + "/result.json"), configErrors: errors)
        }
        return Reply.json(view)
    }

    static func lineErrors(_ error: Error) -> [LineError] {
        switch error {
        case let e as ConfigErrors: return e.errors.map { LineError(line: $0.line, message: $0.description) }
        case let e as ConfigError: return [LineError(line: e.line, message: e.description)]
        default: return [LineError(line: nil, message: "\(error)")]
        }
    }

    // MARK: Files

    /// The file path of a /files/ route, from the raw URL (each segment decoded once, checked).
    func filePath(_ request: Request, id: String) throws -> String {
        let raw = request.uri.path
        let prefix = Routes.workspacePrefix + id + "/files/"
        guard raw.hasPrefix(prefix) else { throw WorkbenchError(.badRequest, "文件路径不正确") }
        let segments = raw.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        return "files/" + (try UploadPath.fromURL(segments: segments))
    }

    /// A stored file named by a /files/ route: `files/<path>`, or for a file a hand-written
    /// config keeps outside files/ (`data/…`), the path itself.
    func storedPath(_ request: Request, in ws: Workspace) throws -> String {
        let path = try filePath(request, id: ws.id)
        let stored = ws.storedFiles()
        if stored.contains(path) { return path }
        let bare = String(path.dropFirst(6))
        if stored.contains(bare) { return bare }
        throw WorkbenchError(.notFound, "没有这个文件：\(bare)")
    }

    func upload(_ request: Request, id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let path = try filePath(request, id: id)
        let maxFile = options.maxFileBytes, maxWorkspace = options.maxWorkspaceBytes
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > maxFile {
            throw tooLarge(file: path, limit: maxFile)
        }
        // Stream the body into the workspace's own staging folder, counting as it comes.
        let staging = ws.stateDirectory + "/upload-" + WorkspaceStore.newID()
        try FileManager.default.createDirectory(atPath: ws.stateDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: staging, contents: nil), let handle = FileHandle(forWritingAtPath: staging) else {
            throw WorkbenchError(.badRequest, "无法保存上传的文件")
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var bytes: Int64 = 0
        do {
            for try await buffer in request.body {
                bytes += Int64(buffer.readableBytes)
                if bytes > maxFile { throw tooLarge(file: path, limit: maxFile) }
                try handle.write(contentsOf: Data(buffer: buffer))
            }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        let isZip = path.lowercased().hasSuffix(".zip")
        let received = bytes
        let options = self.options
        let result: Response = try await offload { [locks] in
            try locks.with(id) {
                let existing = ws.storedBytes() - ws.size(path)
                if !isZip && existing + received > maxWorkspace {
                    throw WorkbenchError(.tooLarge, "工作区的文件合计将超过上限 \(ZipUnpacker.megabytes(maxWorkspace))，"
                        + "「\(path.dropFirst(6))」未保存；请删除不用的文件，或用 --max-workspace-mb 调高上限")
                }
                if isZip {
                    let views = try Handlers.unpack(zip: staging, as: path, into: ws, room: maxWorkspace - ws.storedBytes(), options: options)
                    return Reply.json(["files": views], status: .created)
                }
                let target = try ws.absolute(path)
                guard target.hasPrefix(ws.filesDirectory + "/") else { throw WorkbenchError(.badRequest, "路径离开了工作区") }
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
                try FileManager.default.moveItem(atPath: staging, toPath: target)
                return Reply.json(try Handlers.classifyAndAssign(path, in: ws), status: .created)
            }
        }
        return result
    }

    func tooLarge(file: String, limit: Int64) -> WorkbenchError {
        WorkbenchError(.tooLarge, "文件「\(file.dropFirst(6))」超过单个文件上限 \(ZipUnpacker.megabytes(limit))，未保存；如确需上传，请用 --max-file-mb 调高上限")
    }

    /// Classifies a stored file and records it in the config; a class a person chose stays.
    static func classifyAndAssign(_ path: String, in ws: Workspace) throws -> FileView {
        let full = try ws.absolute(path)
        let found = FileClassifier.classify(path: full)
        var note = Workspace.FileNote(inputClass: found.inputClass, reason: found.reason)
        if let previous = ws.notes()[path], previous.chosen { note = previous }
        try ws.assign(path, to: note.inputClass, excluded: false, note: note)
        return FileView(path: path, size: ws.size(path), class: note.inputClass.rawValue, reason: note.reason, excluded: false)
    }

    /// Unpacks an uploaded zip into a folder named after it, with SheetIO's zip guards.
    static func unpack(zip: String, as path: String, into ws: Workspace, room: Int64, options: WorkbenchOptions) throws -> [FileView] {
        let folder = String(path.dropLast(4))
        let staging = ws.stateDirectory + "/unpack-" + WorkspaceStore.newID()
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let entries: [ZipUnpacker.Entry]
        do {
            entries = try ZipUnpacker.unpack(zip, into: staging, limits: .init(maxEntryBytes: options.maxFileBytes, maxTotalBytes: max(0, room))) {
                try UploadPath.zipEntry($0)
            }
        } catch let refusal as ZipUnpacker.Refusal {
            switch refusal.kind {
            case .tooLarge: throw WorkbenchError(.tooLarge, refusal.message + "；压缩包未导入")
            case .badName: throw WorkbenchError(.badRequest, refusal.message)
            case .tooManyEntries, .unreadable: throw WorkbenchError(.unprocessable, refusal.message + "；压缩包未导入")
            }
        }
        // A zip holding one folder of the same name (乐昌市.zip → 乐昌市/…) is not nested twice.
        let tops = Set(entries.map { $0.path.split(separator: "/").first.map(String.init) ?? "" })
        let zipName = String(folder.split(separator: "/").last ?? "")
        let strip = tops.count == 1 && tops.first == zipName && entries.allSatisfy { $0.path.contains("/") }
        var views: [FileView] = []
        for entry in entries {
            let relative = strip ? String(entry.path.dropFirst(zipName.count + 1)) : entry.path
            let path = folder + "/" + relative
            let target = try ws.absolute(path)
            guard target.hasPrefix(ws.filesDirectory + "/") else { throw WorkbenchError(.badRequest, "路径离开了工作区") }
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: staging + "/" + entry.path, toPath: target)
            views.append(try classifyAndAssign(path, in: ws))
        }
        return views
    }

    struct FileChange: Codable {
        var `class`: String?
        var excluded: Bool?
    }

    func changeFile(_ request: Request, id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let path = try storedPath(request, in: ws)
        let change = try await json(request, as: FileChange.self)
        let chosen = try change.class.map { name -> InputClass in
            guard let cls = InputClass(rawValue: name) else {
                throw WorkbenchError(.unprocessable, "class 应是 signins、villages、stations、poor_registry 或 not_data")
            }
            return cls
        }
        let view: FileView = try await offload { [locks] in
            try locks.with(id) {
                guard FileManager.default.fileExists(atPath: try ws.absolute(path)) else { throw WorkbenchError(.notFound, "没有这个文件：\(path)") }
                let current = ws.fileViews().first { $0.path == path }
                let cls = chosen ?? current.flatMap { InputClass(rawValue: $0.class) } ?? .notData
                let excluded = change.excluded ?? current?.excluded ?? false
                var note = ws.notes()[path] ?? Workspace.FileNote(inputClass: cls, reason: "")
                if let chosen {
                    note = Workspace.FileNote(inputClass: chosen, reason: "由人工指定为\(chosen.label)", chosen: true)
                }
                try ws.assign(path, to: cls, excluded: excluded, note: note)
                return ws.fileViews().first { $0.path == path }!
            }
        }
        return Reply.json(view)
    }

    func deleteFile(_ request: Request, id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let path = try storedPath(request, in: ws)
        try await offload { [locks] in try locks.with(id) { try ws.delete(path) } }
        return Response(status: .noContent)
    }

    // MARK: Config

    func config(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let text = try ws.document().text
        return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Replaces config.yaml after the loader accepts it; otherwise 422 with each error's line.
    func putConfig(_ request: Request, id: String) async throws -> Response {
        let ws = try store.workspace(id)
        let body = try await request.body.collect(upTo: Handlers.jsonLimit)
        let text = String(buffer: body)
        let errors: [LineError] = try await offload { [locks] in
            try locks.with(id) {
                let trial = ws.directory + "/.config-check-" + WorkspaceStore.newID() + ".yaml"
                try Data(text.utf8).write(to: URL(fileURLWithPath: trial))
                defer { try? FileManager.default.removeItem(atPath: trial) }
                do {
                    var loaded = try Config.load(path: trial)
                    loaded.output = loaded.output ?? EvaluationRun.defaultOutput(for: loaded)
                    if let outside = Confinement.outside(loaded, workspace: ws) { return [LineError(line: nil, message: outside)] }
                } catch {
                    let trialName = (trial as NSString).lastPathComponent
                    return Handlers.lineErrors(error).map {
                        LineError(line: $0.line, message: $0.message.replacingOccurrences(of: trialName, with: "config.yaml"))
                    }
                }
                try ws.save(ConfigDocument(text: text))
                return []
            }
        }
        if !errors.isEmpty { return Reply.json(["errors": errors], status: .unprocessableContent) }
        return Reply.json(["status": "ok"])
    }

    // MARK: Evaluation

    func evaluate(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        do {
            return Reply.json(try await runner.evaluate(ws))
        } catch let failure as EvaluationFailure {
            return Reply.error(.unprocessableContent, failure.message)
        }
    }

    func result(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        guard let data = FileManager.default.contents(atPath: ws.stateDirectory + "/result.json"),
              let view = try? JSONDecoder().decode(ResultView.self, from: data) else {
            throw WorkbenchError(.notFound, "还没有计算结果，请先计算")
        }
        // `json` goes out as the object itself, not as a string.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        struct Rest: Codable {
            var total: Double
            var veto: Bool
            var workbook: String
            var items: [ResultView.Item]
            var metrics: [ResultView.MetricRow]
            var findings: [ResultView.FindingRow]
        }
        let rest = String(decoding: try encoder.encode(Rest(total: view.total, veto: view.veto, workbook: view.workbook, items: view.items,
                                                            metrics: view.metrics, findings: view.findings)), as: UTF8.self)
        return Reply.json("{\"json\":" + view.json + "," + rest.dropFirst())
    }

    struct RowView: Codable {
        struct CellView: Codable {
            var letter: String
            var text: String
        }
        var file, sheet: String
        var row: Int
        var cells: [CellView]
    }

    func findingRow(_ id: String, n: Int) async throws -> Response {
        let ws = try store.workspace(id)
        guard let data = FileManager.default.contents(atPath: ws.stateDirectory + "/result.json"),
              let view = try? JSONDecoder().decode(ResultView.self, from: data) else {
            throw WorkbenchError(.notFound, "还没有计算结果，请先计算")
        }
        guard n >= 1, n <= view.findings.count else { throw WorkbenchError(.notFound, "没有第 \(n) 条数据问题") }
        let finding = view.findings[n - 1]
        guard let row = finding.row, !finding.sheet.isEmpty else { throw WorkbenchError(.notFound, "这条数据问题不在某一行上") }
        let file = try ws.absolute(finding.file)
        guard ws.storedFiles().contains(finding.file) else { throw WorkbenchError(.notFound, "这条数据问题的文件不在工作区中") }
        let cells: [RowView.CellView] = try await offload {
            let workbook = try Workbook.open(file)
            guard let info = workbook.sheet(named: finding.sheet) else { throw WorkbenchError(.notFound, "工作表「\(finding.sheet)」已不存在") }
            var found: Row?
            try workbook.forEachRow(in: info) { r in if r.index == row - 1 { found = r } }
            return (found?.cells ?? []).map { RowView.CellView(letter: CellReference.columnName($0.column), text: Redaction.mask($0.text)) }
        }
        return Reply.json(RowView(file: finding.file, sheet: finding.sheet, row: row, cells: cells))
    }

    // MARK: Review

    func review(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        guard let data = FileManager.default.contents(atPath: ws.stateDirectory + "/review.json"),
              var list = try? JSONDecoder().decode([ReviewView].self, from: data) else {
            return Reply.json([ReviewView]())
        }
        let decisions = (try? Handlers.decisions(ws)) ?? [:]
        for i in list.indices { list[i].decision = decisions[list[i].key]?.rawValue }
        return Reply.json(list)
    }

    /// The decisions file the config names (created as decisions.yaml when it names none).
    static func decisionsFile(_ ws: Workspace, create: Bool) throws -> String {
        var document = try ws.document()
        if let name = document.root["decisions"] as? String {
            let path = try ws.absolute(name)
            return path
        }
        guard create else { return ws.directory + "/decisions.yaml" }
        document.set("decisions", .string("decisions.yaml"))
        try ws.save(document)
        return ws.directory + "/decisions.yaml"
    }

    static func decisions(_ ws: Workspace) throws -> [String: ReviewDecision] {
        let file = try decisionsFile(ws, create: false)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let table = (try? Yams.load(yaml: text)) as? [String: Any] else { return [:] }
        var out: [String: ReviewDecision] = [:]
        for (key, value) in table {
            switch "\(value)" {
            case "same", "是同一人": out[key] = .same
            case "different", "不是同一人": out[key] = .different
            default: break
            }
        }
        return out
    }

    struct Decision: Codable {
        var decision: String?
    }

    func decide(_ request: Request, id: String, key: String) async throws -> Response {
        let ws = try store.workspace(id)
        guard ReviewKey.isValid(key) else { throw WorkbenchError(.notFound, "没有这个待核查编号") }
        let input = try await json(request, as: Decision.self)
        let decision: ReviewDecision?
        switch input.decision {
        case nil: decision = nil
        case let text?:
            guard let d = ReviewDecision(rawValue: text) else { throw WorkbenchError(.unprocessable, "decision 应是 same、different 或 null") }
            decision = d
        }
        try await offload { [locks] in
            try locks.with(id) {
                var table = try Handlers.decisions(ws)
                table[key] = decision
                let file = try Handlers.decisionsFile(ws, create: true)
                guard file.hasPrefix(ws.directory + "/") else { throw WorkbenchError(.badRequest, "决定文件不在工作区中") }
                var lines = ["# 待核查名单上的人工判断：same 是同一人（合并计算），different 不是同一人。",
                             "# 由 kaoping serve 的页面写入；kaoping evaluate 按配置中的 decisions 读取。"]
                for k in table.keys.sorted() { lines.append("\(k): \(table[k]!.rawValue)") }
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            }
        }
        return Reply.json(["key": key, "decision": decision?.rawValue ?? "null"])
    }

    // MARK: Downloads

    func workbook(_ id: String, masked: Bool) async throws -> Response {
        let ws = try store.workspace(id)
        guard let data = FileManager.default.contents(atPath: ws.stateDirectory + "/result.json"),
              let view = try? JSONDecoder().decode(ResultView.self, from: data) else {
            throw WorkbenchError(.notFound, "还没有计算结果，请先计算")
        }
        var path = try ws.absolute(view.workbook)
        guard path.hasPrefix(ws.directory + "/") else { throw WorkbenchError(.notFound, "自评表不在工作区中") }
        if masked { path = EvaluationRun.maskedPath(path) }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw WorkbenchError(.notFound, "找不到自评表，请重新计算") }
        return Reply.bytes([UInt8](bytes), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", cache: "no-store",
                           filename: (path as NSString).lastPathComponent)
    }

    func jsonDownload(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        guard let bytes = FileManager.default.contents(atPath: ws.outDirectory + "/result.json") else {
            throw WorkbenchError(.notFound, "还没有计算结果，请先计算")
        }
        let county = (((try? ws.document()) ?? ConfigDocument(text: "")).root["county"] as? String) ?? "考评"
        return Reply.bytes([UInt8](bytes), type: "application/json; charset=utf-8", cache: "no-store", filename: "\(county)-结果.json")
    }
}
