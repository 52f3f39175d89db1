import Foundation

/// The mistakes clerks make in a config, found on the line where they are, each worded as
/// one Chinese line saying what to write instead — before the YAML parser, whose messages
/// are English and often name a later line.
enum YAMLLint {
    static func problems(in text: String) -> [(line: Int, message: String)] {
        var found: [(line: Int, message: String)] = []
        var depth = 0                    // open { and [ carried over from earlier lines
        var levels = [0]                 // indents of the open block mappings
        var opens = false                // the last content line ended with "key:" (a block follows)
        var blockScalar: Int?            // indent of a | or > block scalar being skipped
        var lastKeyLine: String?
        for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            let indentText = line.prefix { $0 == " " || $0 == "\t" }
            let body = String(line.dropFirst(indentText.count))
            if body.isEmpty || body.hasPrefix("#") { continue }
            let indent = indentText.count
            if let scalarIndent = blockScalar {
                if indent > scalarIndent { continue }
                blockScalar = nil
            }
            /// After a line with a mistake: take its indent as a level, and say nothing more of the lines below it.
            func resync() {
                while let last = levels.last, last > indent { levels.removeLast() }
                if levels.last != indent { levels.append(indent) }
                opens = true
            }
            if indentText.contains("\t") {
                found.append((number, "这一行的缩进用了 Tab 键，YAML 只认空格：请把 Tab 换成空格（每层两个空格）"))
                resync()
                continue
            }
            let (content, flowDepthAfter, problems) = scan(body, depth: depth)
            found += problems.map { (number, $0) }
            if !problems.isEmpty {
                depth = flowDepthAfter
                resync()
                continue
            }
            // Indentation of block mappings, only outside flow collections.
            if depth == 0 {
                let isItem = content.hasPrefix("- ") || content == "-"
                if indent > levels.last! {
                    if opens || isItem {
                        levels.append(indent)
                    } else {
                        let above = lastKeyLine.map { "“\($0)”" } ?? "上一行"
                        found.append((number, "这一行缩进多了：\(above)已经写了值，下面不能再缩进；如这是同一级的项目，请与上一行左端对齐"))
                        opens = false
                        continue
                    }
                } else if indent < levels.last! {
                    while let last = levels.last, last > indent { levels.removeLast() }
                    if levels.last != indent {
                        found.append((number, "这一行的缩进与上面同级的项目对不齐（现在是 \(indent) 个空格）：请用与同级项目相同的空格数"))
                        levels.append(indent)
                        opens = false
                        continue
                    }
                }
                if isItem { levels.append(indent + 2) }
            }
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            opens = flowDepthAfter == 0 && (trimmed.hasSuffix(":") || trimmed.hasPrefix("- ") && trimmed.hasSuffix(":"))
            if trimmed.hasSuffix("|") || trimmed.hasSuffix(">") || trimmed.hasSuffix("|-") || trimmed.hasSuffix(">-") { blockScalar = indent }
            if depth == 0 { lastKeyLine = trimmed.count > 30 ? String(trimmed.prefix(30)) + "…" : trimmed }
            depth = flowDepthAfter
        }
        return found
    }

    /// Scans one line's text outside quotes and comments: its content, the flow depth after it,
    /// and the mistakes in it.
    static func scan(_ body: String, depth start: Int) -> (content: String, depth: Int, problems: [String]) {
        var problems: [String] = []
        var depth = start
        var quote: Character?
        var content = ""
        var sawColon = false
        let chars = Array(body)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                content.append(c)
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "#", i == 0 || chars[i - 1] == " " { break }
            if c == "\"" || c == "'" {
                // A quote opens only where a value or key begins.
                let before = content.trimmingCharacters(in: .whitespaces).last
                if before == nil || before == ":" || before == "{" || before == "[" || before == "," || before == "-" { quote = c }
            }
            switch c {
            case "{", "[": depth += 1
            case "}", "]": depth = max(0, depth - 1)
            case ":": sawColon = true
            case "：":
                if !sawColon || depth > 0 && !content.hasSuffix(" ") {
                    let key = content.split(whereSeparator: { " {,[".contains($0) }).last.map(String.init) ?? ""
                    problems.append("冒号写成了中文全角“：”：请改为英文冒号加一个空格，写成“\(key.isEmpty ? "键" : key): 值”")
                }
            default: break
            }
            content.append(c)
            i += 1
        }
        if let open = quote {
            problems.append("这一行的引号 \(open) 没有配对：请在值的末尾补上 \(open)，或去掉开头的 \(open)")
        }
        if problems.isEmpty, start == 0, depth == 0, !content.hasPrefix("-"), !content.contains(":"), !content.contains("：") {
            problems.append("这一行缺少冒号：应写成“键: 值”（英文冒号后加一个空格），如 county: 乐昌市")
        }
        if problems.isEmpty, let missing = keyWithoutSpace(content) {
            problems.append("冒号后缺少空格：请写成“\(missing.key): \(missing.value)”（英文冒号后加一个空格）")
        }
        if problems.isEmpty, depth > 0 || start > 0 || content.contains("{") || content.contains("[") {
            if let range = content.range(of: #"(?<![0-9.])[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?(?![0-9])"#, options: .regularExpression) {
                let written = String(content[range])
                problems.append("数字 \(written) 中的逗号在 { } 或 [ ] 里会被当作分隔符：请去掉千位分隔逗号，写作 \(written.replacingOccurrences(of: ",", with: ""))")
            }
        }
        return (content, depth, problems)
    }

    /// `county:乐昌市` or `{resident:420000}`: a key and its value joined by a colon with no space.
    static func keyWithoutSpace(_ content: String) -> (key: String, value: String)? {
        let pattern = #"(?:^|[{,]\s*|^-\s+)([A-Za-z_][A-Za-z0-9_.]*|"[^"]*"|'[^']*'|[\p{Han}]+):([^\s/:][^,}\]]*)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let ns = content as NSString
        guard let match = regex.firstMatch(in: content, range: NSRange(location: 0, length: ns.length)) else { return nil }
        let key = ns.substring(with: match.range(at: 1))
        let value = ns.substring(with: match.range(at: 2)).trimmingCharacters(in: .whitespaces)
        // Times (12:30) and drive letters are values, not keys.
        if key.allSatisfy(\.isNumber) { return nil }
        return (key, value)
    }

    /// The YAML parser's own problem in Chinese, for what the checks above did not catch.
    static func explain(_ problem: String) -> String {
        let p = problem.lowercased()
        if p.contains("mapping values are not allowed") {
            return "这一行的冒号位置不对：可能是缩进不对，或值里含有“: ”；含冒号的值请用引号括起来，如 \"9:30\""
        }
        if p.contains("could not find expected ':'") {
            return "缺少冒号：每行应写成“键: 值”（英文冒号后加一个空格）"
        }
        if p.contains("did not find expected key") || p.contains("block end") {
            return "缩进不对：这一行应与上面同级的项目左端对齐（只用空格）"
        }
        if p.contains("did not find expected ',' or '}'") || p.contains("did not find expected ',' or ']'") {
            return "花括号 { } 或方括号 [ ] 中的项目应以英文逗号“,”分隔，并以 } 或 ] 结束"
        }
        if p.contains("cannot start any token") {
            return "这一行有 YAML 不认的字符（如 Tab、@、`、%）：请删去，或给这个值加上引号"
        }
        if p.contains("end of stream") || p.contains("quoted scalar") {
            return "引号或括号没有配对：请检查这一行的引号 \" 和括号 { } [ ]"
        }
        if p.contains("did not find expected '-'") || p.contains("expected <block end>") {
            return "列表的各项应以“- ”开头并对齐"
        }
        return "YAML 无法识别这一行：请检查缩进（只用空格）、英文冒号后的空格、引号和括号是否成对"
    }
}
