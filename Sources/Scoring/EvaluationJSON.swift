import Foundation

extension Evaluation {
    /// The JSON result of DESIGN §5, keys in contract order:
    /// `{"county","template","metrics":{key:number},"items":[…],"total","veto","people":{…},"issues":{…}}`.
    /// Rates are full-precision fractions; exact figures (money, scores) are written from their
    /// Decimal value without float noise; a missing metric or score is null.
    public var json: String {
        var metricsObject: [(String, JSONValue)] = []
        for metric in metrics {
            let value: JSONValue
            if metric.isRate {
                value = metric.value.map(JSONValue.double) ?? .null
            } else {
                value = metric.exact.map(JSONValue.decimal) ?? .null
            }
            metricsObject.append((metric.key.rawValue, value))
        }
        let items: [JSONValue] = leaves.map { leaf in
            .object([
                ("id", .string(leaf.id)), ("name", .string(leaf.name)), ("max", .decimal(leaf.max)),
                ("score", leaf.score.map(JSONValue.decimal) ?? .null), ("basis", .string(leaf.basis.rawValue)),
                ("near_threshold", .bool(leaf.nearThreshold)),
            ])
        }
        let root = JSONValue.object([
            ("county", .string(county)),
            ("template", .string(template.id)),
            ("metrics", .object(metricsObject)),
            ("items", .array(items)),
            ("total", .decimal(total)),
            ("veto", .bool(veto)),
            ("people", .object([
                ("signin_rows", .int(people.signinRows)), ("duplicate_signins", .int(people.duplicateSignins)),
                ("distinct_persons", .int(people.distinctPersons)), ("invalid_ids", .int(people.invalidIDs)),
            ])),
            ("issues", .object([("errors", .int(errors)), ("warnings", .int(warnings))])),
        ])
        var out = ""
        root.write(to: &out, indent: 0)
        return out + "\n"
    }
}

/// A JSON value that keeps its keys in order and writes Decimals exactly.
enum JSONValue {
    case string(String), int(Int), decimal(Decimal), double(Double), bool(Bool), null
    case array([JSONValue])
    case object([(String, JSONValue)])

    func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): JSONValue.quote(s, into: &out)
        case .int(let n): out += String(n)
        case .decimal(let d): out += fmt(d)
        case .double(let x): out += x.isFinite ? "\(x)" : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in pairs.enumerated() {
                out += pad
                JSONValue.quote(key, into: &out)
                out += ": "
                value.write(to: &out, indent: indent + 1)
                out += i == pairs.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
