// Scoring: the official index as a template (templates/*.yaml), the metrics computed from
// Roster's evidence and the config, and the generic rules that turn them into scores.
import Foundation

/// An official evaluation index (考评指标体系) as data: sections, rows as the official table lays
/// them out, and the scored leaves with their rules. Decoded from `templates/<id>.yaml`.
public struct Template: Sendable {
    public var id: String
    public var title: String
    public var sections: [Section]
    /// Metrics the template derives from the config's `facts:` (besides the built-in ones).
    public var derivedMetrics: [DerivedMetric]
    /// Caps on the built-in bases: `population` (常住人口基数) and `villages` (行政村基数).
    public var caps: Caps
    /// The file it was read from.
    public var path: String

    public init(id: String, title: String, sections: [Section], derivedMetrics: [DerivedMetric] = [], caps: Caps = Caps(), path: String = "") {
        self.id = id
        self.title = title
        self.sections = sections
        self.derivedMetrics = derivedMetrics
        self.caps = caps
        self.path = path
    }

    public struct Caps: Sendable, Equatable {
        public var population: Decimal?
        public var villages: Decimal?
        public init(population: Decimal? = nil, villages: Decimal? = nil) {
            self.population = population
            self.villages = villages
        }
    }

    /// Every leaf, in table order.
    public var leaves: [Leaf] { sections.flatMap { $0.rows.flatMap(\.leaves) } }

    public func leaf(_ id: String) -> Leaf? { leaves.first { $0.id == id } }

    /// The section holding a leaf.
    public func section(ofLeaf id: String) -> Section? {
        sections.first { $0.rows.contains { $0.leaves.contains { $0.id == id } } }
    }

    /// The sum of the scored sections' points (100 for guangdong-2019).
    public var fullMarks: Decimal { sections.filter { $0.kind == .scored }.reduce(0) { $0 + $1.points } }
}

/// A 工作任务 of the index.
public struct Section: Sendable {
    public enum Kind: String, Sendable { case scored, bonus, veto }
    public var id: String
    /// 工作任务, e.g. 加强组织领导与统筹协调.
    public var task: String
    public var points: Decimal
    public var kind: Kind
    public var rows: [IndexRow]

    public init(id: String, task: String, points: Decimal, kind: Kind = .scored, rows: [IndexRow]) {
        self.id = id
        self.task = task
        self.points = points
        self.kind = kind
        self.rows = rows
    }
}

/// One row of the official table (名称, 权重, 指标解释, 评分标准, 评价方式及佐证材料, 自评得分).
public struct IndexRow: Sendable {
    public var id: String
    /// 名称; empty for the bonus and veto rows, which have none in the official table.
    public var name: String
    /// 权重; nil where the official table has none (bonus, veto, or a continued row).
    public var weight: Decimal?
    /// True when this row continues the one above under the same 名称 and 权重 (the official
    /// table merges those cells; 服务体系建设 spans two rows).
    public var continuesPrevious: Bool
    /// 指标解释
    public var explanation: String
    /// 评分标准
    public var criterion: String
    /// 评价方式及佐证材料
    public var evidence: String
    public var leaves: [Leaf]

    public init(id: String, name: String, weight: Decimal?, continuesPrevious: Bool = false, explanation: String = "",
                criterion: String = "", evidence: String = "", leaves: [Leaf]) {
        self.id = id
        self.name = name
        self.weight = weight
        self.continuesPrevious = continuesPrevious
        self.explanation = explanation
        self.criterion = criterion
        self.evidence = evidence
        self.leaves = leaves
    }
}

/// A scored criterion: the unit configs and outside tools name by id.
public struct Leaf: Sendable {
    public var id: String
    public var name: String
    /// Points at most (the penalty of a gate may go below zero).
    public var max: Decimal
    public var rule: Rule

    public init(id: String, name: String, max: Decimal, rule: Rule) {
        self.id = id
        self.name = name
        self.max = max
        self.rule = rule
    }
}

/// How a leaf is scored. Every case is generic: the template names the metric and numbers.
public enum Rule: Sendable, Equatable {
    /// A judgment score from the config's `manual:`; 0 is always allowed.
    case manual(allowed: [Decimal])
    /// The first band whose threshold the metric reaches (bands ordered by falling threshold,
    /// lower bounds inclusive), else `otherwise`.
    case bands(metric: MetricKey, bands: [Band], otherwise: Decimal)
    /// `points` when the metric reaches `threshold`, else 0.
    case threshold(metric: MetricKey, threshold: Decimal, points: Decimal)
    /// A manual score (from `allowed`) only when the metric reaches `threshold`; below it the
    /// leaf scores `below` (a penalty such as −5) whatever the manual value.
    case gate(metric: MetricKey, threshold: Decimal, allowed: [Decimal], below: Decimal)
    /// Points per level of a fact such as `media: {provincial: 1, county: 3}`, summed and capped
    /// at `ceiling`; `perReport` multiplies by the count, otherwise a level counts once.
    case levels(fact: String, levels: [Level], perReport: Bool, ceiling: Decimal)
    /// A veto (一票否决): a manual true/false, or computed when the metric falls below `below`.
    case veto(metric: MetricKey?, below: Decimal?)

    /// The metric the rule reads, if any.
    public var metric: MetricKey? {
        switch self {
        case .bands(let m, _, _), .threshold(let m, _, _), .gate(let m, _, _, _): return m
        case .veto(let m, _): return m
        case .manual, .levels: return nil
        }
    }

    /// Values a config may give in `manual:` (nil: the rule takes none, or a boolean for a veto).
    public var manualValues: [Decimal]? {
        switch self {
        case .manual(let allowed), .gate(_, _, let allowed, _): return allowed
        default: return nil
        }
    }

    /// The thresholds near which a result is marked 临界.
    public var thresholds: [Decimal] {
        switch self {
        case .bands(_, let bands, _): return bands.map(\.threshold)
        case .threshold(_, let t, _), .gate(_, let t, _, _): return [t]
        case .veto(_, let below): return below.map { [$0] } ?? []
        case .manual, .levels: return []
        }
    }
}

/// A lower bound (inclusive) and the points from it; rates are fractions (0.01 for 1%).
public struct Band: Sendable, Equatable {
    public var threshold: Decimal
    public var points: Decimal
    public init(threshold: Decimal, points: Decimal) {
        self.threshold = threshold
        self.points = points
    }
}

/// One level of a `levels` rule: the fact's key (provincial), its Chinese label, its points.
public struct Level: Sendable, Equatable {
    public var key: String
    public var label: String
    public var points: Decimal
    public init(key: String, label: String, points: Decimal) {
        self.key = key
        self.label = label
        self.points = points
    }
}

/// A metric the template computes from the config's facts (and built-in metrics).
public struct DerivedMetric: Sendable, Equatable {
    public enum Formula: Sendable, Equatable {
        /// A number from `facts.<key>`.
        case fact(String)
        /// Whole months from the date `facts.<key>` to the config's `cutoff`.
        case monthsToCutoff(String)
        /// `(current − previous) / previous` of `facts.<key>: {previous, current}`.
        case growth(String)
        /// One operand over another; each a metric key or `facts.<key>`.
        case ratio(String, String)
    }
    public var key: MetricKey
    public var label: String
    public var formula: Formula
    /// A fraction shown as a percentage (near-threshold marks apply to rates only).
    public var isRate: Bool
    /// What a ratio's `facts.` numerator counts, in Chinese (物流快递覆盖的行政村).
    public var numeratorLabel: String?

    /// The facts keys it reads.
    public var facts: [String] {
        switch formula {
        case .fact(let k), .monthsToCutoff(let k), .growth(let k): return [k]
        case .ratio(let a, let b): return [a, b].filter { $0.hasPrefix("facts.") }.map { String($0.dropFirst(6)) }
        }
    }
}

// MARK: - Words for people

extension Template {
    /// Whether a metric is a rate (shown as a percentage).
    public func isRate(_ metric: MetricKey) -> Bool {
        if let derived = derivedMetrics.first(where: { $0.key == metric }) { return derived.isRate }
        return metric.rawValue.hasSuffix("_rate")
    }

    /// A rule in Chinese, for `kaoping template show` and the starter config.
    public func describe(_ rule: Rule) -> String {
        func show(_ t: Decimal, _ metric: MetricKey) -> String { isRate(metric) ? percentThreshold(t) : fmt(t) }
        func values(_ allowed: [Decimal]) -> String { allowed.map(fmt).joined(separator: "、") }
        switch rule {
        case .manual(let allowed):
            return "人工评分，可选 \(values(allowed))"
        case .bands(let metric, let bands, let otherwise):
            let steps = bands.map { "≥\(show($0.threshold, metric)) 得 \(fmt($0.points)) 分" }.joined(separator: "，")
            return "按 \(metric)：\(steps)，否则 \(fmt(otherwise)) 分"
        case .threshold(let metric, let t, let points):
            return "\(metric) ≥ \(show(t, metric)) 得 \(fmt(points)) 分，否则 0 分"
        case .gate(let metric, let t, let allowed, let below):
            return "\(metric) ≥ \(show(t, metric)) 时人工评分（可选 \(values(allowed))），否则 \(fmt(below)) 分"
        case .levels(let fact, let levels, let perReport, let ceiling):
            let parts = levels.map { "\($0.label)（\($0.key)）\(fmt($0.points)) 分" }.joined(separator: " + ")
            return "facts.\(fact)：\(parts)（\(perReport ? "按篇数累加" : "每级计一次")），至多 \(fmt(ceiling)) 分"
        case .veto(let metric, let below):
            var text = "一票否决：manual 中写 true（发生）或 false（未发生）"
            if let metric, let below { text += "；未填写时按 \(metric) 低于 \(show(below, metric)) 自动判定" }
            return text
        }
    }
}

extension Template {
    /// What a count fact counts, in Chinese, when the template reads the fact as a count: an
    /// operand of a ratio (物流快递覆盖的行政村) or a plain figure that is not a rate
    /// (电商产业园入驻企业数). Nil for rates, dates and tables.
    public func countedBy(fact key: String) -> String? {
        for metric in derivedMetrics {
            switch metric.formula {
            case .ratio(let a, let b) where a == "facts.\(key)" || b == "facts.\(key)":
                return a == "facts.\(key)" ? (metric.numeratorLabel ?? metric.label) : metric.label
            case .fact(let k) where k == key && !metric.isRate:
                return metric.label
            default:
                continue
            }
        }
        return nil
    }
}
