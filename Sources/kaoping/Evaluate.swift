import ArgumentParser
import Foundation
import Roster
import Report
import Scoring
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "按配置读取全部材料，计算各项指标并填写考评自评表。",
        discussion: """
            退出码：0 表示已写出自评表（即使数据有警告），1 表示配置或材料有问题无法写出，2 表示命令用法错误。
            使用 --json - 时标准输出只有 JSON 结果，汇总信息写到标准错误。
            """)

    @OptionGroup var configFile: ConfigFileArgument
    var config: String { configFile.config }

    @Option(name: .shortAndLong, help: "输出的自评表（.xlsx）；默认用配置中的 output")
    var output: String?

    @Option(name: .long, help: "把结果写成 JSON 文件；写 - 表示输出到标准输出")
    var json: String?

    @Flag(name: .long, help: "自评表中的身份证号、电话只保留部分数字，适合公开")
    var maskPII = false

    func validate() throws {
        if let output, !output.lowercased().hasSuffix(".xlsx") { throw ValidationError("输出文件的扩展名必须是 .xlsx：\(output)") }
        if json?.isEmpty == true { throw ValidationError("--json 需要文件路径，或 - 表示标准输出") }
    }

    func run() throws {
        #if canImport(Glibc)
        Evaluate.returnFreedMemory()
        #endif
        let loaded = try Config.load(path: config)
        let outputPath = output ?? loaded.output ?? Evaluate.defaultOutput(for: loaded)
        // Refused before the long read; Report checks again with every file actually read.
        try AtomicOutput.refuse(outputPath, ifAnyOf: loaded.sources.inputFiles + [loaded.path, loaded.templateFile])
        guard outputPath.lowercased().hasSuffix(".xlsx") else {
            throw CommandFailure(message: "配置中的输出文件「\(outputPath)」扩展名必须是 .xlsx，请修改配置中的 output")
        }
        // `kaoping init` names out/…: a missing output folder is made, not an error.
        let folder = (outputPath as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }

        // A progress line only for a person watching (never into a log or a pipe), and only
        // once reading takes more than a moment.
        let line = ProgressLine()
        var sources = loaded.sources
        // A workbook written by an earlier run with -o into a material folder is not material.
        let written = ((outputPath.hasPrefix("/") ? outputPath : (FileManager.default.currentDirectoryPath as NSString)
            .appendingPathComponent(outputPath)) as NSString).standardizingPath
        sources.unclaimed.removeAll { $0 == written }
        let evidence = Evidence.load(sources, progress: isatty(2) == 1 ? line.update : nil)
        let evaluation = Evaluator.evaluate(config: loaded, evidence: evidence)
        guard evaluation.refused.isEmpty else {
            throw CommandFailure(message: "配置中有不合理的数值，未写出自评表：\n"
                + evaluation.refused.map { "配置文件「\((loaded.path as NSString).lastPathComponent)」：\($0)" }.joined(separator: "\n"))
        }

        // Report refuses the template and every evidence file as an output too, and replaces an
        // existing workbook only once the new one is whole.
        try EvaluationWorkbook.write(evaluation, evidence: evidence, to: outputPath, maskPII: maskPII)

        var summary = Summary.text(evaluation, evidence: evidence, workbook: outputPath)
        summary += "\n已写出自评表：\(Evaluate.shown(outputPath))"
        if json == "-" {
            FileHandleStream.standardOutput.write(Array(evaluation.json.utf8))
            Terminal.note(summary)
        } else {
            if let json {
                do {
                    try Data(evaluation.json.utf8).write(to: URL(fileURLWithPath: json), options: .atomic)
                } catch {
                    throw CommandFailure(message: "无法写入 JSON 文件「\(json)」：\(error.localizedDescription)")
                }
                summary += "\n已写出 JSON 结果：\(json)"
            }
            print(summary)
        }
    }

    #if canImport(Glibc)
    /// Sets glibc's trim threshold (`mallopt(M_TRIM_THRESHOLD, 32 MiB)`): a fixed threshold
    /// turns off the sliding one, so arrays of sign-ins freed after reading go back to the
    /// system instead of staying mapped (a province-sized county peaks about 110 MB lower).
    /// `<malloc.h>` is not in the Glibc module, so the function is looked up by name.
    static func returnFreedMemory() {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
        _ = mallopt(trimThreshold, 32 << 20)
    }
    #endif

    /// A path as a clerk finds it: relative to the current folder when inside it.
    static func shown(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let full = path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
        let standard = (full as NSString).standardizingPath
        return standard.hasPrefix(cwd + "/") ? String(standard.dropFirst(cwd.count + 1)) : standard
    }

    /// `<county>-自评表.xlsx` beside the config.
    static func defaultOutput(for config: Config) -> String {
        let directory = (config.path as NSString).deletingLastPathComponent
        let name = "\(config.county.isEmpty ? "考评" : config.county)-自评表.xlsx"
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }
}

/// "读取材料文件 37/120" rewritten in place on stderr; files are read on several threads.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let start = Date()
    private var shown = false

    func update(done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard shown || Date().timeIntervalSince(start) > 0.5 else { return }
        shown = true
        FileHandleStream.standardError.write("\r读取材料文件 \(done)/\(total)" + (done == total ? "\n" : ""))
    }
}

/// The terminal summary of an evaluation, in Chinese: the index with scores per row, 临界 and
/// missing items, and counts of data problems. It holds no personal data.
enum Summary {
    static func text(_ evaluation: Evaluation, evidence: Evidence, workbook: String) -> String {
        let template = evaluation.template
        var lines: [String] = []
        lines.append("\(evaluation.county) · \(template.title)（\(template.id)）")
        for section in template.sections {
            let score = evaluation.score(of: section).map { "\($0.plainText) 分" } ?? ""
            let points = section.kind == .veto ? "" : "（\(section.points.plainText) 分）"
            lines.append("")
            lines.append("\(section.task)\(points)  \(score)")
            for row in section.rows {
                let name = row.name.isEmpty ? row.leaves.map(\.name).joined(separator: "、") : row.name + (row.continuesPrevious ? "（续）" : "")
                if section.kind == .veto {
                    for leaf in row.leaves {
                        guard let result = evaluation.leaf(leaf.id) else { continue }
                        let state = result.basis == .missing ? "未判定" : result.vetoed ? "触发" : "未触发"
                        lines.append("  \(leaf.id) \(leaf.name)：\(state)")
                    }
                    continue
                }
                let weight = row.weight.map { "（权重 \($0.plainText)）" } ?? ""
                let rowScore = evaluation.score(of: row).map { "\($0.plainText) 分" } ?? "未评分"
                lines.append("  \(row.id) \(name)\(weight)：\(rowScore)")
                for leaf in row.leaves {
                    guard let result = evaluation.leaf(leaf.id), result.basis != .manual || result.overridden else { continue }
                    guard result.basis != .missing else { continue }
                    let mark = result.nearThreshold ? "【临界：\(result.nearReason ?? "距档次线不足 0.5 个百分点")】" : ""
                    lines.append("      \(leaf.id) \(result.explanation)\(mark)")
                }
            }
        }
        lines.append("")
        let full = template.fullMarks.plainText
        lines.append("合计 \(evaluation.total.plainText) 分（满分 \(full) 分，含加分与扣分）；一票否决：\(evaluation.veto ? "已触发" : "否")")
        let near = evaluation.nearThreshold
        if !near.isEmpty {
            lines.append("")
            lines.append("临界项（距档次线不足 0.5 个百分点，考评组可能复核）：")
            for leaf in near { lines.append("  \(leaf.id) \(leaf.name)：\(leaf.nearReason.map { $0 + "；" } ?? "")\(leaf.explanation)") }
        }
        let missing = evaluation.missing
        if !missing.isEmpty {
            lines.append("")
            lines.append("缺少数据或未评分（合计按 0 分计）：\(missing.count) 项")
            for leaf in missing { lines.append("  \(leaf.id) \(leaf.name)：\(leaf.explanation)") }
        }
        let notes = evidence.findings.filter { $0.severity == .note }.count
        let people = evaluation.people
        let unusable = evidence.findings.filter(\.code.blocksEvaluation)
        if !unusable.isEmpty {
            lines.append("")
            lines.append("有 \(unusable.count) 个文件或工作表无法使用，其中的数据未计入，相关数字可能偏低（kaoping check 说明怎么处理）：")
            for finding in unusable { lines.append("  \(finding.advisedDescription)") }
        }
        let unclaimed = evidence.findings.filter { $0.code == .fileUnclaimed }
        if !unclaimed.isEmpty {
            lines.append("")
            lines.append("材料文件夹中有 \(unclaimed.count) 个文件未被配置的 inputs 读取，其中的数据未计入：")
            for finding in unclaimed { lines.append("  \(Evaluate.shown(finding.provenance.file))") }
        }
        lines.append("")
        lines.append("贫困人口培训率的口径：\(evaluation.definitions.poorLabor)")
        lines.append("签到 \(people.signinRows) 人次，同场重复签到 \(people.duplicateSignins) 人次，共 \(people.distinctPersons) 人；身份证号有问题的签到 \(people.invalidIDs) 行")
        if evaluation.errors + evaluation.warnings + notes > 0 {
            lines.append("数据问题：错误 \(evaluation.errors) 条，警告 \(evaluation.warnings) 条，提示 \(notes) 条；"
                + "逐条（含文件、工作表、行号）见自评表「\((workbook as NSString).lastPathComponent)」中的数据问题表")
        } else {
            lines.append("数据问题：无")
        }
        return lines.joined(separator: "\n")
    }
}
