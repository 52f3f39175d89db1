/// The package-level parts of an XLSX file: relationships, workbook, styles, shared strings.
///
/// Each parser reads one part through an `XMLScanner` and keeps only what SheetIO needs.
enum XLSXPackage {
    struct Relationship {
        var id: String
        var type: String
        var target: String
        var external: Bool
    }

    struct SheetEntry {
        var name: String
        var visibility: SheetVisibility
        var relationshipID: String?
    }

    struct WorkbookPart {
        var uses1904 = false
        var sheets: [SheetEntry] = []
    }

    static func relationships(_ scanner: consuming XMLScanner) throws -> [Relationship] {
        var found: [Relationship] = []
        while true {
            switch try scanner.next() {
            case .startTag where scanner.nameIs("Relationship"):
                guard let id = try scanner.attribute("Id"), let target = try scanner.attribute("Target") else { continue }
                let type = try scanner.attribute("Type") ?? ""
                let external = try scanner.attribute("TargetMode") == "External"
                found.append(Relationship(id: id, type: type, target: target, external: external))
            case .endOfDocument:
                return found
            default:
                continue
            }
        }
    }

    static func workbook(_ scanner: consuming XMLScanner) throws -> WorkbookPart {
        var part = WorkbookPart()
        while true {
            switch try scanner.next() {
            case .startTag where scanner.nameIs("workbookPr"):
                let flag = try scanner.attribute("date1904")
                part.uses1904 = flag == "1" || flag == "true"
            case .startTag where scanner.nameIs("sheet"):
                let name = try scanner.attribute("name") ?? "Sheet\(part.sheets.count + 1)"
                let visibility: SheetVisibility
                switch try scanner.attribute("state") {
                case "hidden": visibility = .hidden
                case "veryHidden": visibility = .veryHidden
                default: visibility = .visible
                }
                // The relationship id is `r:id`; local-name matching finds it whatever the prefix.
                part.sheets.append(SheetEntry(name: name, visibility: visibility, relationshipID: try scanner.attribute("id")))
            case .endOfDocument:
                return part
            default:
                continue
            }
        }
    }

    /// Number formats by cell style index (the `s` attribute of a cell).
    static func styles(_ scanner: consuming XMLScanner) throws -> [NumberFormat] {
        var customCodes: [Int: String] = [:]
        var formatIDs: [Int] = []
        var inCellXfs = false
        while true {
            switch try scanner.next() {
            case .startTag where scanner.nameIs("numFmt"):
                if let id = try scanner.attribute("numFmtId").flatMap({ Int($0) }),
                   let code = try scanner.attribute("formatCode") {
                    customCodes[id] = code
                }
            case .startTag where scanner.nameIs("cellXfs"):
                inCellXfs = true
            case .endTag where scanner.nameIs("cellXfs"):
                inCellXfs = false
            case .startTag where inCellXfs && scanner.nameIs("xf"):
                formatIDs.append(try scanner.attribute("numFmtId").flatMap { Int($0) } ?? 0)
                try scanner.skipElement()
            case .endOfDocument:
                var cache: [Int: NumberFormat] = [:]
                return formatIDs.map { id in
                    if let known = cache[id] { return known }
                    let format = NumberFormat(id: id, code: customCodes[id] ?? NumberFormat.builtInCode(id) ?? "General")
                    cache[id] = format
                    return format
                }
            default:
                continue
            }
        }
    }

    /// The shared-string table: rich-text runs concatenated, phonetic runs (`rPh`) skipped.
    static func sharedStrings(_ scanner: consuming XMLScanner) throws -> [String] {
        var strings: [String] = []
        var bytes: [UInt8] = []
        var inItem = false
        var inText = false
        var phoneticDepth = 0
        var textStart = 0
        var keepsSpace = false
        while true {
            switch try scanner.next() {
            case .startTag:
                if scanner.nameIs("si") {
                    inItem = true
                    bytes.removeAll(keepingCapacity: true)
                } else if scanner.nameIs("rPh") {
                    phoneticDepth += 1
                } else if scanner.nameIs("t") {
                    inText = inItem && phoneticDepth == 0
                    textStart = bytes.count
                    keepsSpace = scanner.keepsSpace
                }
            case .endTag:
                if scanner.nameIs("si") {
                    inItem = false
                    strings.append(try cellString(bytes, scanner: scanner, where: "共享字符串第 \(strings.count + 1) 项"))
                } else if scanner.nameIs("rPh") {
                    phoneticDepth -= 1
                } else if scanner.nameIs("t") {
                    // Without xml:space="preserve", Excel drops the white space around each run.
                    if inText && !keepsSpace { trimXMLSpace(&bytes, from: textStart) }
                    inText = false
                }
            case .text:
                if inText { try scanner.appendText(to: &bytes) }
            case .endOfDocument:
                return strings
            }
        }
    }

    /// A cell string from its XML bytes: `_xHHHH_` escapes decoded, UTF-8 checked, and no
    /// longer than Excel allows.
    static func cellString(_ bytes: [UInt8], scanner: borrowing XMLScanner, where place: @autoclosure () -> String) throws -> String {
        let text = try scanner.string(from: bytes.contains(UInt8(ascii: "_")) ? decodeEscapes(bytes) : bytes)
        if bytes.count > SheetLimits.maxCellCharacters && text.utf16.count > SheetLimits.maxCellCharacters {
            throw SheetError(.limitExceeded, file: scanner.file,
                             message: "\(place())的文字超过 Excel 单元格上限 \(SheetLimits.maxCellCharacters) 个字符",
                             advice: "请检查该单元格内容是否异常")
        }
        return text
    }

    /// Decodes OOXML's `_xHHHH_` escapes (ST_Xstring), which carry UTF-16 code units for
    /// characters XML cannot hold; `_x005F_` escapes a literal underscore.
    static func decodeEscapes(_ bytes: [UInt8]) -> [UInt8] {
        var units: [UInt16] = []
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        func flush() {
            guard !units.isEmpty else { return }
            out.append(contentsOf: String(decoding: units, as: UTF16.self).utf8)
            units.removeAll()
        }
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "_"), i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "x") || bytes[i + 1] == UInt8(ascii: "X"),
               bytes[i + 6] == UInt8(ascii: "_"), let unit = hex4(bytes, at: i + 2) {
                units.append(unit)
                i += 7
                continue
            }
            flush()
            out.append(bytes[i])
            i += 1
        }
        flush()
        return out
    }

    private static func hex4(_ bytes: [UInt8], at start: Int) -> UInt16? {
        var value: UInt16 = 0
        for b in bytes[start..<(start + 4)] {
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Removes XML white space (space, tab, CR, LF) from both ends of `bytes[start...]`.
    static func trimXMLSpace(_ bytes: inout [UInt8], from start: Int) {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        var end = bytes.count
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        if end < bytes.count { bytes.removeSubrange(end...) }
        var first = start
        while first < end && isSpace(bytes[first]) { first += 1 }
        if first > start { bytes.removeSubrange(start..<first) }
    }

    /// Resolves a relationship target against the folder of its source part; a target
    /// starting with "/" is absolute within the package.
    static func resolve(_ target: String, from sourcePart: String) -> String {
        var segments: [Substring] = []
        if !target.hasPrefix("/") {
            segments = sourcePart.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        }
        for segment in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }

    /// The relationships part that belongs to a part: `xl/workbook.xml` -> `xl/_rels/workbook.xml.rels`.
    static func relationshipsPart(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "_rels/\(part).rels" }
        return "\(part[..<slash])/_rels/\(part[part.index(after: slash)...]).rels"
    }
}
