import Foundation
import Yams

extension Template {
    /// Reads and validates a template file (format: templates/README.md).
    public static func load(path: String) throws -> Template {
        let root = try YAMLValue.parse(file: path, fileKind: "模板文件")
        var template = Template(id: "", title: "", sections: [], derivedMetrics: [], caps: Caps(), path: path)
        for (key, _, value) in try root.entries(known: ["id", "title", "caps", "metrics", "sections"]) {
            switch key {
            case "id": template.id = try value.string()
            case "title": template.title = try value.string()
            case "caps":
                for (k, _, v) in try value.entries(known: ["population", "villages"]) {
                    if k == "population" { template.caps.population = try v.decimal() } else { template.caps.villages = try v.decimal() }
                }
            case "metrics":
                for (k, _, v) in try value.entries() { template.derivedMetrics.append(try derivedMetric(k, v)) }
            default:
                template.sections = try value.list().map(section)
            }
        }
        guard !template.id.isEmpty else { throw root.error("缺少 id") }
        try validate(template, root)
        return template
    }

    /// The facts keys the template's rules read; a config's `facts:` may hold only these.
    public var factKeys: [String] {
        var keys = derivedMetrics.flatMap(\.facts)
        for leaf in leaves { if case .levels(let fact, _, _, _) = leaf.rule { keys.append(fact) } }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    private static func derivedMetric(_ key: String, _ value: YAMLValue) throws -> DerivedMetric {
        var label = key
        var formula: DerivedMetric.Formula?
        var isRate: Bool?
        var numeratorLabel: String?
        for (k, _, v) in try value.entries(known: ["label", "fact", "months_to_cutoff", "growth", "ratio", "numerator_label", "rate"]) {
            switch k {
            case "label": label = try v.string()
            case "numerator_label": numeratorLabel = try v.string()
            case "fact": formula = .fact(try v.string())
            case "months_to_cutoff": formula = .monthsToCutoff(try v.string())
            case "growth": formula = .growth(try v.string())
            case "ratio":
                let parts = try v.strings()
                guard parts.count == 2 else { throw v.error("ratio 应是 [分子, 分母]") }
                formula = .ratio(parts[0], parts[1])
            default: isRate = try v.bool()
            }
        }
        guard let formula else { throw value.error("指标 \(key) 缺少算法（fact、months_to_cutoff、growth 或 ratio）") }
        let defaultRate: Bool
        switch formula {
        case .growth, .ratio: defaultRate = true
        case .fact, .monthsToCutoff: defaultRate = false
        }
        var metric = DerivedMetric(key: MetricKey(key), label: label, formula: formula, isRate: isRate ?? defaultRate)
        metric.numeratorLabel = numeratorLabel
        return metric
    }

    private static func section(_ value: YAMLValue) throws -> Section {
        var section = Section(id: "", task: "", points: 0, kind: .scored, rows: [])
        for (key, _, v) in try value.entries(known: ["id", "task", "points", "kind", "rows"]) {
            switch key {
            case "id": section.id = try v.string()
            case "task": section.task = try v.string()
            case "points": section.points = try v.decimal()
            case "kind":
                guard let kind = Section.Kind(rawValue: try v.string()) else { throw v.error("kind 只能是 scored、bonus 或 veto") }
                section.kind = kind
            default: section.rows = try v.list().map(row)
            }
        }
        guard !section.id.isEmpty else { throw value.error("工作任务缺少 id") }
        return section
    }

    private static func row(_ value: YAMLValue) throws -> IndexRow {
        var row = IndexRow(id: "", name: "", weight: nil, continuesPrevious: false, explanation: "", criterion: "", evidence: "", leaves: [])
        for (key, _, v) in try value.entries(known: ["id", "name", "weight", "continues", "explanation", "criterion", "evidence", "leaves"]) {
            switch key {
            case "id": row.id = try v.string()
            case "name": row.name = try v.string()
            case "weight": row.weight = v.isNull ? nil : try v.decimal()
            case "continues": row.continuesPrevious = try v.bool()
            case "explanation": row.explanation = v.isNull ? "" : try v.string()
            case "criterion": row.criterion = v.isNull ? "" : try v.string()
            case "evidence": row.evidence = v.isNull ? "" : try v.string()
            default: row.leaves = try v.list().map(leaf)
            }
        }
        guard !row.id.isEmpty else { throw value.error("指标行缺少 id") }
        guard !row.leaves.isEmpty else { throw value.error("指标行 \(row.id) 没有 leaves") }
        return row
    }

    static let ruleKeys = ["manual", "bands", "threshold", "gate", "levels", "veto"]

    private static func leaf(_ value: YAMLValue) throws -> Leaf {
        var id = "", name = ""
        var max: Decimal?
        var rule: Rule?
        for (key, _, v) in try value.entries(known: ["id", "name", "max"] + ruleKeys) {
            switch key {
            case "id": id = try v.string()
            case "name": name = try v.string()
            case "max": max = try v.decimal()
            default:
                guard rule == nil else { throw v.error("一个评分项只能有一条规则") }
                rule = try self.rule(key, v)
            }
        }
        guard !id.isEmpty else { throw value.error("评分项缺少 id") }
        guard let rule else { throw value.error("评分项 \(id) 缺少规则（\(ruleKeys.joined(separator: "、"))）") }
        if case .veto = rule { max = max ?? 0 }
        guard let max else { throw value.error("评分项 \(id) 缺少 max") }
        return Leaf(id: id, name: name, max: max, rule: rule)
    }

    private static func rule(_ kind: String, _ v: YAMLValue) throws -> Rule {
        switch kind {
        case "manual":
            return .manual(allowed: try allowedValues(v))
        case "bands":
            var metric = "", bands: [Band] = [], otherwise: Decimal = 0
            for (k, _, x) in try v.entries(known: ["metric", "bands", "else"]) {
                switch k {
                case "metric": metric = try x.string()
                case "else": otherwise = try x.decimal()
                default:
                    bands = try x.list().map { b in
                        var threshold: Decimal?, points: Decimal?
                        for (bk, _, bv) in try b.entries(known: ["at_least", "points"]) {
                            if bk == "at_least" { threshold = try bv.decimal(percent: true) } else { points = try bv.decimal() }
                        }
                        guard let threshold, let points else { throw b.error("每一档须有 at_least 和 points") }
                        return Band(threshold: threshold, points: points)
                    }
                }
            }
            return .bands(metric: MetricKey(metric), bands: bands, otherwise: otherwise)
        case "threshold":
            var metric = "", threshold: Decimal = 0, points: Decimal = 0
            for (k, _, x) in try v.entries(known: ["metric", "at_least", "points"]) {
                switch k {
                case "metric": metric = try x.string()
                case "at_least": threshold = try x.decimal(percent: true)
                default: points = try x.decimal()
                }
            }
            return .threshold(metric: MetricKey(metric), threshold: threshold, points: points)
        case "gate":
            var metric = "", threshold: Decimal = 0, allowed: [Decimal] = [0], below: Decimal = 0
            for (k, _, x) in try v.entries(known: ["metric", "at_least", "manual", "else"]) {
                switch k {
                case "metric": metric = try x.string()
                case "at_least": threshold = try x.decimal(percent: true)
                case "manual": allowed = try allowedValues(x)
                default: below = try x.decimal()
                }
            }
            return .gate(metric: MetricKey(metric), threshold: threshold, allowed: allowed, below: below)
        case "levels":
            var fact = "", levels: [Level] = [], perReport = false, ceiling: Decimal?
            for (k, _, x) in try v.entries(known: ["fact", "levels", "per", "ceiling"]) {
                switch k {
                case "fact": fact = try x.string()
                case "ceiling": ceiling = try x.decimal()
                case "per":
                    let per = try x.string()
                    guard per == "level" || per == "report" else { throw x.error("per 只能是 level（每级计一次）或 report（按篇数累加）") }
                    perReport = per == "report"
                default:
                    levels = try x.list().map { l in
                        var key = "", label = "", points: Decimal = 0
                        for (lk, _, lv) in try l.entries(known: ["key", "label", "points"]) {
                            switch lk {
                            case "key": key = try lv.string()
                            case "label": label = try lv.string()
                            default: points = try lv.decimal()
                            }
                        }
                        return Level(key: key, label: label.isEmpty ? key : label, points: points)
                    }
                }
            }
            let sum = levels.reduce(Decimal(0)) { $0 + $1.points }
            return .levels(fact: fact, levels: levels, perReport: perReport, ceiling: ceiling ?? sum)
        default:
            if v.isNull { return .veto(metric: nil, below: nil) }
            var metric: String?, below: Decimal?
            for (k, _, x) in try v.entries(known: ["metric", "below"]) {
                if k == "metric" { metric = try x.string() } else { below = try x.decimal(percent: true) }
            }
            guard (metric == nil) == (below == nil) else { throw v.error("veto 的 metric 与 below 须同时给出") }
            return .veto(metric: metric.map(MetricKey.init(rawValue:)), below: below)
        }
    }

    /// `[2, 1]` or `{from: 1, to: 5}`; 0 is always allowed (DESIGN §3).
    private static func allowedValues(_ v: YAMLValue) throws -> [Decimal] {
        var values: [Decimal] = []
        if case .mapping = v.node {
            var from: Int?, to: Int?
            for (k, _, x) in try v.entries(known: ["from", "to"]) {
                if k == "from" { from = try x.integer() } else { to = try x.integer() }
            }
            guard let from, let to, from <= to else { throw v.error("manual 的范围应写作 {from: 1, to: 5}") }
            values = (from...to).map { Decimal($0) }
        } else {
            values = try v.list().map { try $0.decimal() }
        }
        if !values.contains(0) { values.append(0) }
        return values.sorted(by: >)
    }

    private static func validate(_ template: Template, _ root: YAMLValue) throws {
        var problems: [String] = []
        func unique(_ ids: [String], _ what: String) {
            var seen = Set<String>()
            for id in ids where !seen.insert(id).inserted { problems.append("\(what) id “\(id)”重复") }
        }
        unique(template.sections.map(\.id), "工作任务")
        unique(template.sections.flatMap { $0.rows.map(\.id) }, "指标行")
        unique(template.leaves.map(\.id), "评分项")
        unique(template.derivedMetrics.map(\.key.rawValue), "指标")
        for metric in template.derivedMetrics {
            if MetricKey.builtIn.contains(metric.key) { problems.append("指标 \(metric.key) 与内置指标同名") }
            if case .ratio(let a, let b) = metric.formula {
                for operand in [a, b] where !operand.hasPrefix("facts.") && !MetricKey.isKnown(MetricKey(operand), derived: template.derivedMetrics) {
                    problems.append("指标 \(metric.key) 引用了未知指标 \(operand)")
                }
            }
        }
        for section in template.sections {
            for (index, row) in section.rows.enumerated() {
                if row.continuesPrevious && index == 0 { problems.append("指标行 \(row.id) 标为 continues，但上面没有同一工作任务的行") }
                if let weight = row.weight {
                    let spanned = [row] + section.rows.dropFirst(index + 1).prefix { $0.continuesPrevious }
                    let sum = spanned.flatMap(\.leaves).reduce(Decimal(0)) { $0 + $1.max }
                    if sum != weight { problems.append("指标行 \(row.id) 的权重 \(fmt(weight)) 与其评分项满分之和 \(fmt(sum)) 不一致") }
                }
            }
            let leaves = section.rows.flatMap(\.leaves)
            if section.kind != .veto {
                let sum = leaves.reduce(Decimal(0)) { $0 + $1.max }
                if sum != section.points { problems.append("工作任务 \(section.id) 的分值 \(fmt(section.points)) 与评分项满分之和 \(fmt(sum)) 不一致") }
            }
            for leaf in leaves {
                let isVeto: Bool
                if case .veto = leaf.rule { isVeto = true } else { isVeto = false }
                if isVeto != (section.kind == .veto) { problems.append("评分项 \(leaf.id)：一票否决规则只能且必须放在 kind: veto 的工作任务中") }
                if let metric = leaf.rule.metric, !MetricKey.isKnown(metric, derived: template.derivedMetrics) {
                    let guess = Suggestion.closest(to: metric.rawValue, in: (MetricKey.builtIn + template.derivedMetrics.map(\.key)).map(\.rawValue))
                    problems.append("评分项 \(leaf.id) 引用了未知指标 \(metric)" + (guess.map { "，是否应为 \($0)？" } ?? ""))
                }
                var most: [Decimal] = []
                switch leaf.rule {
                case .manual(let allowed): most = allowed
                case .bands(_, let bands, let otherwise):
                    most = bands.map(\.points) + [otherwise]
                    let thresholds = bands.map(\.threshold)
                    if bands.isEmpty { problems.append("评分项 \(leaf.id) 没有分档") }
                    if zip(thresholds, thresholds.dropFirst()).contains(where: { $0 <= $1 }) {
                        problems.append("评分项 \(leaf.id) 的分档须按门槛从高到低排列且不重复")
                    }
                case .threshold(_, _, let points): most = [points]
                case .gate(_, _, let allowed, _): most = allowed
                case .levels(let fact, let levels, _, let ceiling):
                    most = [ceiling]
                    if fact.isEmpty || levels.isEmpty { problems.append("评分项 \(leaf.id) 的 levels 须有 fact 和 levels") }
                case .veto: most = []
                }
                if let over = most.first(where: { $0 > leaf.max }) {
                    problems.append("评分项 \(leaf.id) 的规则可得 \(fmt(over)) 分，超过满分 \(fmt(leaf.max))")
                }
            }
        }
        if !problems.isEmpty { throw root.error(problems.joined(separator: "；"), line: nil) }
    }
}

// MARK: - Finding templates

extension Template {
    /// Where built-in templates are looked for, in order: each directory of `$KAOPING_TEMPLATES`
    /// (colon-separated), `templates/` beside the config, `share/kaoping/templates` beside an
    /// installed binary, `templates/` in a directory above the executable (the package root of a
    /// `swift build`), and `templates/` in the current directory.
    public static func searchDirectories(configDirectory: String?) -> [String] {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["KAOPING_TEMPLATES"] {
            dirs += env.split(separator: ":").map(String.init)
        }
        if let configDirectory { dirs.append((configDirectory as NSString).appendingPathComponent("templates")) }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        var dir = (exe as NSString).deletingLastPathComponent
        dirs.append(((dir as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/kaoping/templates"))
        for _ in 0..<8 where dir.count > 1 {
            dirs.append((dir as NSString).appendingPathComponent("templates"))
            dir = (dir as NSString).deletingLastPathComponent
        }
        dirs.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("templates"))
        var seen = Set<String>()
        return dirs.map { ($0 as NSString).standardizingPath }.filter { seen.insert($0).inserted }
    }

    /// The file for a template named by id (`guangdong-2019`) or by path (`my/index.yaml`,
    /// relative to the config's directory).
    public static func locate(_ name: String, configDirectory: String?) throws -> String {
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
            let path = name.hasPrefix("/") ? name : ((configDirectory ?? ".") as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigError(file: path, "找不到模板文件 \(name)", fileKind: "模板文件")
            }
            return path
        }
        let dirs = searchDirectories(configDirectory: configDirectory)
        for dir in dirs {
            for ext in ["yaml", "yml"] {
                let path = (dir as NSString).appendingPathComponent("\(name).\(ext)")
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        let known = available(configDirectory: configDirectory).map(\.id)
        var message = "找不到模板“\(name)”"
        if let guess = Suggestion.closest(to: name, in: known) { message += "，是否应为“\(guess)”？" }
        message += known.isEmpty ? "；没有找到任何模板目录，可用环境变量 KAOPING_TEMPLATES 指定" : "；可用的模板：\(known.joined(separator: "、"))"
        throw ConfigError(file: name, message, fileKind: "模板")
    }

    /// Templates found in the search directories (the first of each id wins), sorted by id.
    public static func available(configDirectory: String?) -> [(id: String, path: String)] {
        var found: [String: String] = [:]
        for dir in searchDirectories(configDirectory: configDirectory) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let id = (name as NSString).deletingPathExtension
                if found[id] == nil { found[id] = (dir as NSString).appendingPathComponent(name) }
            }
        }
        return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
