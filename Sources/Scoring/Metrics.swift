import Foundation
import Roster

/// An exact value: a rate as numerator over denominator, a count over 1.
struct Exact {
    var numerator: Decimal
    var denominator: Decimal
    var isRate: Bool

    /// value >= threshold, compared without rounding: numerator >= threshold × denominator.
    func reaches(_ threshold: Decimal) -> Bool { numerator >= threshold * denominator }

    /// Within half a percentage point of a rate threshold (临界); never for counts.
    func isNear(_ threshold: Decimal) -> Bool {
        guard isRate else { return false }
        let gap = numerator - threshold * denominator
        return abs(gap) <= Decimal(string: "0.005")! * denominator
    }

    /// Why the value is near `threshold`, in the numerator's units: for a count over a count,
    /// how many more or fewer would change the band ("恰好达到 100%：少 1 个就降档"); for
    /// money, the amount; otherwise the gap in percentage points.
    func nearReason(_ threshold: Decimal, unit: String?) -> String {
        let line = percentThreshold(threshold)
        let needed = threshold * denominator
        if let unit, unit != "元", numerator == numerator.rounded(0), denominator == denominator.rounded(0) {
            var need = needed.rounded(0)
            if need < needed { need += 1 }
            if numerator >= need {
                let spare = numerator - need
                return spare == 0 ? "恰好达到 \(line)：少 1 \(unit)就降档"
                    : "比档次线 \(line) 多 \(fmt(spare)) \(unit)，少 \(fmt(spare + 1)) \(unit)就降档"
            }
            return "差 \(fmt(need - numerator)) \(unit)达到 \(line)"
        }
        let gap = numerator - needed
        if unit == "元" {
            let amount = fmt(abs(gap).rounded(2))
            return gap >= 0 ? "比档次线 \(line) 只多 \(amount) 元" : "差 \(amount) 元达到 \(line)"
        }
        let points = fmt((abs(gap) * 100 / denominator).rounded(2))
        return gap >= 0 ? "高于档次线 \(line) 仅 \(points) 个百分点" : "距档次线 \(line) 差 \(points) 个百分点"
    }

    var double: Double { NSDecimalNumber(decimal: numerator).doubleValue / NSDecimalNumber(decimal: denominator).doubleValue }
}

/// A metric while it is being computed: its exact value (nil when missing) and the words for it.
struct MetricDraft {
    var key: MetricKey
    var label: String
    var value: Exact?
    /// How the value was reached, in Chinese: "培训人次 4385 ÷ 常住人口基数 420000 = 1.04%".
    var formula: String
    var note: String
    /// What the numerator counts, for 临界 reasons: 人次, 人, 个, 元.
    var unit: String? = nil
    /// Set when a config value was refused for this metric (a count over its whole).
    var refused: String? = nil

    var isRate: Bool { value?.isRate ?? false }
}

/// A metric's JSON key (DESIGN §3): the built-in ones are named here, a template's derived
/// ones come from its YAML.
public struct MetricKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible, Comparable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(stringLiteral value: String) { rawValue = value }
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: MetricKey, b: MetricKey) -> Bool { a.rawValue < b.rawValue }

    public static let trainingPersonTimes = MetricKey("training_person_times")
    public static let populationBase = MetricKey("population_base")
    public static let trainingCoverageRate = MetricKey("training_coverage_rate")
    public static let poorLaborPopulation = MetricKey("poor_labor_population")
    public static let poorTrainedPersons = MetricKey("poor_trained_persons")
    public static let poorTrainingRate = MetricKey("poor_training_rate")
    public static let adminVillages = MetricKey("admin_villages")
    public static let villageBase = MetricKey("village_base")
    public static let villagesWithStation = MetricKey("villages_with_station")
    public static let villageCoverageRate = MetricKey("village_coverage_rate")
    public static let poorVillages = MetricKey("poor_villages")
    public static let poorVillagesWithStation = MetricKey("poor_villages_with_station")
    public static let poorVillageCoverageRate = MetricKey("poor_village_coverage_rate")
    public static let fundDisbursementRate = MetricKey("fund_disbursement_rate")

    /// The built-in metrics in the order the JSON and the report list them.
    public static let builtIn: [MetricKey] = [
        .trainingPersonTimes, .populationBase, .trainingCoverageRate,
        .poorLaborPopulation, .poorTrainedPersons, .poorTrainingRate,
        .adminVillages, .villageBase, .villagesWithStation, .villageCoverageRate,
        .poorVillages, .poorVillagesWithStation, .poorVillageCoverageRate,
        .fundDisbursementRate,
    ]

    /// Whether a template may name this metric (built in, or derived by the template).
    static func isKnown(_ key: MetricKey, derived: [DerivedMetric]) -> Bool {
        builtIn.contains(key) || derived.contains { $0.key == key }
    }
}

/// Computes the built-in metrics from the evidence and the config, then the template's derived ones.
struct MetricCalculator {
    let config: Config
    let template: Template
    let evidence: Evidence

    /// Which inputs gave records. An input counts when the config names it and at least one of
    /// its sheets gave records: files that failed to open, or whose headers were not found,
    /// leave the metric missing, not zero.
    private struct Available {
        var signins, villages, stations, registry: Bool
    }

    func compute() -> [MetricDraft] {
        let named = config.inputScope.named
        let read = Set(evidence.sheets.filter { $0.records > 0 }.map(\.kind))
        let available = Available(signins: named.contains("signins") && read.contains(.signins),
                                  villages: named.contains("villages") && read.contains(.villages),
                                  stations: named.contains("stations") && read.contains(.stations),
                                  registry: named.contains("poor_registry") && read.contains(.registry))
        var drafts = training(available) + poorTraining(available) + villageCoverage(available) + [funds()]
        for derived in template.derivedMetrics {
            drafts.append(self.derived(derived, known: drafts))
        }
        return drafts
    }

    /// Why an input's metric is missing, in Chinese.
    private func absent(_ key: String, _ what: String) -> String {
        config.inputScope.named.contains(key)
            ? "\(what)（inputs.\(key)）没有能读取的工作表，见数据问题；认不出表头的，请在配置 columns 中指定表头行和列"
            : "配置未列出\(what)（inputs.\(key)）"
    }

    /// Person-times, the population base and their rate.
    private func training(_ available: Available) -> [MetricDraft] {
        let attendance = evidence.attendance
        let value = available.signins ? count(Decimal(attendance.personTimes)) : nil
        let personTimes = MetricDraft(
            key: .trainingPersonTimes, label: "培训人次", value: value,
            formula: value.map { "培训人次 \(fmt($0.numerator))" } ?? "",
            note: available.signins
                ? "签到 \(attendance.signinRows) 人次，去除同一人同一场次重复签到 \(attendance.duplicateSignins) 人次"
                : absent("signins", "签到表"))
        var note = "配置未填写常住人口（population.resident）"
        var base: Exact?
        if let resident = config.population {
            if let cap = template.caps.population, resident > cap {
                base = count(cap)
                note = "常住人口 \(fmt(resident)) 人，超过 \(fmt(cap)) 人，以 \(fmt(cap)) 人为基数"
            } else {
                base = count(resident)
                note = "常住人口 \(fmt(resident)) 人"
            }
        }
        let population = MetricDraft(key: .populationBase, label: "常住人口基数", value: base,
                                     formula: base.map { "常住人口基数 \(fmt($0.numerator))" } ?? "", note: note)
        return [personTimes, population, ratio(.trainingCoverageRate, "培训人次占常住人口比例", personTimes, population, unit: "人次")]
    }

    /// The labour-able registered-poor population, those of it trained, and their rate.
    private func poorTraining(_ available: Available) -> [MetricDraft] {
        let registry = evidence.registry
        var laborNote = config.sources.poor.definition
        var laborValue: Exact?
        if let confirmed = config.sources.poor.confirmedLaborPopulation {
            laborValue = count(Decimal(confirmed))
            if available.registry { laborNote += "（名单统计为 \(registry.laborPopulation.count) 人）" }
        } else if available.registry {
            laborValue = count(Decimal(registry.laborPopulation.count))
        } else {
            laborNote = absent("poor_registry", "建档立卡名单") + "，也未填写 poor.confirmed_labor_population"
        }
        let labor = MetricDraft(key: .poorLaborPopulation, label: "有劳动能力的建档立卡贫困人口", value: laborValue,
                                formula: laborValue.map { "有劳动能力的建档立卡贫困人口 \(fmt($0.numerator))" } ?? "", note: laborNote)
        let trainedValue = available.registry && available.signins ? count(Decimal(registry.trainedLabor.count)) : nil
        let trained = MetricDraft(
            key: .poorTrainedPersons, label: "参加培训的建档立卡贫困人口", value: trainedValue,
            formula: trainedValue.map { "参训建档立卡贫困人口 \(fmt($0.numerator))" } ?? "",
            note: trainedValue == nil ? "需要签到表和建档立卡名单" :
                "按人计（一人多次培训计一次）；另有 \(registry.trainedOther.count) 名参训的建档立卡人员不在劳动力口径内，单独列出")
        return [labor, trained, ratio(.poorTrainingRate, "建档立卡贫困人口培训率", trained, labor, unit: "人")]
    }

    /// 行政村 and 省定贫困村 with stations, and their coverage rates.
    private func villageCoverage(_ available: Available) -> [MetricDraft] {
        let coverage = evidence.coverage
        let adminValue = available.villages ? count(Decimal(coverage.adminVillages)) : nil
        let admin = MetricDraft(key: .adminVillages, label: "行政村数", value: adminValue,
                                formula: adminValue.map { "行政村 \(fmt($0.numerator)) 个" } ?? "",
                                note: available.villages ? "行政村清单中的行政村（居委会、社区不计）" : absent("villages", "行政村清单"))
        var baseValue = adminValue
        var baseNote = adminValue.map { "行政村 \(fmt($0.numerator)) 个" } ?? "缺少行政村清单"
        if let a = adminValue, let cap = template.caps.villages, a.numerator > cap {
            baseValue = count(cap)
            baseNote = "行政村 \(fmt(a.numerator)) 个，超过 \(fmt(cap)) 个，以 \(fmt(cap)) 个为基数"
        }
        let base = MetricDraft(key: .villageBase, label: "行政村基数", value: baseValue,
                               formula: baseValue.map { "行政村基数 \(fmt($0.numerator))" } ?? "", note: baseNote)
        let both = available.villages && available.stations
        let withStationValue = both ? count(Decimal(coverage.villagesWithStation)) : nil
        let withStation = MetricDraft(key: .villagesWithStation, label: "建有村级站点的行政村数", value: withStationValue,
                                      formula: withStationValue.map { "建有站点的行政村 \(fmt($0.numerator))" } ?? "",
                                      note: both ? "一村多站只计一次" : "需要行政村清单和站点清单")
        var villageRate = ratio(.villageCoverageRate, "行政村覆盖率", withStation, base, unit: "个行政村")
        if let v = villageRate.value, v.numerator > v.denominator {
            // More covered villages than the capped base: the rate is at most 100%.
            villageRate.value = Exact(numerator: v.denominator, denominator: v.denominator, isRate: true)
            villageRate.formula += "，超过 100% 按 100% 计"
        }
        let poorValue = available.villages ? count(Decimal(coverage.poorVillages)) : nil
        let poor = MetricDraft(key: .poorVillages, label: "省定贫困村数", value: poorValue,
                               formula: poorValue.map { "省定贫困村 \(fmt($0.numerator))" } ?? "",
                               note: available.villages ? "行政村清单中标注为省定贫困村的" : "缺少行政村清单")
        let poorWithStationValue = both ? count(Decimal(coverage.poorVillagesWithStation)) : nil
        let poorWithStation = MetricDraft(key: .poorVillagesWithStation, label: "建有村级站点的省定贫困村数", value: poorWithStationValue,
                                          formula: poorWithStationValue.map { "建有站点的省定贫困村 \(fmt($0.numerator))" } ?? "",
                                          note: both ? "" : "需要行政村清单和站点清单")
        return [admin, base, withStation, villageRate, poor, poorWithStation,
                ratio(.poorVillageCoverageRate, "省定贫困村覆盖率", poorWithStation, poor, unit: "个贫困村")]
    }

    /// Disbursed over allocated, exactly.
    private func funds() -> MetricDraft {
        var rate = MetricDraft(key: .fundDisbursementRate, label: "资金支出率", value: nil, formula: "",
                               note: "配置未填写资金（funds.allocated、funds.disbursed）", unit: "元")
        guard let funds = config.funds else { return rate }
        guard funds.allocated > 0 else {
            rate.note = "安排资金为 0，无法计算支出率"
            return rate
        }
        let exact = Exact(numerator: funds.disbursed, denominator: funds.allocated, isRate: true)
        rate.value = exact
        rate.formula = "已支出 \(fmt(funds.disbursed)) 元 ÷ 安排资金 \(fmt(funds.allocated)) 元 = \(percent(exact))"
        rate.note = "按支出金额精确计算，不先四舍五入"
        return rate
    }

    private func derived(_ metric: DerivedMetric, known: [MetricDraft]) -> MetricDraft {
        var draft = MetricDraft(key: metric.key, label: metric.label, value: nil, formula: "", note: "")
        switch metric.formula {
        case .fact(let key):
            if case .number(let n)? = config.facts[key] {
                draft.value = Exact(numerator: n, denominator: 1, isRate: metric.isRate)
                draft.formula = "\(metric.label) \(metric.isRate ? percent(draft.value!) : fmt(n))"
            } else {
                draft.note = "配置 facts 中没有 \(key)"
            }
        case .monthsToCutoff(let key):
            guard case .date(let start)? = config.facts[key] else { draft.note = "配置 facts 中没有 \(key)"; break }
            guard let cutoff = config.cutoff else { draft.note = "配置没有填写截止日期（cutoff）"; break }
            let months = max(start.wholeMonths(to: cutoff), 0)
            draft.value = Exact(numerator: Decimal(months), denominator: 1, isRate: false)
            draft.formula = "自 \(start) 至截止日期 \(cutoff) 满 \(months) 个月"
        case .growth(let key):
            guard case .table(let table)? = config.facts[key], let previous = table["previous"], let current = table["current"] else {
                draft.note = "配置 facts 中没有 \(key): {previous, current}"; break
            }
            guard previous > 0 else { draft.note = "\(key).previous 为 0，无法计算增速"; break }
            let exact = Exact(numerator: current - previous, denominator: previous, isRate: true)
            draft.value = exact
            draft.unit = "元"
            draft.formula = "（本年 \(fmt(current)) − 上年 \(fmt(previous))）÷ 上年 \(fmt(previous)) = \(percent(exact))"
        case .ratio(let a, let b):
            var top = operand(a, known: known)
            let bottom = operand(b, known: known)
            if let label = metric.numeratorLabel {
                top.label = label
                if let v = top.value { top.formula = "\(label) \(fmt(v.numerator))" }
            }
            draft = ratio(metric.key, metric.label, top, bottom, unit: "个")
            if !metric.isRate, let v = draft.value { draft.value = Exact(numerator: v.numerator, denominator: v.denominator, isRate: false) }
            // A count from the config over a count from the lists: it cannot exceed its whole
            // (logistics_villages: 100 with 34 villages is a rate typed as a count, or a typo).
            if a.hasPrefix("facts."), !b.hasPrefix("facts."), let t = top.value, let w = bottom.value,
               t.denominator == 1, w.denominator == 1, t.numerator > w.numerator {
                let key = String(a.dropFirst(6))
                let reason = "facts.\(key) 为 \(fmt(t.numerator))，超过\(bottom.label) \(fmt(w.numerator))：它是\((metric.numeratorLabel ?? metric.label))的个数，"
                    + "不能多于\(bottom.label)；请填写个数（不超过 \(fmt(w.numerator))），不要填比例"
                draft.value = nil
                draft.formula = ""
                draft.note = reason
                draft.refused = reason
            }
        }
        return draft
    }

    /// A metric key or `facts.<key>` as a draft.
    private func operand(_ name: String, known: [MetricDraft]) -> MetricDraft {
        if name.hasPrefix("facts.") {
            let key = String(name.dropFirst(6))
            if case .number(let n)? = config.facts[key] {
                return MetricDraft(key: MetricKey(key), label: key, value: count(n), formula: "\(key) \(fmt(n))", note: "")
            }
            return MetricDraft(key: MetricKey(key), label: key, value: nil, formula: "", note: "配置 facts 中没有 \(key)")
        }
        return known.first { $0.key.rawValue == name }
            ?? MetricDraft(key: MetricKey(name), label: name, value: nil, formula: "", note: "未知指标 \(name)")
    }

    private func ratio(_ key: MetricKey, _ label: String, _ top: MetricDraft, _ bottom: MetricDraft, unit: String? = nil) -> MetricDraft {
        var draft = MetricDraft(key: key, label: label, value: nil, formula: "", note: "", unit: unit)
        guard let t = top.value, let b = bottom.value else {
            draft.note = [top, bottom].filter { $0.value == nil }.map { "缺少\($0.label)：\($0.note)" }.joined(separator: "；")
            return draft
        }
        guard b.numerator != 0 else {
            draft.note = "\(bottom.label)为 0，无法计算"
            return draft
        }
        let exact = Exact(numerator: t.numerator * b.denominator, denominator: b.numerator * t.denominator, isRate: true)
        draft.value = exact
        draft.formula = "\(top.formula) ÷ \(bottom.formula) = \(percent(exact))"
        draft.note = [top.note, bottom.note].filter { !$0.isEmpty }.joined(separator: "；")
        return draft
    }

    private func count(_ n: Decimal) -> Exact { Exact(numerator: n, denominator: 1, isRate: false) }
}

// MARK: - Number words

/// A Decimal without float noise or trailing zeros: 4167785.00 → "4167785", 0.80 → "0.8".
func fmt(_ value: Decimal) -> String {
    var text = NSDecimalNumber(decimal: value).stringValue
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
}

extension Decimal {
    /// Without float noise or trailing zeros, as scores and counts are shown: 4167785.00 →
    /// "4167785", 0.80 → "0.8".
    public var plainText: String { fmt(self) }
}

/// A rate with two decimals: 0.010440 → "1.04%". Rounded for display only.
func percent(_ exact: Exact) -> String {
    var value = exact.numerator * 100 / exact.denominator
    var rounded = Decimal()
    NSDecimalRound(&rounded, &value, 2, .plain)
    return String(format: "%.2f%%", NSDecimalNumber(decimal: rounded).doubleValue)
}

/// A threshold fraction as a percentage: 0.008 → "0.8%".
func percentThreshold(_ fraction: Decimal) -> String { fmt(fraction * 100) + "%" }
