import ArgumentParser
import Foundation
import Roster
import Scoring

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "检查配置文件、考评模板和全部材料能否读取，列出问题。",
        discussion: "退出码：0 表示可以运行 evaluate（数据问题会列入自评表），1 表示有须先处理的问题（配置有误、文件或工作表无法读取、表头认不出、数值不合理）。")

    @OptionGroup var configFile: ConfigFileArgument
    var config: String { configFile.config }

    func run() throws {
        let loaded = try Config.load(path: config)
        let template = loaded.template
        print("配置：\(config)")
        print("模板：\(template.id)（\(template.title)）\(loaded.templateFile)")
        let inputs = loaded.sources
        print("材料：签到表 \(inputs.signins.count) 个文件，行政村清单 \(inputs.villages.count) 个，站点清单 \(inputs.stations.count) 个，建档立卡名单 \(inputs.registry.count) 个")
        let evidence = Evidence.load(loaded.sources)
        for sheet in evidence.sheets {
            print("  \(sheet.source)：\(Check.kindName(sheet.kind)) \(sheet.records) 条")
        }
        let skipped = evidence.findings.filter { $0.code == .sheetNotData || $0.code == .sheetHidden }
        if !skipped.isEmpty {
            print("跳过的工作表 \(skipped.count) 个：")
            for finding in skipped { print("  \(finding.advisedDescription)") }
        }
        let unclaimed = evidence.findings.filter { $0.code == .fileUnclaimed }
        if !unclaimed.isEmpty {
            print("材料文件夹中未被 inputs 读取的文件 \(unclaimed.count) 个（其中的数据不会计入）：")
            for finding in unclaimed { print("  \(Evaluate.shown(finding.provenance.file))") }
        }
        let evaluation = Evaluator.evaluate(config: loaded, evidence: evidence)
        let unscored = evaluation.missing
        if !unscored.isEmpty {
            print("尚未评分的项目 \(unscored.count) 项（合计按 0 分计）：")
            for leaf in unscored { print("  \(leaf.id) \(leaf.name)：\(leaf.explanation)") }
        }

        // What stops the evaluation, apart from the data problems the workbook lists.
        let blocking = evidence.findings.filter(\.code.blocksEvaluation)
        var refused = evaluation.refused
        // An input the config names whose files gave nothing: its metrics would be missing.
        let read = Set(evidence.sheets.filter { $0.records > 0 }.map(\.kind))
        for (key, kind, files) in [("signins", SheetRead.Kind.signins, inputs.signins), ("villages", .villages, inputs.villages),
                                   ("stations", .stations, inputs.stations), ("poor_registry", .registry, inputs.registry)]
        where !files.isEmpty && !read.contains(kind) && blocking.isEmpty {
            refused.append("inputs.\(key) 的 \(files.count) 个文件中没有读到任何\(Check.kindName(kind))，相关指标无法计算；请核对文件是否选对、表头能否认出（kaoping inspect 文件名 可查看）")
        }
        if !blocking.isEmpty || !refused.isEmpty {
            print("须先处理的问题 \(blocking.count + refused.count) 个（不处理就无法得出正确结果）：")
            for finding in blocking { print("  [须处理] \(finding.advisedDescription)") }
            for text in refused { print("  [须处理] 配置文件「\((config as NSString).lastPathComponent)」：\(text)") }
        }
        let data = evidence.findings.filter { !$0.code.blocksEvaluation && $0.code != .fileUnclaimed }
        let errors = data.filter { $0.severity == .error }
        let warnings = data.filter { $0.severity == .warning } + unclaimed
        let notes = data.filter { $0.severity == .note }
        if !errors.isEmpty || !warnings.isEmpty {
            print("数据问题（不妨碍运行 evaluate，逐条列入自评表「数据问题」表）：错误 \(errors.count) 条，警告 \(warnings.count) 条，提示 \(notes.count) 条")
            for finding in (errors + warnings.filter { $0.code != .fileUnclaimed }).prefix(50) {
                print("  [\(finding.severity == .error ? "错误" : "警告")] \(finding.advisedDescription)")
            }
            if errors.count + warnings.count > 50 { print("  ……其余见 kaoping evaluate 写出的自评表「数据问题」表") }
        }
        guard blocking.isEmpty && refused.isEmpty else {
            var advice: [String] = []
            if blocking.contains(where: { $0.code.rawValue.hasSuffix("unreadable") }) { advice.append("文件打不开的，请用 Excel 或 WPS 另存为 .xlsx") }
            if blocking.contains(where: { $0.code.rawValue.hasSuffix("no_header") || $0.code == .sheetNoPersonColumn }) {
                advice.append("认不出表头的，请在配置 columns 中为该文件指定表头行和各列")
            }
            if !refused.isEmpty { advice.append("按上面的说明改正配置中的数值") }
            throw CommandFailure(message: "检查未通过：有 \(blocking.count + refused.count) 个问题须先处理（见上）。"
                + advice.joined(separator: "；") + (advice.isEmpty ? "" : "；") + "然后再运行 kaoping check")
        }
        if errors.isEmpty && warnings.isEmpty {
            print("可以运行 kaoping evaluate：没有须先处理的问题，数据中也没有发现错误或警告")
        } else {
            print("可以运行 kaoping evaluate：没有须先处理的问题；但数据中有错误 \(errors.count) 条、警告 \(warnings.count) 条，会列入自评表「数据问题」表，上报前请逐条核对")
        }
    }

    static func kindName(_ kind: SheetRead.Kind) -> String {
        switch kind {
        case .signins: return "签到记录"
        case .villages: return "行政村"
        case .stations: return "站点"
        case .registry: return "建档立卡人员"
        }
    }
}
