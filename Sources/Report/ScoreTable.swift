/// What the index and metrics sheets show: the template's table with the engine's results,
/// in plain numbers. Built from a Scoring `Evaluation` (ScoreTable+Evaluation.swift), so the
/// sheets do not depend on how Scoring spells its types.
struct ScoreTable {
    enum Kind { case scored, bonus, veto }
    enum Basis { case computed, manual, missing }

    /// Scoring's thresholds for a leaf, in plain numbers for the formula text.
    struct Bands {
        struct Step { var threshold: Double; var points: Double }
        var metric: String
        /// Highest threshold first.
        var steps: [Step]
        var otherwise: Double
    }

    struct Leaf {
        var id: String
        var name: String
        var max: Double
        /// Nil when missing.
        var score: Double?
        var basis: Basis
        var nearThreshold: Bool
        var metric: String?
        var bands: Bands?
        /// The band or criterion met, as Scoring worded it.
        var bandMet: String?
        var overridden: Bool
        var explanation: String
        /// Why it is 临界: the gap to the band line in the metric's units.
        var nearReason: String? = nil
    }

    struct Row {
        var id: String
        var name: String
        var weight: Double?
        var explanation: String
        var criterion: String
        var evidence: String
        var leaves: [Leaf]
        /// Continues the row above under the same 名称 and 权重 (merged cells in the official table).
        var continuesPrevious = false
    }

    struct Section {
        var id: String
        var task: String
        var points: Double?
        var kind: Kind
        var rows: [Row]
    }

    struct Metric {
        var key: String
        var label: String
        var value: Double?
        var numerator: Double?
        var denominator: Double?
        var note: String?
        var nearThreshold: Bool
        var isRate: Bool
    }

    var county: String
    var title: String
    var sections: [Section]
    var metrics: [Metric]
    var total: Double
    var veto: Bool
    /// Definitions used (labour-ability values, migrants, denominators), one sentence each.
    var definitions: [String]
}

/// Numbers as the workbook's text shows them.
enum Numbers {
    /// `10`, `0.5`, `-5`: integers without a decimal point.
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `1.04%`: two decimals, as the metrics sheet's number format shows it.
    static func percent(_ fraction: Double) -> String {
        let hundredths = (fraction * 10_000).rounded()
        let sign = hundredths < 0 ? "-" : ""
        let whole = Int64(abs(hundredths))
        let cents = whole % 100
        return "\(sign)\(whole / 100).\(cents < 10 ? "0" : "")\(cents)%"
    }

    /// A constant inside a formula: shortest round-trip form, which Excel and LibreOffice parse back exactly.
    static func formula(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)".uppercased()
    }
}
