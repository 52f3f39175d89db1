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
    var key: String
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

/// Built-in metric keys (DESIGN §3) in the order the JSON and the report list them.
public enum MetricKey {
    public static let builtIn = [
        "training_person_times", "population_base", "training_coverage_rate",
        "poor_labor_population", "poor_trained_persons", "poor_training_rate",
        "admin_villages", "village_base", "villages_with_station", "village_coverage_rate",
        "poor_villages", "poor_villages_with_station", "poor_village_coverage_rate",
        "fund_disbursement_rate",
    ]

    /// Whether a template may name this metric (built in, or derived by the template).
    static func isKnown(_ key: String, derived: [DerivedMetric]) -> Bool {
        builtIn.contains(key) || derived.contains { $0.key == key }
    }
}

/// Computes the built-in metrics from the evidence and the config, then the template's derived ones.
struct MetricCalculator {
    let config: Config
    let template: Template
    let evidence: Evidence

    func compute() -> [MetricDraft] {
        var drafts: [String: MetricDraft] = [:]
        var order: [String] = []
        func put(_ draft: MetricDraft) {
            drafts[draft.key] = draft
            order.append(draft.key)
        }
        // An input counts when the config names it and at least one of its sheets gave records:
        // files that failed to open, or whose headers were not found, leave the metric
        // missing, not zero.
        let named = config.inputs.named
        let read = Set(evidence.sheets.filter { $0.records > 0 }.map(\.kind))
        let hasSignins = named.contains("signins") && read.contains(.signins)
        let hasVillages = named.contains("villages") && read.contains(.villages)
        let hasStations = named.contains("stations") && read.contains(.stations)
        let hasRegistry = named.contains("poor_registry") && read.contains(.registry)
        func absent(_ key: String, _ what: String) -> String {
            named.contains(key) ? "\(what)（inputs.\(key)）没有能读取的工作表，见数据问题；认不出表头的，请在配置 columns 中指定表头行和列" : "配置未列出\(what)（inputs.\(key)）"
        }

        // Training coverage.
        let attendance = evidence.attendance
        let personTimes = hasSignins ? count(Decimal(attendance.personTimes)) : nil
        put(MetricDraft(key: "training_person_times", label: "培训人次", value: personTimes,
                        formula: personTimes.map { "培训人次 \(fmt($0.numerator))" } ?? "",
                        note: hasSignins
                            ? "签到 \(attendance.signinRows) 人次，去除同一人同一场次重复签到 \(attendance.duplicateSignins) 人次"
                            : absent("signins", "签到表")))
        var populationNote = "配置未填写常住人口（population.resident）"
        var populationBase: Exact?
        if let resident = config.population {
            if let cap = template.caps.population, resident > cap {
                populationBase = count(cap)
                populationNote = "常住人口 \(fmt(resident)) 人，超过 \(fmt(cap)) 人，以 \(fmt(cap)) 人为基数"
            } else {
                populationBase = count(resident)
                populationNote = "常住人口 \(fmt(resident)) 人"
            }
        }
        put(MetricDraft(key: "population_base", label: "常住人口基数", value: populationBase,
                        formula: populationBase.map { "常住人口基数 \(fmt($0.numerator))" } ?? "", note: populationNote))
        put(ratio("training_coverage_rate", "培训人次占常住人口比例", drafts["training_person_times"]!, drafts["population_base"]!, unit: "人次"))

        // Registered-poor training.
        let registry = evidence.registry
        let confirmed = config.poor.confirmedLaborPopulation
        var laborNote = config.poor.definition
        var labor: Exact?
        if let confirmed {
            labor = count(Decimal(confirmed))
            if hasRegistry { laborNote += "（名单统计为 \(registry.laborPopulation.count) 人）" }
        } else if hasRegistry {
            labor = count(Decimal(registry.laborPopulation.count))
        } else {
            laborNote = absent("poor_registry", "建档立卡名单") + "，也未填写 poor.confirmed_labor_population"
        }
        put(MetricDraft(key: "poor_labor_population", label: "有劳动能力的建档立卡贫困人口", value: labor,
                        formula: labor.map { "有劳动能力的建档立卡贫困人口 \(fmt($0.numerator))" } ?? "", note: laborNote))
        let trained = hasRegistry && hasSignins ? count(Decimal(registry.trainedLabor.count)) : nil
        put(MetricDraft(key: "poor_trained_persons", label: "参加培训的建档立卡贫困人口", value: trained,
                        formula: trained.map { "参训建档立卡贫困人口 \(fmt($0.numerator))" } ?? "",
                        note: trained == nil ? "需要签到表和建档立卡名单" :
                            "按人计（一人多次培训计一次）；另有 \(registry.trainedOther.count) 名参训的建档立卡人员不在劳动力口径内，单独列出"))
        put(ratio("poor_training_rate", "建档立卡贫困人口培训率", drafts["poor_trained_persons"]!, drafts["poor_labor_population"]!, unit: "人"))

        // Village coverage.
        let coverage = evidence.coverage
        let admin = hasVillages ? count(Decimal(coverage.adminVillages)) : nil
        put(MetricDraft(key: "admin_villages", label: "行政村数", value: admin,
                        formula: admin.map { "行政村 \(fmt($0.numerator)) 个" } ?? "",
                        note: hasVillages ? "行政村清单中的行政村（居委会、社区不计）" : absent("villages", "行政村清单")))
        var villageBase = admin
        var villageNote = admin == nil ? "缺少行政村清单" : "行政村 \(fmt(admin!.numerator)) 个"
        if let a = admin, let cap = template.caps.villages, a.numerator > cap {
            villageBase = count(cap)
            villageNote = "行政村 \(fmt(a.numerator)) 个，超过 \(fmt(cap)) 个，以 \(fmt(cap)) 个为基数"
        }
        put(MetricDraft(key: "village_base", label: "行政村基数", value: villageBase,
                        formula: villageBase.map { "行政村基数 \(fmt($0.numerator))" } ?? "", note: villageNote))
        let withStation = hasVillages && hasStations ? count(Decimal(coverage.villagesWithStation)) : nil
        put(MetricDraft(key: "villages_with_station", label: "建有村级站点的行政村数", value: withStation,
                        formula: withStation.map { "建有站点的行政村 \(fmt($0.numerator))" } ?? "",
                        note: withStation == nil ? "需要行政村清单和站点清单" : "一村多站只计一次"))
        var villageRate = ratio("village_coverage_rate", "行政村覆盖率", drafts["villages_with_station"]!, drafts["village_base"]!, unit: "个行政村")
        if let v = villageRate.value, v.numerator > v.denominator {
            // More covered villages than the capped base: the rate is at most 100%.
            villageRate.value = Exact(numerator: v.denominator, denominator: v.denominator, isRate: true)
            villageRate.formula += "，超过 100% 按 100% 计"
        }
        put(villageRate)
        let poorVillages = hasVillages ? count(Decimal(coverage.poorVillages)) : nil
        put(MetricDraft(key: "poor_villages", label: "省定贫困村数", value: poorVillages,
                        formula: poorVillages.map { "省定贫困村 \(fmt($0.numerator))" } ?? "",
                        note: hasVillages ? "行政村清单中标注为省定贫困村的" : "缺少行政村清单"))
        let poorWithStation = hasVillages && hasStations ? count(Decimal(coverage.poorVillagesWithStation)) : nil
        put(MetricDraft(key: "poor_villages_with_station", label: "建有村级站点的省定贫困村数", value: poorWithStation,
                        formula: poorWithStation.map { "建有站点的省定贫困村 \(fmt($0.numerator))" } ?? "",
                        note: poorWithStation == nil ? "需要行政村清单和站点清单" : ""))
        put(ratio("poor_village_coverage_rate", "省定贫困村覆盖率", drafts["poor_villages_with_station"]!, drafts["poor_villages"]!, unit: "个贫困村"))

        // Funds.
        var fundRate = MetricDraft(key: "fund_disbursement_rate", label: "资金支出率", value: nil, formula: "",
                                   note: "配置未填写资金（funds.allocated、funds.disbursed）", unit: "元")
        if let funds = config.funds {
            if funds.allocated > 0 {
                let exact = Exact(numerator: funds.disbursed, denominator: funds.allocated, isRate: true)
                fundRate.value = exact
                fundRate.formula = "已支出 \(fmt(funds.disbursed)) 元 ÷ 安排资金 \(fmt(funds.allocated)) 元 = \(percent(exact))"
                fundRate.note = "按支出金额精确计算，不先四舍五入"
            } else {
                fundRate.note = "安排资金为 0，无法计算支出率"
            }
        }
        put(fundRate)

        for derived in template.derivedMetrics {
            put(self.derived(derived, known: drafts))
        }
        return order.map { drafts[$0]! }
    }

    private func derived(_ metric: DerivedMetric, known: [String: MetricDraft]) -> MetricDraft {
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
    private func operand(_ name: String, known: [String: MetricDraft]) -> MetricDraft {
        if name.hasPrefix("facts.") {
            let key = String(name.dropFirst(6))
            if case .number(let n)? = config.facts[key] {
                return MetricDraft(key: key, label: key, value: count(n), formula: "\(key) \(fmt(n))", note: "")
            }
            return MetricDraft(key: key, label: key, value: nil, formula: "", note: "配置 facts 中没有 \(key)")
        }
        return known[name] ?? MetricDraft(key: name, label: name, value: nil, formula: "", note: "未知指标 \(name)")
    }

    private func ratio(_ key: String, _ label: String, _ top: MetricDraft, _ bottom: MetricDraft, unit: String? = nil) -> MetricDraft {
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
