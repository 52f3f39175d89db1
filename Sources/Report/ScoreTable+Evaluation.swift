import Foundation
import Roster
import Scoring

extension ScoreTable {
    /// The template's table with the engine's results, numbers as Doubles for the cells.
    init(_ evaluation: Evaluation) {
        func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }
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
                        // Scoring decided every leaf; a leaf it did not report is shown as missing.
                        guard let result = evaluation.leaf(leaf.id) else {
                            return Leaf(id: leaf.id, name: leaf.name, max: double(leaf.max), score: nil, basis: .missing,
                                        nearThreshold: false, metric: nil, bands: nil, bandMet: nil, overridden: false, explanation: "")
                        }
                        let basis: Basis = switch result.basis {
                        case .computed: .computed
                        case .manual: .manual
                        case .missing: .missing
                        }
                        let bands = result.bands.map { b in
                            Bands(metric: b.metric.rawValue, steps: b.steps.map { .init(threshold: double($0.threshold), points: double($0.points)) },
                                  otherwise: double(b.otherwise))
                        }
                        return Leaf(id: leaf.id, name: leaf.name, max: double(leaf.max),
                                    // A veto row shows whether it is triggered, as 1 or 0.
                                    score: result.isVeto ? (result.vetoed ? 1 : 0) : result.score.map(double),
                                    basis: basis, nearThreshold: result.nearThreshold,
                                    metric: result.metric?.rawValue, bands: bands, bandMet: result.bandMet,
                                    overridden: result.overridden, explanation: result.explanation,
                                    nearReason: result.nearReason)
                    }, continuesPrevious: row.continuesPrevious)
            })
        }
        metrics = evaluation.metrics.map { metric in
            Metric(key: metric.key.rawValue, label: metric.label, value: metric.value,
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
        let configFolder = (evaluation.configPath as NSString).deletingLastPathComponent
        try write(ScoreTable(evaluation), evidence: evidence, to: path, maskPII: maskPII,
                  inputs: inputs + [evaluation.configPath, evaluation.template.path],
                  base: configFolder.isEmpty ? nil : (configFolder as NSString).standardizingPath)
    }
}
