import Foundation
import Report
import Roster
import Scoring
import SheetIO

/// Blocking work (reading files, evaluating) runs on a thread of its own, never on the
/// server's few cooperative threads nor on libdispatch's global queues, which are only as wide
/// as the machine has cores: two long evaluations must not hold up a short request.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// What `/progress` answers.
struct ProgressView: Codable, Equatable {
    var running: Bool
    var done: Int
    var total: Int
    var phase: String
}

/// The evaluations running now, by workspace, with their progress.
final class EvaluationRunner: @unchecked Sendable {
    private var progress: [String: ProgressView] = [:]
    private var running: [String: Int] = [:]
    private let lock = NSLock()

    func progress(of id: String) -> ProgressView {
        lock.withLock { progress[id] ?? ProgressView(running: false, done: 0, total: 0, phase: "") }
    }

    private func update(_ id: String, _ change: (inout ProgressView) -> Void) {
        lock.withLock {
            var p = progress[id] ?? ProgressView(running: true, done: 0, total: 0, phase: "")
            change(&p)
            p.running = (running[id] ?? 0) > 0
            progress[id] = p
        }
    }

    /// Evaluates a workspace as `kaoping evaluate WORKSPACE/config.yaml --json -` does, writes
    /// the workbook, the 公开版 and the JSON under out/, and keeps what the page shows.
    /// - Returns: the JSON, exactly as the command line prints it.
    func evaluate(_ workspace: Workspace) async throws -> String {
        let id = workspace.id
        lock.withLock { running[id, default: 0] += 1 }
        update(id) { $0 = ProgressView(running: true, done: 0, total: 0, phase: "读取配置") }
        defer {
            lock.withLock { running[id, default: 1] -= 1 }
            update(id) { $0.phase = $0.phase == "完成" ? "完成" : "结束" }
        }
        let result = try await offload { [self] in
            try EvaluationRun.run(workspace) { phase, done, total in
                self.update(id) { p in
                    p.phase = phase
                    p.done = done
                    p.total = total
                }
            }
        }
        update(id) { $0.phase = "完成" }
        return result
    }
}

/// The calls of `kaoping evaluate`, in its order, for a workspace.
enum EvaluationRun {
    static func run(_ workspace: Workspace, progress: @escaping @Sendable (String, Int, Int) -> Void) throws -> String {
        let loaded: Config
        do {
            loaded = try Config.load(path: workspace.configPath)
        } catch {
            throw EvaluationFailure(message: EvaluationFailure.text(error))
        }
        if let outside = Confinement.outside(loaded, workspace: workspace) { throw EvaluationFailure(message: outside) }
        let outputPath = loaded.output ?? defaultOutput(for: loaded)
        let inputs = loaded.sources.inputFiles
        do {
            try AtomicOutput.refuse(outputPath, ifAnyOf: inputs + [loaded.path, loaded.templateFile])
        } catch {
            throw EvaluationFailure(message: EvaluationFailure.text(error))
        }
        guard outputPath.lowercased().hasSuffix(".xlsx") else {
            throw EvaluationFailure(message: "配置中的输出文件「\(outputPath)」扩展名必须是 .xlsx，请修改配置中的 output")
        }
        let folder = (outputPath as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }

        progress("读取材料文件", 0, inputs.count)
        let evidence = Evidence.load(loaded.sources) { done, total in progress("读取材料文件", done, total) }
        progress("计算得分", inputs.count, inputs.count)
        let evaluation = Evaluator.evaluate(config: loaded, evidence: evidence)
        guard evaluation.refused.isEmpty else {
            throw EvaluationFailure(message: "配置中有不合理的数值，未写出自评表：\n"
                + evaluation.refused.map { "配置文件「\((loaded.path as NSString).lastPathComponent)」：\($0)" }.joined(separator: "\n"))
        }
        progress("写出自评表", inputs.count, inputs.count)
        do {
            try EvaluationWorkbook.write(evaluation, evidence: evidence, to: outputPath, maskPII: false)
            try EvaluationWorkbook.write(evaluation, evidence: evidence, to: maskedPath(outputPath), maskPII: true)
        } catch {
            throw EvaluationFailure(message: EvaluationFailure.text(error))
        }
        let json = evaluation.json
        try FileManager.default.createDirectory(atPath: workspace.outDirectory, withIntermediateDirectories: true)
        try Data(json.utf8).write(to: URL(fileURLWithPath: workspace.outDirectory + "/result.json"), options: .atomic)
        let view = ResultView(evaluation: evaluation, evidence: evidence, json: json, workspace: workspace,
                              workbook: workspace.relative(outputPath))
        try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        try encoder.encode(view).write(to: URL(fileURLWithPath: workspace.stateDirectory + "/result.json"), options: .atomic)
        try encoder.encode(ReviewView.list(evidence.attendance, workspace: workspace))
            .write(to: URL(fileURLWithPath: workspace.stateDirectory + "/review.json"), options: .atomic)
        return json
    }

    /// `<county>-自评表.xlsx` beside the config, as the command line chooses it.
    static func defaultOutput(for config: Config) -> String {
        let directory = (config.path as NSString).deletingLastPathComponent
        let name = "\(config.county.isEmpty ? "考评" : config.county)-自评表.xlsx"
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }

    /// The 公开版 beside the workbook: `乐昌市-自评表-公开版.xlsx`.
    static func maskedPath(_ output: String) -> String {
        String(output.dropLast(5)) + "-公开版.xlsx"
    }
}

/// An evaluation that could not write the workbook; `message` is what the command line prints
/// after its “错误：” label.
struct EvaluationFailure: Error {
    var message: String

    /// The command line's words (`Kaoping.main`: every error describes itself in Chinese).
    static func text(_ error: Error) -> String {
        (error as? CustomStringConvertible)?.description ?? "\(error)"
    }
}

// MARK: - What the page shows of a result

struct ResultView: Codable {
    struct Item: Codable {
        var id, name: String
        var max: Double
        @Nullable var score: Double?
        var basis: String
        var nearThreshold: Bool
        var explanation: String
    }
    struct MetricRow: Codable {
        var key, label: String
        @Nullable var value: Double?
        @Nullable var numerator: Double?
        @Nullable var denominator: Double?
        var text: String
        var isRate: Bool
        var nearThreshold: Bool
    }
    struct FindingRow: Codable {
        var n: Int
        var severity, code, file, sheet: String
        @Nullable var row: Int?
        @Nullable var column: String?
        var message: String
    }
    var json: String
    var total: Double
    var veto: Bool
    var workbook: String
    var items: [Item]
    var metrics: [MetricRow]
    var findings: [FindingRow]

    /// A leaf's explanation as the page words it: what is still to give points to step 4 (县情数据),
    /// where the clerk gives it, not to a config key (the command line keeps that wording).
    static func clerkExplanation(_ leaf: LeafResult) -> String {
        let form = "第 4 步“县情数据”"
        switch leaf.awaiting {
        case nil: return leaf.explanation
        case .score(let after)?:
            return after.isEmpty ? "未评分：请在\(form)中选择此项的分数" : "\(after)，请在\(form)中选择此项的分数"
        case .vetoFlag?: return "未判定：请在\(form)中选择是否发生"
        case .fact?: return "缺少数据，未计分：请在\(form)中填写此项用到的县情数据"
        }
    }

    init(evaluation: Evaluation, evidence: Evidence, json: String, workspace: Workspace, workbook: String) {
        self.json = json
        total = NSDecimalNumber(decimal: evaluation.total).doubleValue
        veto = evaluation.veto
        self.workbook = workbook
        func double(_ d: Decimal?) -> Double? { d.map { NSDecimalNumber(decimal: $0).doubleValue } }
        // Scoring's explanations hold only figures (money, counts), never personal data: masking
        // them would hide an amount such as 186000000 元.
        items = evaluation.leaves.map {
            Item(id: $0.id, name: $0.name, max: double($0.max)!, score: double($0.score), basis: $0.basis.rawValue,
                 nearThreshold: $0.nearThreshold, explanation: Self.clerkExplanation($0))
        }
        metrics = evaluation.metrics.map {
            MetricRow(key: $0.key.rawValue, label: $0.label, value: $0.value, numerator: double($0.numerator), denominator: double($0.denominator),
                      text: [$0.formula, $0.note].filter { !$0.isEmpty }.joined(separator: "；"), isRate: $0.isRate,
                      nearThreshold: $0.nearThreshold)
        }
        findings = evidence.findings.enumerated().map { i, f in
            FindingRow(n: i + 1, severity: f.severity.rawValue, code: f.code.rawValue, file: workspace.relative(f.provenance.file),
                       sheet: f.provenance.sheet, row: f.provenance.row.map { $0 + 1 },
                       column: f.provenance.column.map { CellReference.columnName($0) },
                       message: Redaction.mask(f.message + (f.remedy.map { "（\(Self.pageAdvice($0))）" } ?? "")))
        }
    }

    /// Where on the page a finding's remedy is made; the command line names the config key
    /// instead (`Finding.advisedMessage`). Settings the page has no control for are in the
    /// workspace's config.yaml, which the page names.
    static func pageAdvice(_ remedy: Finding.Remedy) -> String {
        switch remedy {
        case .villageAlias(let town, let old):
            return "请在第 4 步“县情数据”的“村名对照”中写明\(town)的“\(old)”是清单中的哪个村"
        case .fixColumns: return "请在第 3 步“核对表头”中指定表头行和各列"
        case .sheetOptions: return "可在第 3 步“核对表头”中改回"
        case .addToInputs: return "请在第 2 步“上传材料”中为这个文件选择类别"
        case .removedStatusValues, .acceptProbable:
            return "页面上没有这项设置：可在考评文件夹的 config.yaml 中设置 \(remedy.configKey)"
        }
    }
}

struct ReviewView: Codable {
    struct Record: Codable {
        @Nullable var name: String?
        @Nullable var id: String?
        @Nullable var phone: String?
        @Nullable var village: String?
        var file, sheet: String
        @Nullable var row: Int?
    }
    var key: String
    var kind: String
    var rule: String
    var reason: String
    var records: [Record]
    @Nullable var decision: String?
    /// id_two_names: the name that keeps the ID when the rows are not one person.
    @Nullable var owner: String?

    static let kinds = ["R3": "name_village", "R4": "precision_lost", "R5": "variant_name", "R6": "id_two_names", "R7": "shared_phone"]

    static func list(_ attendance: Attendance, workspace: Workspace) -> [ReviewView] {
        (attendance.reviews + attendance.separated).map { review in
            ReviewView(key: review.key, kind: kinds[review.rule] ?? review.rule,
                       rule: review.rule, reason: Redaction.mask(review.reason), records: review.records.map { i in
                let r = attendance.records[i]
                return Record(name: r.name?.key, id: r.id?.masked, phone: r.phone?.masked, village: r.village,
                              file: workspace.relative(r.provenance.file), sheet: r.provenance.sheet, row: r.provenance.row.map { $0 + 1 })
            }, decision: review.decision?.rawValue, owner: review.idOwner)
        }
    }
}

/// A workspace's config may name only files inside the workspace: the server reads and writes
/// nothing of another workspace, or of the machine, on a config's word.
enum Confinement {
    /// What lies outside, in Chinese; nil when everything is inside.
    static func outside(_ config: Config, workspace ws: Workspace) -> String? {
        let root = URL(fileURLWithPath: ws.directory).resolvingSymlinksInPath().path + "/"
        func inside(_ path: String) -> Bool {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path.hasPrefix(root)
        }
        if let file = config.sources.inputFiles.first(where: { !inside($0) }) { return "配置中的输入文件「\(file)」不在这个工作区中；工作台只读取工作区内的文件，请把文件上传到工作区" }
        if let output = config.output, !inside(output) { return "配置中的输出文件「\(output)」不在这个工作区中；请写作 out/ 下的文件名" }
        if let decisions = config.decisionsFile, !inside(decisions) { return "配置中的 decisions 文件「\(decisions)」不在这个工作区中" }
        let template = config.templateFile
        let known = Template.available(configDirectory: nil).map { URL(fileURLWithPath: $0.path).standardizedFileURL.path }
        if !template.isEmpty, !inside(template), !known.contains(URL(fileURLWithPath: template).standardizedFileURL.path) {
            return "配置中的模板文件「\(config.templateName)」不在这个工作区中；请写模板编号（如 guangdong-2019）或把模板放进工作区"
        }
        return nil
    }
}
