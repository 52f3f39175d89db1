import Foundation
import Roster

/// Scores a template's leaves from the evidence and the config.
public enum Evaluator {
    public static func evaluate(config: Config, template: Template, evidence: Evidence) -> Evaluation {
        let drafts = MetricCalculator(config: config, template: template, evidence: evidence).compute()
        let byKey = Dictionary(uniqueKeysWithValues: drafts.map { ($0.key, $0) })
        var leaves: [LeafResult] = []
        for section in template.sections {
            for row in section.rows {
                for leaf in row.leaves {
                    leaves.append(score(leaf, in: section, metrics: byKey, config: config))
                }
            }
        }
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
            poorLabor: config.poor.definition,
            personTimes: "签到记录中写明了人的行数，去除同一人在同一场次的重复签到后计为培训人次；同一人参加不同场次分别计算",
            villages: "行政村清单中的行政村（居委会、社区不计）；一村多站只计一次"
                + (template.caps.villages.map { "；超过 \(fmt($0)) 个行政村的以 \(fmt($0)) 个为基数" } ?? ""))
        var evaluation = Evaluation(county: config.county, template: template, config: config, metrics: metrics, leaves: leaves,
                                    total: total, veto: leaves.contains(where: \.vetoed), people: people,
                                    errors: evidence.findings.filter { $0.severity == .error }.count,
                                    warnings: evidence.findings.filter { $0.severity == .warning }.count,
                                    definitions: definitions)
        evaluation.refused = drafts.compactMap(\.refused)
        return evaluation
    }

    static func score(_ leaf: Leaf, in section: Section, metrics: [String: MetricDraft], config: Config) -> LeafResult {
        var result = LeafResult(id: leaf.id, name: leaf.name, max: leaf.max, score: nil, basis: .missing, nearThreshold: false,
                                metric: leaf.rule.metric, explanation: "", overridden: false, vetoed: false, isVeto: false)
        let manual = config.manual[leaf.id]
        func missingMetric(_ key: String) -> String {
            let draft = metrics[key]
            return "缺少数据，未计分：\(draft?.label ?? key)无法计算（\(draft?.note ?? "")）"
        }
        switch leaf.rule {
        case .manual:
            if case .number(let value)? = manual {
                result.score = value
                result.basis = .manual
                result.explanation = "人工评分：\(fmt(value)) 分"
            } else {
                result.explanation = "未评分：请在配置 manual 中填写 \"\(leaf.id)\""
            }

        case .bands(let key, let bands, let otherwise):
            guard let draft = metrics[key], let value = draft.value else { result.explanation = missingMetric(key); break }
            result.basis = .computed
            result.nearThreshold = bands.contains { value.isNear($0.threshold) }
            result.nearReason = nearReason(value, bands.map(\.threshold), unit: draft.unit)
            if let index = bands.firstIndex(where: { value.reaches($0.threshold) }) {
                let band = bands[index]
                result.score = band.points
                var reach = "达到 \(show(band.threshold, value)) 及以上"
                if index > 0 { reach = "达到 \(show(band.threshold, value))、不足 \(show(bands[index - 1].threshold, value))" }
                result.explanation = "\(draft.formula)，\(reach)，得 \(fmt(band.points)) 分"
            } else {
                result.score = otherwise
                let lowest = bands.last.map { "，低于 \(show($0.threshold, value))" } ?? ""
                result.explanation = "\(draft.formula)\(lowest)，得 \(fmt(otherwise)) 分"
            }

        case .threshold(let key, let threshold, let points):
            guard let draft = metrics[key], let value = draft.value else { result.explanation = missingMetric(key); break }
            result.basis = .computed
            result.nearThreshold = value.isNear(threshold)
            result.nearReason = nearReason(value, [threshold], unit: draft.unit)
            let reached = value.reaches(threshold)
            result.score = reached ? points : 0
            result.explanation = "\(draft.formula)，\(reached ? "达到" : "未达到") \(show(threshold, value))\(reached ? " 及以上" : "")，得 \(fmt(result.score!)) 分"

        case .gate(let key, let threshold, _, let below):
            guard let draft = metrics[key], let value = draft.value else { result.explanation = missingMetric(key); break }
            result.nearThreshold = value.isNear(threshold)
            result.nearReason = nearReason(value, [threshold], unit: draft.unit)
            if value.reaches(threshold) {
                if case .number(let score)? = manual {
                    result.score = score
                    result.basis = .manual
                    result.explanation = "\(draft.formula)，达到 \(show(threshold, value))，人工评分 \(fmt(score)) 分"
                } else {
                    result.explanation = "\(draft.formula)，达到 \(show(threshold, value))，请在配置 manual 中填写 \"\(leaf.id)\" 的分数"
                }
            } else {
                result.score = below
                result.basis = .computed
                result.explanation = "\(draft.formula)，低于 \(show(threshold, value))，得 \(fmt(below)) 分"
                    + (manual != nil ? "（manual 中的分数不适用）" : "")
            }

        case .levels(let fact, let levels, let perReport, let ceiling):
            guard case .table(let counts)? = config.facts[fact] else {
                result.explanation = "缺少数据，未计分：配置 facts 中没有 \(fact)"
                break
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
            result.basis = .computed
            result.score = min(sum, ceiling)
            var text = parts.isEmpty ? "没有媒体报道" : parts.joined(separator: " + ")
            if sum > ceiling { text += " = \(fmt(sum)) 分，超过上限 \(fmt(ceiling)) 分" }
            result.explanation = "\(text)，得 \(fmt(result.score!)) 分"

        case .veto(let key, let below):
            result.isVeto = true
            if case .flag(let on)? = manual {
                result.basis = .manual
                result.vetoed = on
                result.score = 0
                result.explanation = on ? "人工判定：触发一票否决" : "人工判定：未触发"
            } else if let key, let below, let value = metrics[key]?.value {
                result.basis = .computed
                result.vetoed = !value.reaches(below)
                result.nearThreshold = value.isNear(below)
                result.nearReason = nearReason(value, [below], unit: metrics[key]?.unit)
                result.score = 0
                result.explanation = "\(metrics[key]!.formula)，\(result.vetoed ? "低于" : "不低于") \(show(below, value))"
                    + (result.vetoed ? "，触发一票否决" : "，未触发")
            } else {
                result.explanation = "未判定：请在配置 manual 中填写 \"\(leaf.id)\": false（未发生）或 true（发生）"
            }
        }

        if let override = config.overrides[leaf.id] {
            let computed = result.score.map { "\(fmt($0)) 分" } ?? "无"
            result.explanation = "人工改分为 \(fmt(override)) 分（按数据计算：\(computed)；\(result.explanation)）"
            result.score = override
            result.basis = .manual
            result.overridden = true
        }
        return result
    }

    /// The reason a leaf is 临界: the gap to the nearest threshold it is near; nil when none is.
    private static func nearReason(_ value: Exact, _ thresholds: [Decimal], unit: String?) -> String? {
        let near = thresholds.filter { value.isNear($0) }
        guard let closest = near.min(by: { abs(value.numerator - $0 * value.denominator) < abs(value.numerator - $1 * value.denominator) }) else {
            return nil
        }
        return value.nearReason(closest, unit: unit)
    }

    /// A threshold in the metric's terms: a percentage for rates, the number for counts.
    private static func show(_ threshold: Decimal, _ value: Exact) -> String {
        value.isRate ? percentThreshold(threshold) : fmt(threshold)
    }
}
