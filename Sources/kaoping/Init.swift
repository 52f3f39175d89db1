import ArgumentParser
import Foundation
import Roster
import Scoring

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
            case .monthsToCutoff: return "2020-01-15       # 开始运行的日期（YYYY-MM-DD），用于计算\(metric.label)"
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
