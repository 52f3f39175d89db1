import Foundation
import Yams

/// A config.yaml edited in place: the workbench replaces only the top-level blocks it manages
/// (`inputs:`, `manual:` …) and keeps every other line as written, comments included, so a
/// config written by hand keeps its hand-written parts.
struct ConfigDocument {
    private(set) var text: String

    init(text: String) { self.text = text }

    init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw WorkbenchError(.notFound, "找不到配置文件 config.yaml")
        }
        text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: String.Encoding(rawValue: 0x8000_0632)) ?? ""
    }

    /// The parsed document, for reading values (nil when it is not YAML).
    /// Mapping keys are always text here (`1.1:` unquoted is the leaf "1.1", not a number).
    var root: [String: Any] {
        guard let node = try? Yams.compose(yaml: text) else { return [:] }
        return ConfigDocument.plain(node) as? [String: Any] ?? [:]
    }

    static func plain(_ node: Node) -> Any {
        switch node {
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (key, value) in mapping { out[key.scalar?.string ?? "\(key.any)"] = plain(value) }
            return out
        case .sequence(let sequence):
            return sequence.map(plain)
        default:
            return node.any
        }
    }

    /// A top-level scalar as text; a YAML date reads back as written (2021-08-31).
    func scalar(_ key: String) -> String? {
        switch root[key] {
        case nil, is NSNull: return nil
        case let date as Date:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        case let value?: return "\(value)"
        }
    }

    /// Lines of the text and, for each top-level key, the range of lines its block covers.
    private func blocks() -> (lines: [String], blocks: [(key: String, range: Range<Int>)]) {
        let lines = text.components(separatedBy: "\n")
        var starts: [(String, Int)] = []
        for (i, line) in lines.enumerated() {
            guard let first = line.first, first != " ", first != "\t", first != "#", first != "-" else { continue }
            if line.hasPrefix("---") || line.hasPrefix("...") { continue }
            guard let key = ConfigDocument.topLevelKey(line) else { continue }
            starts.append((key, i))
        }
        var out: [(key: String, range: Range<Int>)] = []
        for (n, (key, start)) in starts.enumerated() {
            var end = n + 1 < starts.count ? starts[n + 1].1 : lines.count
            // Comments and blank lines just above the next key belong to that key.
            while end > start + 1 {
                let previous = lines[end - 1].trimmingCharacters(in: .whitespaces)
                if previous.isEmpty || (previous.hasPrefix("#") && lines[end - 1].hasPrefix("#")) { end -= 1 } else { break }
            }
            out.append((key, start..<end))
        }
        return (lines, out)
    }

    /// The key of a line such as `inputs:` or `"county": 乐昌市`.
    static func topLevelKey(_ line: String) -> String? {
        if line.hasPrefix("\"") || line.hasPrefix("'") {
            let quote = line.first!
            guard let close = line.dropFirst().firstIndex(of: quote) else { return nil }
            let after = line[line.index(after: close)...]
            guard after.hasPrefix(":") else { return nil }
            return String(line[line.index(after: line.startIndex)..<close])
        }
        guard let colon = line.range(of: ":") else { return nil }
        let rest = line[colon.upperBound...]
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        return String(line[..<colon.lowerBound]).trimmingCharacters(in: .whitespaces)
    }

    func has(_ key: String) -> Bool { blocks().blocks.contains { $0.key == key } }

    /// Replaces the block of `key` with `value` (appended when absent; removed when nil).
    mutating func set(_ key: String, _ value: YAMLOut?) {
        var (lines, blocks) = blocks()
        let rendered = value.map { YAMLOut.block(key: key, $0) }
        if let block = blocks.first(where: { $0.key == key }) {
            lines.replaceSubrange(block.range, with: rendered ?? [])
            blocks.removeAll()
        } else if let rendered {
            while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
            lines += rendered
        }
        var joined = lines.joined(separator: "\n")
        if !joined.hasSuffix("\n") { joined += "\n" }
        text = joined
    }
}

/// A YAML value to write: strings double-quoted (so 1.1, yes or 001 stay text), numbers and
/// booleans plain, lists and mappings in block style, mapping keys in the order given.
indirect enum YAMLOut {
    case string(String)
    case number(Decimal)
    case bool(Bool)
    case list([YAMLOut])
    case map([(String, YAMLOut)])
    case null

    static func block(key: String, _ value: YAMLOut) -> [String] {
        value.lines(key: quoteKey(key), indent: "")
    }

    private func lines(key: String, indent: String) -> [String] {
        switch self {
        case .list(let items) where !items.isEmpty:
            return ["\(indent)\(key):"] + items.flatMap { $0.itemLines(indent: indent + "  ") }
        case .map(let pairs) where !pairs.isEmpty:
            return ["\(indent)\(key):"] + pairs.flatMap { $0.1.lines(key: YAMLOut.quoteKey($0.0), indent: indent + "  ") }
        default:
            return ["\(indent)\(key): \(inline)"]
        }
    }

    private func itemLines(indent: String) -> [String] {
        switch self {
        case .map(let pairs) where !pairs.isEmpty:
            var out = pairs.flatMap { $0.1.lines(key: YAMLOut.quoteKey($0.0), indent: indent + "  ") }
            out[0] = indent + "- " + out[0].dropFirst(indent.count + 2)
            return out
        default:
            return ["\(indent)- \(inline)"]
        }
    }

    var inline: String {
        switch self {
        case .string(let s): return YAMLOut.quote(s)
        case .number(let d): return NSDecimalNumber(decimal: d).stringValue
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let items): return "[" + items.map(\.inline).joined(separator: ", ") + "]"
        case .map(let pairs): return "{" + pairs.map { "\(YAMLOut.quoteKey($0.0)): \($0.1.inline)" }.joined(separator: ", ") + "}"
        }
    }

    static func quoteKey(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { ($0.value < 128 && (CharacterSet.alphanumerics.contains($0) || $0 == "_")) }
            && !(key.first!.isNumber)
        return plain ? key : quote(key)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += String(format: "\\x%02X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
