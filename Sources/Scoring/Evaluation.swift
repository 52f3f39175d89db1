import Foundation

/// The scored index of one county: metrics, every leaf's score and why, totals and veto.
public struct Evaluation: Sendable {
    public var county: String
    public var template: Template
    /// The config the evaluation was made from (an output must never replace it).
    public var configPath: String
    /// Built-in metrics first (DESIGN §3 order), then the template's derived ones.
    public var metrics: [Metric]
    /// One per leaf, in table order.
    public var leaves: [LeafResult]
    /// Scored and bonus leaves summed (penalties included); a missing leaf counts 0 here and
    /// is listed in `missing`.
    public var total: Decimal
    /// True when any veto leaf is triggered (the total is still reported).
    public var veto: Bool
    public var people: PeopleCounts
    /// Findings of the evidence by severity.
    public var errors: Int
    public var warnings: Int
    /// Definitions the report prints beside the figures.
    public var definitions: Definitions
    /// Config values refused once the evidence was read (a count larger than what it counts),
    /// in Chinese with what to write instead; the leaves reading them are missing.
    public var refused: [String] = []

    public struct PeopleCounts: Sendable, Equatable {
        /// Sign-in rows that name a person.
        public var signinRows: Int
        /// Rows dropped as a person's repeat at the same session.
        public var duplicateSignins: Int
        public var distinctPersons: Int
        /// Sign-in rows whose ID number is present but unusable.
        public var invalidIDs: Int
        public init(signinRows: Int = 0, duplicateSignins: Int = 0, distinctPersons: Int = 0, invalidIDs: Int = 0) {
            self.signinRows = signinRows
            self.duplicateSignins = duplicateSignins
            self.distinctPersons = distinctPersons
            self.invalidIDs = invalidIDs
        }
    }

    public struct Definitions: Sendable, Equatable {
        /// 有劳动能力的建档立卡贫困人口 as configured (PoorSettings.definition).
        public var poorLabor: String
        /// How person-times are counted.
        public var personTimes: String
        /// How villages are counted.
        public var villages: String

        public init(poorLabor: String, personTimes: String, villages: String) {
            self.poorLabor = poorLabor
            self.personTimes = personTimes
            self.villages = villages
        }
    }

    /// For tests and tools that build a result by hand; `Evaluator.evaluate` makes real ones.
    public init(county: String, template: Template, configPath: String, metrics: [Metric], leaves: [LeafResult], total: Decimal,
                veto: Bool, people: PeopleCounts, errors: Int, warnings: Int, definitions: Definitions) {
        self.county = county
        self.template = template
        self.configPath = configPath
        self.metrics = metrics
        self.leaves = leaves
        self.total = total
        self.veto = veto
        self.people = people
        self.errors = errors
        self.warnings = warnings
        self.definitions = definitions
    }

    public func leaf(_ id: String) -> LeafResult? { leaves.first { $0.id == id } }

    public func metric(_ key: MetricKey) -> Metric? { metrics.first { $0.key == key } }

    /// The row's 自评得分: its leaves summed, missing ones as 0; nil when every leaf is missing
    /// (or for veto rows, which carry no points).
    public func score(of row: IndexRow) -> Decimal? {
        let results = row.leaves.compactMap { leaf($0.id) }
        if results.allSatisfy({ $0.basis == .missing }) || results.allSatisfy(\.isVeto) { return nil }
        return results.reduce(0) { $0 + ($1.score ?? 0) }
    }

    /// A section's score (veto sections: nil).
    public func score(of section: Section) -> Decimal? {
        guard section.kind != .veto else { return nil }
        return section.rows.reduce(0) { $0 + (score(of: $1) ?? 0) }
    }

    /// Leaves with no score, in table order.
    public var missing: [LeafResult] { leaves.filter { $0.basis == .missing } }

    /// Leaves marked 临界.
    public var nearThreshold: [LeafResult] { leaves.filter(\.nearThreshold) }
}

/// A figure computed from the evidence or the config.
public struct Metric: Sendable, Equatable {
    /// The JSON key (DESIGN §3), e.g. `training_coverage_rate`.
    public var key: MetricKey
    /// Chinese label, e.g. 培训人次占常住人口比例.
    public var label: String
    /// Full precision; a rate is a fraction. nil when the facts are missing.
    public var value: Double?
    /// The exact parts: a rate's numerator and denominator; a count's value over 1.
    public var numerator: Decimal?
    public var denominator: Decimal?
    /// Chinese: the base or cap applied, the definition, or why it is missing.
    public var note: String
    /// Within 0.5 percentage points of a threshold of a rule that reads it.
    public var nearThreshold: Bool
    public var isRate: Bool
    /// How the value was reached, in Chinese: "培训人次 4385 ÷ 常住人口基数 420000 = 1.04%".
    public var formula: String

    public init(key: MetricKey, label: String, value: Double?, numerator: Decimal?, denominator: Decimal?, note: String,
                nearThreshold: Bool, isRate: Bool, formula: String) {
        self.key = key
        self.label = label
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self.note = note
        self.nearThreshold = nearThreshold
        self.isRate = isRate
        self.formula = formula
    }

    /// The exact value, when the parts are known.
    public var exact: Decimal? {
        guard let numerator, let denominator, denominator != 0 else { return nil }
        return numerator / denominator
    }
}

/// One leaf's outcome.
public struct LeafResult: Sendable, Equatable {
    public enum Basis: String, Sendable { case computed, manual, missing }
    public var id: String
    public var name: String
    public var max: Decimal
    /// nil when missing; a veto leaf scores 0.
    public var score: Decimal?
    public var basis: Basis
    public var nearThreshold: Bool
    /// The metric the rule read.
    public var metric: MetricKey?
    /// Chinese, e.g. "培训人次 4385 ÷ 常住人口基数 420000 = 1.04%，达到 1% 及以上，得 10 分".
    public var explanation: String
    /// The thresholds that gave the score, when it follows from one metric by thresholds (a
    /// spreadsheet can recompute it); nil for judgment, missing and overridden scores.
    public var bands: ScoreBands?
    /// The band or criterion met, in Chinese: "≥1.00%（10 分）", "低于 0.60%（0 分）".
    public var bandMet: String?
    /// A computed leaf whose score the config replaced (`overrides:`).
    public var overridden: Bool
    /// For veto leaves: whether the veto is triggered.
    public var vetoed: Bool
    public var isVeto: Bool
    /// Why a 临界 leaf is marked, in Chinese: how far the value is from the nearest band line
    /// in the metric's own units ("恰好达到 100%：少 1 个就降档").
    public var nearReason: String?
    /// What an unscored leaf waits for from the county: `explanation` words it as a config key
    /// (for the command line and the workbook); the workbench words it as its own form.
    public var awaiting: Awaiting?

    /// A judgment or a county figure nothing has given yet.
    public enum Awaiting: Sendable, Equatable {
        /// A judgment score; `after` is what the figures already say ("…，达到 60%"), or empty.
        case score(after: String)
        /// Whether a veto event happened.
        case vetoFlag
        /// A county figure (`facts`) the rule reads.
        case fact(String)
    }

    public init(id: String, name: String, max: Decimal, score: Decimal?, basis: Basis, nearThreshold: Bool = false,
                metric: MetricKey? = nil, explanation: String = "", overridden: Bool = false, vetoed: Bool = false, isVeto: Bool = false) {
        self.id = id
        self.name = name
        self.max = max
        self.score = score
        self.basis = basis
        self.nearThreshold = nearThreshold
        self.metric = metric
        self.explanation = explanation
        self.overridden = overridden
        self.vetoed = vetoed
        self.isVeto = isVeto
    }
}

/// Thresholds on one metric: the first step the value reaches gives its points, else
/// `otherwise`. Exact: thresholds are fractions for rates (0.01 for 1%).
public struct ScoreBands: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var threshold: Decimal
        public var points: Decimal
    }
    public var metric: MetricKey
    /// Highest threshold first.
    public var steps: [Step]
    public var otherwise: Decimal
}
