import Foundation
import Roster
import Scoring

extension ScoreTable {
    /// The template's table with the engine's results, numbers as Doubles for the cells.
    init(_ evaluation: Evaluation) {
        func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }
        let manual = evaluation.config.manual
        sections = evaluation.template.sections.map { section in
            Section(id: section.id, task: section.task, points: double(section.points), kind: {
                switch section.kind {
                case .scored: .scored
                case .bonus: .bonus
                case .veto: .veto
                }
            }(), rows: section.rows.map { row in
                Row(id: row.id, name: row.name, weight: row.weight.map(double),
                    explanation: row.explanation, criterion: row.criterion, evidence: row.evidence,
                    leaves: row.leaves.map { leaf in
                        let result = evaluation.leaf(leaf.id)
                        let basis: Basis = switch result?.basis {
                        case .computed?: .computed
                        case .manual?: .manual
                        default: .missing
                        }
                        // Rules that reduce to thresholds on one metric become formulas.
                        var bands: Bands?
                        switch leaf.rule {
                        case .bands(let metric, let steps, let otherwise):
                            bands = Bands(metric: metric, steps: steps.map { .init(threshold: double($0.threshold), points: double($0.points)) },
                                          otherwise: double(otherwise))
                        case .threshold(let metric, let threshold, let points):
                            bands = Bands(metric: metric, steps: [.init(threshold: double(threshold), points: double(points))], otherwise: 0)
                        case .gate(let metric, let threshold, _, let below):
                            // Above the gate the judgment score stands; below it the penalty.
                            var above = 0.0
                            if case .number(let value)? = manual[leaf.id] { above = double(value) }
                            bands = Bands(metric: metric, steps: [.init(threshold: double(threshold), points: above)], otherwise: double(below))
                        case .manual, .levels, .veto:
                            bands = nil
                        }
                        let isVeto: Bool = if case .veto = leaf.rule { true } else { false }
                        return Leaf(id: leaf.id, name: leaf.name, max: double(leaf.max),
                                    // A veto row shows whether it is triggered, as 1 or 0.
                                    score: isVeto ? (result?.vetoed == true ? 1 : 0) : result?.score.map(double),
                                    basis: isVeto && result?.basis == .missing ? .missing : basis,
                                    nearThreshold: result?.nearThreshold ?? false,
                                    metric: result?.metric ?? leaf.rule.metric, bands: bands,
                                    overridden: result?.overridden ?? false, explanation: result?.explanation ?? "",
                                    nearReason: result?.nearReason)
                    }, continuesPrevious: row.continuesPrevious)
            })
        }
        metrics = evaluation.metrics.map { metric in
            Metric(key: metric.key, label: metric.label, value: metric.value,
                   numerator: metric.isRate ? metric.numerator.map(double) : nil,
                   denominator: metric.isRate ? metric.denominator.map(double) : nil,
                   note: [metric.formula, metric.note].filter { !$0.isEmpty }.joined(separator: "；"),
                   nearThreshold: metric.nearThreshold, isRate: metric.isRate)
        }
        county = evaluation.county
        title = evaluation.template.title
        total = double(evaluation.total)
        veto = evaluation.veto
        definitions = [
            "培训人次：\(evaluation.definitions.personTimes)。",
            "有劳动能力的建档立卡贫困人口：\(evaluation.definitions.poorLabor)。",
            "行政村：\(evaluation.definitions.villages)。",
        ]
    }
}

extension EvaluationWorkbook {
    /// Writes the filled evaluation workbook.
    ///
    /// - Parameters:
    ///   - evaluation: the scored index (Scoring's `Evaluator.evaluate`).
    ///   - evidence: what Roster read, for the evidence sheets.
    ///   - path: the output `.xlsx`; its directory must exist. An existing file is replaced
    ///     only once the new one is complete.
    ///   - maskPII: write ID numbers and phones masked (440281********123X, 138****5678),
    ///     for a workbook fit for publication.
    ///   - inputs: files the program read; an output that resolves to one of them is refused
    ///     (the evidence's own source files are refused too).
    /// - Throws: `SheetError` naming the file, sheet and cell when the workbook cannot be written.
    public static func write(_ evaluation: Evaluation, evidence: Evidence, to path: String,
                             maskPII: Bool = false, inputs: [String] = []) throws {
        let configFolder = (evaluation.config.path as NSString).deletingLastPathComponent
        try write(ScoreTable(evaluation), evidence: evidence, to: path, maskPII: maskPII,
                  inputs: inputs + [evaluation.config.path, evaluation.template.path],
                  base: configFolder.isEmpty ? nil : (configFolder as NSString).standardizingPath)
    }
}
