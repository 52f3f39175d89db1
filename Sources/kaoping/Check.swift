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
        let template = try Template.load(path: loaded.templateFile)
        print("配置：\(config)")
        print("模板：\(template.id)（\(template.title)）\(loaded.templateFile)")
        let inputs = loaded.inputs
        print("材料：签到表 \(inputs.signins.count) 个文件，行政村清单 \(inputs.villages.count) 个，站点清单 \(inputs.stations.count) 个，建档立卡名单 \(inputs.poorRegistry.count) 个")
        let evidence = Evidence.load(loaded.sources)
        for sheet in evidence.sheets {
            print("  \(sheet.source)：\(Check.kindName(sheet.kind)) \(sheet.records) 条")
        }
        let skipped = evidence.findings.filter { $0.code == .sheetNotData || $0.code == .sheetHidden }
        if !skipped.isEmpty {
            print("跳过的工作表 \(skipped.count) 个：")
            for finding in skipped { print("  \(finding)") }
        }
        let unclaimed = evidence.findings.filter { $0.code == .fileUnclaimed }
        if !unclaimed.isEmpty {
            print("材料文件夹中未被 inputs 读取的文件 \(unclaimed.count) 个（其中的数据不会计入）：")
            for finding in unclaimed { print("  \(Evaluate.shown(finding.provenance.file))") }
        }
        let evaluation = Evaluator.evaluate(config: loaded, template: template, evidence: evidence)
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
                                   ("stations", .stations, inputs.stations), ("poor_registry", .registry, inputs.poorRegistry)]
        where !files.isEmpty && !read.contains(kind) && blocking.isEmpty {
            refused.append("inputs.\(key) 的 \(files.count) 个文件中没有读到任何\(Check.kindName(kind))，相关指标无法计算；请核对文件是否选对、表头能否认出（kaoping inspect 文件名 可查看）")
        }
        if !blocking.isEmpty || !refused.isEmpty {
            print("须先处理的问题 \(blocking.count + refused.count) 个（不处理就无法得出正确结果）：")
            for finding in blocking { print("  [须处理] \(finding)") }
            for text in refused { print("  [须处理] 配置文件「\((config as NSString).lastPathComponent)」：\(text)") }
        }
        let data = evidence.findings.filter { !$0.code.blocksEvaluation && $0.code != .fileUnclaimed }
        let errors = data.filter { $0.severity == .error }
        let warnings = data.filter { $0.severity == .warning } + unclaimed
        let notes = data.filter { $0.severity == .note }
        if !errors.isEmpty || !warnings.isEmpty {
            print("数据问题（不妨碍运行 evaluate，逐条列入自评表「数据问题」表）：错误 \(errors.count) 条，警告 \(warnings.count) 条，提示 \(notes.count) 条")
            for finding in (errors + warnings.filter { $0.code != .fileUnclaimed }).prefix(50) {
                print("  [\(finding.severity == .error ? "错误" : "警告")] \(finding)")
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

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "在目录中写出一份起步用的 config.yaml，列出模板的全部评分项及其评分标准。",
        discussion: "已有 config.yaml 时不会覆盖。")

    @Option(name: .long, help: "考评模板 id")
    var template: String = "guangdong-2019"

    @Argument(help: "写入的目录（默认当前目录）")
    var directory: String = "."

    func run() throws {
        let path = (directory as NSString).appendingPathComponent("config.yaml")
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(message: "「\(path)」已存在，不会覆盖；请换一个目录或先改名")
        }
        let file = try Template.locate(template, configDirectory: directory)
        let index = try Template.load(path: file)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try Data(StarterConfig.text(index).utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            throw CommandFailure(message: "无法写入「\(path)」：\(error.localizedDescription)")
        }
        print("已写出 \(path)：请填写县名、人口、资金、材料路径和人工评分，然后运行 kaoping check \(path)")
    }
}

/// The starter config: DESIGN §5's keys, and every leaf with its criterion as comments.
enum StarterConfig {
    static func text(_ template: Template) -> String {
        var lines = [
            "# Kaoping 考评配置。路径相对于本文件所在目录，可用通配符（data/signins/*.xlsx）。",
            "county: 某某县",
            "template: \(template.id)",
            "cutoff: 2021-08-31            # 考评截止日期（YYYY-MM-DD）",
            "population: {resident: 0}     # 常住人口，单位：人（如 420000，不写“万”）",
            "funds: {allocated: 0, disbursed: 0}   # 安排资金、已支出资金，单位：元（如 5000000、4167785.00，不写逗号和“万”）",
            "# 材料文件：写实际的文件名或通配符；可读 .xlsx、.xls、.csv（扩展名不分大小写）。",
            "# 材料文件夹中没有被读取的文件，kaoping check 和 evaluate 都会逐个列出。",
            "inputs:",
            "  villages: data/villages.xlsx        # 行政村清单（镇、村，是否省定贫困村）",
            "  stations: data/stations.xlsx        # 村级电商服务站点清单",
            "  poor_registry: data/poor.xlsx       # 建档立卡贫困人口名单",
            "  signins: [data/signins/*.xlsx, data/signins/*.xls, data/signins/*.csv]   # 签到表（含问卷星等在线问卷导出的表）",
            "poor:                         # 有劳动能力的建档立卡贫困人口的口径（自评表中会写明）",
            "  labor_values: [普通劳动力, 技能劳动力, 弱劳动力或半劳动力]",
            "  migrant_values: [县外省内务工, 省外务工]",
            "  exclude_migrant: true",
            "  accept_probable: false",
            "  # removed_values: [死亡, 已故, 去世, 注销, 自然减少, 减少, 迁出, 外迁, 销户, 剔除, 清退]   # 状态列写有这些字样的人员已移出名单，不计入",
            "  # confirmed_labor_population: 0   # 扶贫部门确认的有劳动能力贫困人口数，单位：人（填写后作为分母）",
        ]
        let factKeys = template.factKeys
        if !factKeys.isEmpty {
            lines.append("facts:                       # 模板规则读取的其他数据")
            for key in factKeys { lines.append("  # \(key): \(example(key, template))") }
        }
        lines.append("manual:                      # 人工评分，按评分项 id 填写")
        for section in template.sections {
            lines.append("  # —— \(section.task)\(section.kind == .veto ? "" : "（\(section.points.plainText) 分）")")
            for row in section.rows {
                for leaf in row.leaves {
                    let rule = template.describe(leaf.rule)
                    switch leaf.rule {
                    case .manual, .gate:
                        lines.append("  # \(leaf.id) \(leaf.name)：\(rule)")
                        lines.append("  # \"\(leaf.id)\": \(leaf.rule.manualValues?.first.map(\.plainText) ?? "0")")
                    case .veto:
                        lines.append("  # \(leaf.id) \(leaf.name)：\(rule)")
                        lines.append("  # \"\(leaf.id)\": false")
                    default:
                        lines.append("  # \(leaf.id) \(leaf.name)：由数据计算（\(rule)）")
                    }
                }
            }
        }
        lines.append("# overrides: {\"2.1.k\": 5}     # 确需人工改动计算结果时才写，自评表会标明")
        lines.append("# columns:                     # 表头无法识别时，指定表头行（从 1 起）和各列字母")
        lines.append("#   data/villages.xlsx: {header_row: 2, 镇: A, 村: B, 是否贫困村: C}")
        lines.append("# aliases: {坪石镇: {老水口村: 水口村}}   # 村名改过时：旧名 → 新名")
        lines.append("# province: \"44\"               # 省级行政区划代码（广东为 44），用于核对身份证号归属地")
        lines.append("output: out/自评表.xlsx")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fact's example value and a comment saying what it is and in which unit: a count is
    /// never called a rate.
    static func example(_ key: String, _ template: Template) -> String {
        if let counted = template.countedBy(fact: key) {
            var whole = ""
            for metric in template.derivedMetrics {
                if case .ratio(let a, let b) = metric.formula, a == "facts.\(key)" {
                    whole = "，不超过" + (template.derivedMetrics.first { $0.key.rawValue == b }?.label ?? Self.builtInLabels[b] ?? b)
                }
            }
            return "0       # \(counted)，填个数（不是比例\(whole)）"
        }
        for metric in template.derivedMetrics where metric.facts.contains(key) {
            switch metric.formula {
            case .monthsToCutoff: return "2020-01-15       # \(metric.label)：开始运行日期（YYYY-MM-DD）"
            case .growth: return "{previous: 0, current: 0}   # \(metric.label)：上年、本年的网络零售额，单位：元"
            default:
                return metric.isRate ? "0       # \(metric.label)，填比例（如 0.85 或 85%）" : "0       # \(metric.label)"
            }
        }
        for leaf in template.leaves {
            if case .levels(let fact, let levels, _, _) = leaf.rule, fact == key {
                return "{" + levels.map { "\($0.key): 0" }.joined(separator: ", ") + "}   # \(leaf.name)：各级媒体报道的篇数"
            }
        }
        return "0"
    }
}

extension StarterConfig {
    /// Labels of the built-in metrics a template's ratio may divide by.
    static let builtInLabels = ["admin_villages": "行政村数", "poor_villages": "省定贫困村数", "village_base": "行政村基数",
                                "population_base": "常住人口基数"]
}

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "列出或显示考评模板。",
        discussion: "模板的查找顺序：环境变量 KAOPING_TEMPLATES 中的目录，配置文件旁的 templates/，安装目录的 share/kaoping/templates，程序所在目录往上的 templates/，当前目录的 templates/。",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出可用的考评模板。")

        func run() throws {
            let found = Template.available(configDirectory: nil)
            guard !found.isEmpty else {
                throw CommandFailure(message: "没有找到任何模板；可用环境变量 KAOPING_TEMPLATES 指定模板目录")
            }
            for (id, path) in found {
                do {
                    let template = try Template.load(path: path)
                    print("\(id)\t\(template.title)（\(template.leaves.count) 个评分项）\t\(path)")
                } catch {
                    print("\(id)\t（无法读取：\(error)）\t\(path)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示一个考评模板：工作任务、指标、评分项 id 和规则。")

        @Argument(help: "模板 id（如 guangdong-2019）或模板文件路径")
        var id: String

        func run() throws {
            let template = try Template.load(path: try Template.locate(id, configDirectory: nil))
            print("\(template.title)（\(template.id)）")
            for section in template.sections {
                print("")
                print("\(section.task)\(section.kind == .veto ? "" : "（\(section.points.plainText) 分）")")
                for row in section.rows {
                    let weight = row.weight.map { "，权重 \($0.plainText)" } ?? ""
                    if !row.name.isEmpty { print("  \(row.id) \(row.name)\(row.continuesPrevious ? "（续）" : "")\(weight)") }
                    if !row.criterion.isEmpty {
                        for line in row.criterion.split(separator: "\n") { print("    评分标准：\(line.trimmingCharacters(in: .whitespaces))") }
                    }
                    for leaf in row.leaves {
                        let max = leaf.rule == .veto(metric: nil, below: nil) || section.kind == .veto ? "" : "（\(leaf.max.plainText) 分）"
                        print("    [\(leaf.id)] \(leaf.name)\(max)：\(template.describe(leaf.rule))")
                    }
                }
            }
            print("")
            print("满分 \(template.fullMarks.plainText) 分；加分、扣分另计")
        }
    }
}
