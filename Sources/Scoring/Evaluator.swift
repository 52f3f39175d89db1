import Foundation
import Roster

/// Scores a template's leaves from the evidence and the config.
public enum Evaluator {
    public static func evaluate(config: Config, evidence: Evidence) -> Evaluation {
        let template = config.template
        let drafts = MetricCalculator(config: config, template: template, evidence: evidence).compute()
        let byKey = Dictionary(drafts.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let scorer = LeafScorer(config: config, metrics: byKey)
        let leaves = template.sections.flatMap { $0.rows.flatMap { $0.leaves.map(scorer.score) } }
        // A metric is near a threshold when a leaf reading it is.
        let nearMetrics = Set(leaves.filter(\.nearThreshold).compactMap(\.metric))
        let metrics = drafts.map { d in
            Metric(key: d.key, label: d.label, value: d.value?.double, numerator: d.value?.numerator,
                   denominator: d.value?.denominator, note: d.note, nearThreshold: nearMetrics.contains(d.key),
                   isRate: d.isRate, formula: d.formula)
        }
        let counted = Set(template.sections.filter { $0.kind != .veto }.flatMap { $0.rows.flatMap(\.leaves).map(\.id) })
        let total = leaves.filter { counted.contains($0.id) }.reduce(Decimal(0)) { $0 + ($1.score ?? 0) }
        let attendance = evidence.attendance
        let people = Evaluation.PeopleCounts(
            signinRows: attendance.signinRows, duplicateSignins: attendance.duplicateSignins,
            distinctPersons: attendance.persons.count,
            invalidIDs: attendance.records.filter { $0.id.map { !$0.isUsable } ?? false }.count)
        let definitions = Evaluation.Definitions(
            poorLabor: config.sources.poor.definition,
            personTimes: "签到记录中写明了人的行数，去除同一人在同一场次的重复签到后计为培训人次；同一人参加不同场次分别计算",
            villages: "行政村清单中的行政村（居委会、社区不计）；一村多站只计一次"
                + (template.caps.villages.map { "；超过 \(fmt($0)) 个行政村的以 \(fmt($0)) 个为基数" } ?? ""))
        var evaluation = Evaluation(county: config.county, template: template, configPath: config.path, metrics: metrics,
                                    leaves: leaves, total: total, veto: leaves.contains(where: \.vetoed), people: people,
                                    errors: evidence.findings.filter { $0.severity == .error }.count,
                                    warnings: evidence.findings.filter { $0.severity == .warning }.count,
                                    definitions: definitions)
        evaluation.refused = drafts.compactMap(\.refused)
        return evaluation
    }

}

/// Scores one leaf by its rule: the score, the words for it, and the thresholds behind it.
struct LeafScorer {
    let config: Config
    let metrics: [MetricKey: MetricDraft]

    func score(_ leaf: Leaf) -> LeafResult {
        var result = LeafResult(id: leaf.id, name: leaf.name, max: leaf.max, score: nil, basis: .missing, metric: leaf.rule.metric)
        let manual = config.manual[leaf.id]
        switch leaf.rule {
        case .manual:
            if case .number(let value)? = manual {
                result.score = value
                result.basis = .manual
                result.explanation = "人工评分：\(fmt(value)) 分"
            } else {
                result.explanation = "未评分：请在配置 manual 中填写 \"\(leaf.id)\""
                result.awaiting = .score(after: "")
            }
        case .bands(let key, let bands, let otherwise):
            scoreBands(&result, ScoreBands(metric: key, steps: bands.map { .init(threshold: $0.threshold, points: $0.points) },
                                           otherwise: otherwise))
        case .threshold(let key, let threshold, let points):
            scoreBands(&result, ScoreBands(metric: key, steps: [.init(threshold: threshold, points: points)], otherwise: 0))
        case .gate(let key, let threshold, _, let below):
            scoreGate(&result, key: key, threshold: threshold, below: below, manual: manual)
        case .levels(let fact, let levels, let perReport, let ceiling):
            scoreLevels(&result, fact: fact, levels: levels, perReport: perReport, ceiling: ceiling)
        case .veto(let key, let below):
            scoreVeto(&result, key: key, below: below, manual: manual)
        }
        if let override = config.overrides[leaf.id] {
            let computed = result.score.map { "\(fmt($0)) 分" } ?? "无"
            result.explanation = "人工改分为 \(fmt(override)) 分（按数据计算：\(computed)；\(result.explanation)）"
            result.score = override
            result.basis = .manual
            result.overridden = true
            result.awaiting = nil
            result.bands = nil
            result.bandMet = result.bandMet.map { $0 + "；已手工改分" } ?? "手工评分"
        }
        return result
    }

    private func missingMetric(_ key: MetricKey) -> String {
        let draft = metrics[key]
        return "缺少数据，未计分：\(draft?.label ?? key.rawValue)无法计算（\(draft?.note ?? "")）"
    }

    /// Bands and single thresholds: the first step reached gives its points.
    private func scoreBands(_ result: inout LeafResult, _ bands: ScoreBands) {
        guard let draft = metrics[bands.metric], let value = draft.value else {
            result.explanation = missingMetric(bands.metric)
            return
        }
        result.basis = .computed
        result.bands = bands
        result.nearThreshold = bands.steps.contains { value.isNear($0.threshold) }
        result.nearReason = nearReason(value, bands.steps.map(\.threshold), unit: draft.unit)
        if let index = bands.steps.firstIndex(where: { value.reaches($0.threshold) }) {
            let step = bands.steps[index]
            result.score = step.points
            var reach = "达到 \(show(step.threshold, value)) 及以上"
            if index > 0 { reach = "达到 \(show(step.threshold, value))、不足 \(show(bands.steps[index - 1].threshold, value))" }
            result.explanation = "\(draft.formula)，\(reach)，得 \(fmt(step.points)) 分"
            result.bandMet = "≥\(showBand(step.threshold, value))（\(fmt(step.points)) 分）"
        } else {
            result.score = bands.otherwise
            let lowest = bands.steps.last.map { "，\(bands.steps.count == 1 ? "未达到" : "低于") \(show($0.threshold, value))" } ?? ""
            result.explanation = "\(draft.formula)\(lowest)，得 \(fmt(bands.otherwise)) 分"
            result.bandMet = (bands.steps.last.map { "低于 \(showBand($0.threshold, value))" } ?? "") + "（\(fmt(bands.otherwise)) 分）"
        }
    }

    /// A judgment score above the threshold, a fixed penalty below it.
    private func scoreGate(_ result: inout LeafResult, key: MetricKey, threshold: Decimal, below: Decimal, manual: ManualValue?) {
        guard let draft = metrics[key], let value = draft.value else {
            result.explanation = missingMetric(key)
            return
        }
        result.nearThreshold = value.isNear(threshold)
        result.nearReason = nearReason(value, [threshold], unit: draft.unit)
        if value.reaches(threshold) {
            guard case .number(let score)? = manual else {
                result.explanation = "\(draft.formula)，达到 \(show(threshold, value))，请在配置 manual 中填写 \"\(result.id)\" 的分数"
                result.awaiting = .score(after: "\(draft.formula)，达到 \(show(threshold, value))")
                return
            }
            result.score = score
            result.basis = .manual
            result.explanation = "\(draft.formula)，达到 \(show(threshold, value))，人工评分 \(fmt(score)) 分"
            // Above the gate the judgment score stands; the gate itself is still a formula.
            result.bands = ScoreBands(metric: key, steps: [.init(threshold: threshold, points: score)], otherwise: below)
            result.bandMet = "≥\(showBand(threshold, value))（\(fmt(score)) 分）"
        } else {
            result.score = below
            result.basis = .computed
            result.explanation = "\(draft.formula)，低于 \(show(threshold, value))，得 \(fmt(below)) 分"
                + (manual != nil ? "（已填写的人工评分不适用）" : "")
            // The formula still names the judgment score that would apply above the gate.
            var above: Decimal = 0
            if case .number(let score)? = manual { above = score }
            result.bands = ScoreBands(metric: key, steps: [.init(threshold: threshold, points: above)], otherwise: below)
            result.bandMet = "低于 \(showBand(threshold, value))（\(fmt(below)) 分）"
        }
    }

    /// Points per level of a fact, summed and capped.
    private func scoreLevels(_ result: inout LeafResult, fact: String, levels: [Level], perReport: Bool, ceiling: Decimal) {
        guard case .table(let counts)? = config.facts[fact] else {
            result.explanation = "缺少数据，未计分：配置 facts 中没有 \(fact)"
            result.awaiting = .fact(fact)
            return
        }
        var sum: Decimal = 0
        var parts: [String] = []
        for level in levels {
            let n = counts[level.key] ?? 0
            guard n > 0 else { continue }
            let points = perReport ? level.points * n : level.points
            sum += points
            parts.append(perReport ? "\(level.label) \(fmt(n)) 篇 × \(fmt(level.points)) 分" : "\(level.label)报道（\(fmt(level.points)) 分）")
        }
        let score = min(sum, ceiling)
        result.basis = .computed
        result.score = score
        var text = parts.isEmpty ? "没有媒体报道" : parts.joined(separator: " + ")
        if sum > ceiling { text += " = \(fmt(sum)) 分，超过上限 \(fmt(ceiling)) 分" }
        result.explanation = "\(text)，得 \(fmt(score)) 分"
    }

    /// A manual true/false, or computed when the metric falls below a floor.
    private func scoreVeto(_ result: inout LeafResult, key: MetricKey?, below: Decimal?, manual: ManualValue?) {
        result.isVeto = true
        if case .flag(let on)? = manual {
            result.basis = .manual
            result.vetoed = on
            result.score = 0
            result.explanation = on ? "人工判定：触发一票否决" : "人工判定：未触发"
        } else if let key, let below, let draft = metrics[key], let value = draft.value {
            result.basis = .computed
            result.vetoed = !value.reaches(below)
            result.nearThreshold = value.isNear(below)
            result.nearReason = nearReason(value, [below], unit: draft.unit)
            result.score = 0
            result.explanation = "\(draft.formula)，\(result.vetoed ? "低于" : "不低于") \(show(below, value))"
                + (result.vetoed ? "，触发一票否决" : "，未触发")
        } else {
            result.explanation = "未判定：请在配置 manual 中填写 \"\(result.id)\": false（未发生）或 true（发生）"
            result.awaiting = .vetoFlag
        }
    }

    /// The reason a leaf is 临界: the gap to the nearest threshold it is near; nil when none is.
    private func nearReason(_ value: Exact, _ thresholds: [Decimal], unit: String?) -> String? {
        let near = thresholds.filter { value.isNear($0) }
        guard let closest = near.min(by: { abs(value.numerator - $0 * value.denominator) < abs(value.numerator - $1 * value.denominator) }) else {
            return nil
        }
        return value.nearReason(closest, unit: unit)
    }

    /// A threshold in the metric's terms: a percentage for rates, the number for counts.
    private func show(_ threshold: Decimal, _ value: Exact) -> String {
        value.isRate ? percentThreshold(threshold) : fmt(threshold)
    }

    /// A threshold as the metrics sheet shows values: two decimals for rates (0.80%).
    private func showBand(_ threshold: Decimal, _ value: Exact) -> String {
        value.isRate ? percent(Exact(numerator: threshold, denominator: 1, isRate: true)) : fmt(threshold)
    }
}
