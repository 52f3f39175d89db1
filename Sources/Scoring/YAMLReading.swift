import Foundation
import Yams

/// A YAML node with what is needed to word an error about it: the file, and the node's line.
struct YAMLValue {
    let node: Node
    let file: String
    let fileKind: String
    /// Dotted key path for messages (`funds.allocated`).
    let path: String

    var line: Int? { node.mark?.line }

    func error(_ message: String, line: Int? = nil) -> ConfigError {
        ConfigError(file: file, line: line ?? self.line, message, fileKind: fileKind)
    }

    /// Parses a whole file; a YAML syntax error names its line.
    static func parse(file: String, fileKind: String) throws -> YAMLValue {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(file: file, FileManager.default.fileExists(atPath: file) ? "无法读取" : "文件不存在：\(file)", fileKind: fileKind)
        }
        // Notepad on a Chinese Windows may save GB18030: accept it rather than make a clerk re-save.
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: String.Encoding(rawValue: 0x8000_0632)) else {
            throw ConfigError(file: file, "文字编码无法识别，请另存为 UTF-8", fileKind: fileKind)
        }
        let lint = YAMLLint.problems(in: text)
        if !lint.isEmpty {
            let errors = lint.map { ConfigError(file: file, line: $0.line, $0.message, fileKind: fileKind) }
            throw errors.count == 1 ? errors[0] as Error : ConfigErrors(errors: errors)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, "文件是空的", fileKind: fileKind)
            }
            return YAMLValue(node: node, file: file, fileKind: fileKind, path: "")
        } catch let error as YamlError {
            var line: Int?
            var problem = ""
            switch error {
            case .scanner(_, let p, let mark, _), .parser(_, let p, let mark, _):
                line = mark.line
                problem = p
                // A missing colon is found on the line after the key that lacks it.
                if p.contains("could not find expected ':'") { line = YAMLReadingLines.previousContent(before: mark.line, in: text) }
            default: break
            }
            throw ConfigError(file: file, line: line, YAMLLint.explain(problem), fileKind: fileKind)
        }
    }

    func child(_ node: Node, _ key: String) -> YAMLValue {
        YAMLValue(node: node, file: file, fileKind: fileKind, path: path.isEmpty ? key : "\(path).\(key)")
    }

    var isNull: Bool {
        if case .scalar(let s) = node { return s.tag.rawValue == Tag.Name.null.rawValue || (s.style == .plain && ["", "~", "null"].contains(s.string)) }
        return false
    }

    /// Key/value pairs of a mapping, in order; keys outside `known` are refused with the
    /// closest known key suggested, and a key given twice is refused.
    func entries(known: [String]? = nil) throws -> [(key: String, line: Int?, value: YAMLValue)] {
        // A key whose entries are all commented out (`manual:` in a starter config) is empty.
        if isNull { return [] }
        guard case .mapping(let mapping) = node else {
            throw error("“\(path.isEmpty ? "文件" : path)”应是“键: 值”形式的映射")
        }
        var seen = Set<String>()
        var out: [(key: String, line: Int?, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            let key = keyNode.scalar?.string ?? ""
            let line = keyNode.mark?.line
            if let known, !known.contains(key) {
                let place = path.isEmpty ? "" : "（在 \(path) 下）"
                var message = "未知的配置项“\(key)”\(place)"
                if let guess = Suggestion.closest(to: key, in: known) { message += "，是否应为“\(guess)”？" }
                else { message += "；可用的有：\(known.joined(separator: "、"))" }
                throw error(message, line: line)
            }
            guard seen.insert(key).inserted else { throw error("“\(key)”写了两次", line: line) }
            out.append((key, line, child(valueNode, key)))
        }
        return out
    }

    func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("“\(path)”应是一个文字值") }
        return s.string
    }

    /// A number written plainly (`4167785.00`, `-5`, `5,000,000`); with `percent`, `70%` is 0.7.
    func decimal(percent: Bool = false) throws -> Decimal {
        guard case .scalar(let s) = node else { throw error("“\(path)”应是一个数字") }
        var text = s.string.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        var scale: Decimal = 1
        if percent, text.hasSuffix("%") {
            text.removeLast()
            scale = Decimal(string: "0.01")!
        }
        guard text.range(of: #"^[-+]?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil,
              let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            if ["万", "亿", "元", "人"].contains(where: { s.string.contains($0) }) {
                throw error("“\(path)”应是不带单位的数字：人数以人计、金额以元计，如 42万 写作 420000，500万元 写作 5000000；实际是“\(s.string)”")
            }
            if ["家", "个", "篇", "种", "次", "月"].contains(where: { s.string.hasSuffix($0) }) {
                let digits = s.string.filter { $0.isASCII && $0.isNumber }
                throw error("“\(path)”应是不带单位的数字，如 \(digits.isEmpty ? "20" : digits)；实际是“\(s.string)”")
            }
            throw error("“\(path)”应是数字，实际是“\(s.string)”")
        }
        return value * scale
    }

    func integer() throws -> Int {
        let value = try decimal()
        guard value == value.rounded(0), let int = Int(fmt(value)) else { throw error("“\(path)”应是整数") }
        return int
    }

    func bool() throws -> Bool {
        guard case .scalar(let s) = node else { throw error("“\(path)”应是 true 或 false") }
        switch s.string.lowercased() {
        case "true", "yes", "是": return true
        case "false", "no", "否": return false
        default: throw error("“\(path)”应是 true 或 false，实际是“\(s.string)”")
        }
    }

    func date() throws -> CalendarDate {
        guard case .scalar(let s) = node, let date = CalendarDate(s.string) else {
            throw error("“\(path)”应是日期，写作 YYYY-MM-DD（如 2021-08-31）")
        }
        return date
    }

    /// A sequence, or a single scalar as a one-element list.
    func list() throws -> [YAMLValue] {
        switch node {
        case .sequence(let seq): return seq.enumerated().map { child($0.element, "[\($0.offset + 1)]") }
        case .scalar: return isNull ? [] : [self]
        default: throw error("“\(path)”应是列表")
        }
    }

    func strings() throws -> [String] { try list().map { try $0.string() } }
}

extension Decimal {
    func rounded(_ scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }
}

enum YAMLReadingLines {
    /// The last line before `line` (1-based) that holds something other than a comment.
    static func previousContent(before line: Int, in text: String) -> Int {
        let lines = text.components(separatedBy: "\n")
        var n = min(line - 1, lines.count)
        while n > 1 {
            let t = lines[n - 1].trimmingCharacters(in: .whitespaces)
            if !t.isEmpty && !t.hasPrefix("#") { return n }
            n -= 1
        }
        return max(n, 1)
    }
}

/// The closest known word to a mistyped one, by edit distance.
enum Suggestion {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        // Allow about a third of the word to differ, at least two edits.
        return best.1 <= Swift.max(2, word.count / 3) ? best.0 : nil
    }

    /// Levenshtein distance over Characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = previous
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
