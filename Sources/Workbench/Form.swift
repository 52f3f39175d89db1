import Foundation
import Hummingbird
import Roster
import Scoring

/// 县情数据: county figures, facts and manual scores, read from and written to config.yaml.
/// Values are checked by what each measures, then by Scoring's own config loader, so the page
/// and `kaoping check` refuse the same things with the same words.
struct FormView: Codable {
    struct Funds: Codable {
        @Nullable var allocated: Double?
        @Nullable var disbursed: Double?
    }
    struct Part: Codable {
        var key: String
        var label: String
    }
    struct FactView: Codable {
        var key: String
        var label: String
        /// count | rate | money | date | counts
        var kind: String
        var unit: String
        var max: Double?
        @Nullable var value: FormValue? = nil
        var parts: [Part]? = nil
        var hint: String
    }
    struct ManualView: Codable {
        var id: String
        var name: String
        var criterion: String
        var allowed: [Double]
        var veto: Bool
        @Nullable var value: FormValue?
    }
    var county: String
    @Nullable var cutoff: String?
    @Nullable var population: Double?
    var funds: Funds
    var facts: [FactView]
    var manual: [ManualView]
}

/// A value as the page sends it: a number, a text (a date, or a rate typed as "85%"), a
/// boolean (a veto), or a small table (`{previous, current}`).
enum FormValue: Codable, Equatable {
    case number(Double)
    case text(String)
    case flag(Bool)
    case table([String: Double])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else { self = .table(try c.decode([String: Double].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .text(let s): try c.encode(s)
        case .flag(let b): try c.encode(b)
        case .table(let t): try c.encode(t)
        }
    }

    static func from(_ any: Any?) -> FormValue? {
        switch any {
        case let b as Bool: return .flag(b)
        case let i as Int: return .number(Double(i))
        case let d as Double: return .number(d)
        case let s as String: return .text(s)
        case let t as [String: Any]: return .table(t.compactMapValues { ($0 as? Int).map(Double.init) ?? $0 as? Double })
        case let date as Date:
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd"
            f.timeZone = TimeZone(identifier: "UTC")
            return .text(f.string(from: date))
        default: return nil
        }
    }
}

/// The body of PATCH /form: only the values (every part optional).
struct FormInput: Codable {
    var county: String?
    var cutoff: String?
    var population: FormValue?
    var funds: [String: FormValue?]?
    var facts: [String: FormValue?]?
    var manual: [String: FormValue?]?
}

struct FieldError: Codable, Equatable {
    var field: String
    var message: String
}

enum Form {
    /// What the form offers for a template: every fact its rules read, every manual leaf.
    static func view(workspace ws: Workspace) throws -> FormView {
        let document = try ws.document()
        let root = document.root
        let templateName = document.scalar("template") ?? "guangdong-2019"
        let template = try Template.load(path: try Template.locate(templateName, configDirectory: ws.directory))
        let facts = root["facts"] as? [String: Any] ?? [:]
        let manual = root["manual"] as? [String: Any] ?? [:]
        let villages = lastMetric("admin_villages", in: ws)
        let population = (root["population"] as? [String: Any])?["resident"] ?? root["population"]
        let funds = root["funds"] as? [String: Any] ?? [:]
        func number(_ any: Any?) -> Double? { (any as? Int).map(Double.init) ?? any as? Double ?? (any as? String).flatMap(Double.init) }
        return FormView(
            county: document.scalar("county") ?? "",
            cutoff: document.scalar("cutoff"),
            population: number(population),
            funds: .init(allocated: number(funds["allocated"]), disbursed: number(funds["disbursed"])),
            facts: (factSpecs(template, villages: villages) + [confirmedLabor]).map { spec in
                var view = spec
                if spec.key == confirmedLabor.key {
                    view.value = FormValue.from((root["poor"] as? [String: Any])?["confirmed_labor_population"])
                } else {
                    view.value = FormValue.from(facts[spec.key])
                }
                return view
            },
            manual: template.sections.flatMap { section in
                section.rows.flatMap { row in
                    row.leaves.compactMap { leaf -> FormView.ManualView? in
                        let criterion = Form.criterion(of: leaf, in: row, template: template)
                        switch leaf.rule {
                        case .veto:
                            return .init(id: leaf.id, name: leaf.name, criterion: criterion, allowed: [], veto: true, value: FormValue.from(manual[leaf.id]))
                        case .manual(let allowed), .gate(_, _, let allowed, _):
                            let values = ([0] + allowed).map { NSDecimalNumber(decimal: $0).doubleValue }
                            return .init(id: leaf.id, name: leaf.name, criterion: criterion, allowed: Array(Set(values)).sorted(), veto: false,
                                         value: FormValue.from(manual[leaf.id]))
                        default:
                            return nil
                        }
                    }
                }
            })
    }

    /// The criterion text of one leaf: the row's text, or its own line of it when the row lists
    /// one line per leaf (中心建成 2 分；运行 6 个月 2 分；…).
    static func criterion(of leaf: Leaf, in row: IndexRow, template: Template) -> String {
        guard !row.criterion.isEmpty else { return template.describe(leaf.rule) }
        guard row.leaves.count > 1, let index = row.leaves.firstIndex(where: { $0.id == leaf.id }) else { return row.criterion }
        let lines = row.criterion.split(whereSeparator: { $0 == "\n" || $0 == "；" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.count == row.leaves.count ? lines[index] : row.criterion
    }

    /// The officially confirmed labour-able registered-poor population (`poor:` in the config):
    /// when given, the denominator of the poor training rate instead of the register's count.
    static let confirmedLabor = FormView.FactView(
        key: "poor.confirmed_labor_population", label: "扶贫部门确认的有劳动能力建档立卡贫困人口数", kind: "count", unit: "人",
        hint: "有官方确认数时填写，作为贫困人口培训率的分母；不填则按建档立卡名单计算")

    /// A metric of the last evaluation (the number of 行政村 bounds logistics_villages).
    static func lastMetric(_ key: String, in ws: Workspace) -> Double? {
        guard let data = FileManager.default.contents(atPath: ws.outDirectory + "/result.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let metrics = object["metrics"] as? [String: Any] else { return nil }
        return metrics[key] as? Double ?? (metrics[key] as? Int).map(Double.init)
    }

    static func factSpecs(_ template: Template, villages: Double?) -> [FormView.FactView] {
        var specs: [FormView.FactView] = []
        var seen = Set<String>()
        for metric in template.derivedMetrics {
            for key in metric.facts where seen.insert(key).inserted {
                switch metric.formula {
                case .monthsToCutoff:
                    specs.append(.init(key: key, label: metric.label.replacingOccurrences(of: "运行月数", with: "投入运行日期"), kind: "date", unit: "",
                                       hint: "写作 YYYY-MM-DD；按考评截止日期计算\(metric.label)"))
                case .growth:
                    specs.append(.init(key: key, label: metric.label.replacingOccurrences(of: "同比增速", with: ""), kind: "money", unit: "元",
                                       parts: [.init(key: "previous", label: "上年"), .init(key: "current", label: "本年")],
                                       hint: "金额以元为单位（不是万元）"))
                case .ratio:
                    specs.append(.init(key: key, label: metric.numeratorLabel ?? metric.label, kind: "count", unit: "个", max: villages,
                                       hint: villages.map { "个数，不是比例；不能超过行政村数 \(Int($0))" } ?? "个数，不是比例；不能超过行政村清单中的行政村数"))
                case .fact:
                    if metric.isRate {
                        specs.append(.init(key: key, label: metric.label, kind: "rate", unit: "%", max: 100, hint: "百分比，0–100"))
                    } else {
                        specs.append(.init(key: key, label: metric.label, kind: "count", unit: "个", hint: "非负整数"))
                    }
                }
            }
        }
        for leaf in template.leaves {
            if case .levels(let fact, let levels, _, _) = leaf.rule, seen.insert(fact).inserted {
                specs.append(.init(key: fact, label: leaf.name, kind: "counts", unit: "篇",
                                   parts: levels.map { .init(key: $0.key, label: $0.label) }, hint: "各级媒体报道的篇数"))
            }
        }
        return specs
    }

    /// Checks a form body, and applies it to the document when it is sound.
    /// - Returns: errors by field ("facts.logistics_villages", "manual.1.1", …), in Chinese.
    static func apply(_ input: FormInput, to document: inout ConfigDocument, workspace ws: Workspace) throws -> [FieldError] {
        let current = try view(workspace: ws)
        var errors: [FieldError] = []
        func fail(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        func decimal(_ value: FormValue?, field: String, integer: Bool = false, percent: Bool = false) -> Decimal?? {
            guard let value else { return .some(nil) }
            var text: String
            switch value {
            case .number(let n): text = "\(n)"
            case .text(let s): text = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
            default: fail(field, "应是数字"); return nil
            }
            if text.isEmpty { return .some(nil) }
            if percent && text.hasSuffix("%") { text.removeLast() }
            guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                  text.range(of: #"^[-+]?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$"#, options: [.regularExpression, .caseInsensitive]) != nil else {
                fail(field, "应是数字，实际是“\(text)”"); return nil
            }
            if d < 0 { fail(field, "不能为负数"); return nil }
            if integer && d != d.roundedWhole { fail(field, "应是整数（个数），实际是 \(text)"); return nil }
            return .some(d)
        }

        if let county = input.county {
            let name = county.trimmingCharacters(in: .whitespaces)
            if name.isEmpty { fail("county", "请填写县（市、区）名称") } else { document.set("county", .string(name)) }
        }
        if let cutoff = input.cutoff {
            if cutoff.isEmpty { document.set("cutoff", nil) }
            else if let date = CalendarDate(cutoff) { document.set("cutoff", .string(date.description)) }
            else { fail("cutoff", "考评截止日期应写作 YYYY-MM-DD，如 2021-08-31") }
        }
        if input.population != nil, let value = decimal(input.population, field: "population", integer: true) {
            if let value {
                if value == 0 { fail("population", "常住人口应大于 0") }
                else if value < 1000 { fail("population", "常住人口以人为单位（不是万人），\(value) 人太少") }
                else { document.set("population", .map([("resident", .number(value))])) }
            } else { document.set("population", nil) }
        }
        if let funds = input.funds {
            let old = current.funds
            let a = funds["allocated"].map { decimal($0, field: "funds.allocated") } ?? .some(old.allocated.map { Decimal($0) })
            let d = funds["disbursed"].map { decimal($0, field: "funds.disbursed") } ?? .some(old.disbursed.map { Decimal($0) })
            if case .some(let allocated) = a, case .some(let disbursed) = d {
                if let allocated, let disbursed {
                    if allocated == 0 { fail("funds.allocated", "安排资金应大于 0（以元为单位）") }
                    else if disbursed > allocated { fail("funds.disbursed", "已支出资金不能超过安排资金（都以元为单位）") }
                    else { document.set("funds", .map([("allocated", .number(allocated)), ("disbursed", .number(disbursed))])) }
                } else if allocated == nil && disbursed == nil {
                    document.set("funds", nil)
                } else {
                    fail(allocated == nil ? "funds.allocated" : "funds.disbursed", "安排资金和已支出资金须同时填写（以元为单位）")
                }
            }
        }
        if let facts = input.facts {
            var table = (document.root["facts"] as? [String: Any]).map { t in t.keys.sorted().map { ($0, YAMLOut.from(t[$0]!)) } } ?? []
            func put(_ key: String, _ value: YAMLOut?) {
                if let i = table.firstIndex(where: { $0.0 == key }) {
                    if let value { table[i].1 = value } else { table.remove(at: i) }
                } else if let value { table.append((key, value)) }
            }
            for (key, value) in facts.sorted(by: { $0.key < $1.key }) where key == confirmedLabor.key {
                // Written into the config's poor: block; its other settings stay.
                var poor = document.root["poor"] as? [String: Any] ?? [:]
                switch value {
                case nil: poor["confirmed_labor_population"] = nil
                case let value?:
                    guard case .some(let d) = decimal(value, field: "facts.\(key)", integer: true) else { continue }
                    if let d, d == 0 { fail("facts.\(key)", "确认数应大于 0；没有确认数时请留空"); continue }
                    poor["confirmed_labor_population"] = d.map { NSDecimalNumber(decimal: $0).intValue }
                }
                document.set("poor", poor.isEmpty ? nil : YAMLOut.from(poor))
            }
            for (key, value) in facts.sorted(by: { $0.key < $1.key }) where key != confirmedLabor.key {
                let field = "facts.\(key)"
                guard let spec = current.facts.first(where: { $0.key == key }) else { fail(field, "模板中没有这一项"); continue }
                guard let value else { put(key, nil); continue }
                switch spec.kind {
                case "date":
                    guard case .text(let text) = value, let date = CalendarDate(text) else { fail(field, "应是日期，写作 YYYY-MM-DD"); continue }
                    put(key, .string(date.description))
                case "rate":
                    guard case .some(let d) = decimal(value, field: field, percent: true) else { continue }
                    guard let d else { put(key, nil); continue }
                    if d > 100 { fail(field, "是百分比，应在 0 到 100 之间，实际是 \(d)") } else { put(key, .string("\(d)%")) }
                case "count":
                    guard case .some(let d) = decimal(value, field: field, integer: true) else { continue }
                    guard let d else { put(key, nil); continue }
                    if let max = spec.max, d > Decimal(max) {
                        fail(field, "是个数，不能超过行政村数 \(Int(max))；如填的是比例，请换算成个数")
                    } else { put(key, .number(d)) }
                case "money", "counts":
                    guard case .table(let parts) = value else { fail(field, "应分别填写\(spec.parts?.map(\.label).joined(separator: "、") ?? "")"); continue }
                    var out: [(String, YAMLOut)] = []
                    for part in spec.parts ?? [] {
                        guard let n = parts[part.key] else { continue }
                        if n < 0 { fail("\(field).\(part.key)", "不能为负数"); continue }
                        if spec.kind == "counts" && n != n.rounded() { fail("\(field).\(part.key)", "篇数应是整数"); continue }
                        out.append((part.key, .number(Decimal(string: "\(n)") ?? Decimal(n))))
                    }
                    if spec.kind == "money" && !out.isEmpty && out.count != 2 { fail(field, "上年和本年须同时填写（以元为单位）"); continue }
                    if spec.kind == "money", let p = parts["previous"], p == 0 { fail("\(field).previous", "上年金额为 0 时无法计算增速"); continue }
                    put(key, out.isEmpty ? nil : .map(out))
                default: break
                }
            }
            document.set("facts", table.isEmpty ? nil : .map(table))
        }
        if let manual = input.manual {
            var table = (document.root["manual"] as? [String: Any]).map { t in
                t.keys.sorted { $0.compare($1, options: .numeric) == .orderedAscending }.map { ($0, YAMLOut.from(t[$0]!)) }
            } ?? []
            func put(_ key: String, _ value: YAMLOut?) {
                if let i = table.firstIndex(where: { $0.0 == key }) {
                    if let value { table[i].1 = value } else { table.remove(at: i) }
                } else if let value { table.append((key, value)) }
            }
            for (key, value) in manual.sorted(by: { $0.key < $1.key }) {
                let field = "manual.\(key)"
                guard let item = current.manual.first(where: { $0.id == key }) else { fail(field, "“\(key)”不是人工评分项"); continue }
                guard let value else { put(key, nil); continue }
                if item.veto {
                    guard case .flag(let b) = value else { fail(field, "一票否决项应选“是”或“否”"); continue }
                    put(key, .bool(b))
                } else {
                    guard case .number(let n) = value else { fail(field, "应选择一个分值"); continue }
                    guard item.allowed.contains(n) else {
                        fail(field, "评分项 \(key)（\(item.name)）不能评 \(n.formatted) 分，可选：\(item.allowed.map(\.formatted).joined(separator: "、"))")
                        continue
                    }
                    put(key, .number(Decimal(string: n.formatted) ?? Decimal(n)))
                }
            }
            document.set("manual", table.isEmpty ? nil : .map(table))
        }
        return errors
    }

    /// Scoring's loader over the changed document; its errors mapped to the form's fields.
    static func loaderErrors(_ document: ConfigDocument, workspace ws: Workspace) -> [FieldError] {
        let trial = ws.directory + "/.form-check-" + WorkspaceStore.newID() + ".yaml"
        guard (try? Data(document.text.utf8).write(to: URL(fileURLWithPath: trial))) != nil else { return [] }
        defer { try? FileManager.default.removeItem(atPath: trial) }
        do {
            _ = try Config.load(path: trial)
            return []
        } catch {
            let lines = document.text.components(separatedBy: "\n")
            let formKeys: Set<String> = ["county", "cutoff", "population", "funds", "facts", "manual"]
            return Handlers.lineErrors(error).compactMap { e in
                guard let line = e.line, line >= 1, line <= lines.count else { return nil }
                // The top-level key above the line, and the key on the line itself.
                var top: String?
                for i in stride(from: line - 1, through: 0, by: -1) {
                    if let key = ConfigDocument.topLevelKey(lines[i]), !lines[i].hasPrefix(" ") { top = key; break }
                }
                guard let top, formKeys.contains(top) else { return nil }
                let own = lines[line - 1].trimmingCharacters(in: .whitespaces)
                var field = top
                if lines[line - 1].hasPrefix(" "), let key = ConfigDocument.topLevelKey(own) { field += "." + key }
                let message = e.message.replacingOccurrences(of: (trial as NSString).lastPathComponent, with: "config.yaml")
                return FieldError(field: field, message: message)
            }
        }
    }
}

extension Double {
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}

extension Decimal {
    var roundedWhole: Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, 0, .plain)
        return result
    }
}

extension Handlers {
    func form(_ id: String) async throws -> Response {
        let ws = try store.workspace(id)
        return Reply.json(try await offload { try Form.view(workspace: ws) })
    }

    func changeForm(_ request: Request, id: String, save: Bool) async throws -> Response {
        let ws = try store.workspace(id)
        let input = try await json(request, as: FormInput.self)
        let errors: [FieldError] = try await offload { [locks] in
            try locks.with(id) {
                var document = try ws.document()
                var errors = try Form.apply(input, to: &document, workspace: ws)
                if errors.isEmpty { errors = Form.loaderErrors(document, workspace: ws) }
                if errors.isEmpty && save { try ws.save(document) }
                return errors
            }
        }
        if !errors.isEmpty { return Reply.json(["errors": errors], status: .unprocessableContent) }
        return Reply.json(["status": "ok"])
    }
}
