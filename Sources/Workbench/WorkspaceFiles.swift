import Foundation
import Roster
import Scoring
import SheetIO

/// One stored file as the page shows it.
struct FileView: Codable, Equatable {
    var path: String
    var size: Int64
    var `class`: String
    var reason: String
    var excluded: Bool
}

/// Serialises changes to one workspace's config (uploads, class changes, decisions): each runs
/// under the workspace's lock, on a thread of its own.
final class WorkspaceLocks: @unchecked Sendable {
    private var locks: [String: NSLock] = [:]
    private let lock = NSLock()

    func with<T>(_ id: String, _ body: () throws -> T) rethrows -> T {
        let one = lock.withLock { () -> NSLock in
            if let existing = locks[id] { return existing }
            let made = NSLock()
            locks[id] = made
            return made
        }
        one.lock()
        defer { one.unlock() }
        return try body()
    }
}

/// The config's input lists as written (patterns) and as resolved (files), relative to the
/// workspace. Glob patterns a person wrote stay until a file must leave their list.
struct InputLists {
    static let keys: [(key: String, cls: InputClass)] = [
        ("signins", .signins), ("villages", .villages), ("stations", .stations), ("poor_registry", .poorRegistry),
    ]
    var patterns: [String: [String]] = [:]
    var resolved: [String: Set<String>] = [:]
    var excludedPatterns: [String] = []
    var excluded: Set<String> = []

    init(workspace: Workspace, document: ConfigDocument) {
        let root = document.root
        let inputs = root["inputs"] as? [String: Any] ?? [:]
        for (key, _) in InputLists.keys {
            patterns[key] = InputLists.strings(inputs[key])
        }
        excludedPatterns = InputLists.strings(root["excluded"])
        // The loader's own resolution, as `kaoping evaluate` sees it; a config with errors
        // falls back to the explicit names.
        if let config = try? Config.load(path: workspace.configPath) {
            let rel = { (list: [String]) in Set(list.map(workspace.relative)) }
            resolved = ["signins": rel(config.sources.signins), "villages": rel(config.sources.villages),
                        "stations": rel(config.sources.stations), "poor_registry": rel(config.sources.registry)]
            excluded = rel(config.excluded)
        } else {
            for (key, list) in patterns { resolved[key] = Set(list.map(PathPattern.unescape)) }
            excluded = Set(excludedPatterns.map(PathPattern.unescape))
        }
    }

    static func strings(_ value: Any?) -> [String] {
        if let list = value as? [Any] { return list.map { "\($0)" } }
        if let one = value as? String { return [one] }
        return []
    }

    func inputClass(of path: String) -> InputClass? {
        InputLists.keys.first { resolved[$0.key]?.contains(path) == true }?.cls
    }

    mutating func add(_ path: String, to cls: InputClass) {
        guard let key = InputLists.keys.first(where: { $0.cls == cls })?.key else { return }
        if resolved[key]?.contains(path) != true {
            patterns[key, default: []].append(PathPattern.escape(path))
            resolved[key, default: []].insert(path)
        }
    }

    mutating func remove(_ path: String) {
        for (key, _) in InputLists.keys where resolved[key]?.contains(path) == true {
            let explicit = PathPattern.escape(path)
            let list = patterns[key] ?? []
            let viaPattern = list.contains { $0 != explicit && PathPattern.hasWildcard($0) && PathPattern.matches(pattern: $0, path: path) }
            if list.contains(explicit) && !viaPattern {
                patterns[key]!.removeAll { $0 == explicit }
            } else {
                // Matched by a pattern: the list becomes the files it stands for, less this one.
                patterns[key] = resolved[key]!.subtracting([path]).sorted().map(PathPattern.escape)
            }
            resolved[key]!.remove(path)
        }
    }

    mutating func exclude(_ path: String, _ on: Bool) {
        let explicit = PathPattern.escape(path)
        if on {
            if !excluded.contains(path) { excludedPatterns.append(explicit); excluded.insert(path) }
        } else if excluded.contains(path) {
            if excludedPatterns.contains(explicit) { excludedPatterns.removeAll { $0 == explicit } }
            else { excludedPatterns = excluded.subtracting([path]).sorted().map(PathPattern.escape) }
            excluded.remove(path)
        }
    }

    func write(into document: inout ConfigDocument) {
        document.set("inputs", .map(InputLists.keys.map { ($0.key, .list((patterns[$0.key] ?? []).map { .string($0) })) }))
        document.set("excluded", excludedPatterns.isEmpty ? nil : .list(excludedPatterns.map { .string($0) }))
    }
}

/// Shell patterns as the config loader reads them (fnmatch per component).
enum PathPattern {
    static func hasWildcard(_ pattern: String) -> Bool { pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// A file name as a pattern matching only itself (`[` `*` `?` bracketed).
    static func escape(_ path: String) -> String {
        guard hasWildcard(path) else { return path }
        var out = ""
        for ch in path {
            if ch == "[" || ch == "*" || ch == "?" { out += "[\(ch)]" } else { out.append(ch) }
        }
        return out
    }

    static func unescape(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "[[]", with: "[").replacingOccurrences(of: "[*]", with: "*").replacingOccurrences(of: "[?]", with: "?")
    }

    /// Whether a relative pattern matches a relative path, component by component.
    static func matches(pattern: String, path: String) -> Bool {
        let p = pattern.split(separator: "/"), f = path.split(separator: "/")
        if p.contains("**") { return fnmatch(pattern.replacingOccurrences(of: "**/", with: "*"), path, 0) == 0 }
        guard p.count == f.count else { return false }
        return zip(p, f).allSatisfy { fnmatch(String($0), String($1), 0) == 0 }
    }
}

extension Workspace {
    /// Every stored file with its class, the reason and whether it is left out. A file that no
    /// input names and `excluded:` does not either is not read: it shows as left out, with the
    /// class its header suggests, so nothing is left out silently.
    func fileViews() -> [FileView] {
        let document = (try? document()) ?? ConfigDocument(text: "")
        let lists = InputLists(workspace: self, document: document)
        var notes = notes()
        var learnt = false
        let views = storedFiles().map { path -> FileView in
            let listed = lists.inputClass(of: path)
            let excluded = lists.excluded.contains(path)
            if listed == nil && notes[path] == nil, let full = try? absolute(path) {
                let found = FileClassifier.classify(path: full)
                notes[path] = FileNote(inputClass: found.inputClass, reason: found.reason)
                learnt = true
            }
            let note = notes[path]
            if let listed {
                let reason = note.map { $0.inputClass == listed ? $0.reason : "配置中列为\(listed.label)" } ?? "配置中列为\(listed.label)"
                return FileView(path: path, size: size(path), class: listed.rawValue, reason: reason, excluded: false)
            }
            let cls = note?.inputClass ?? .notData
            if excluded {
                return FileView(path: path, size: size(path), class: cls.rawValue, reason: note?.reason ?? "配置中列为不读取（excluded）",
                                excluded: cls != .notData)
            }
            let guess = cls == .notData ? "" : "按表头看是\(cls.label)；"
            return FileView(path: path, size: size(path), class: cls.rawValue,
                            reason: "配置的输入中没有这个文件，目前未读取；\(guess)如要使用，请为它选择类别（\(note?.reason ?? "")）", excluded: true)
        }
        if learnt { try? saveNotes(notes) }
        return views
    }

    /// Records a file's class (or exclusion) in the config: inputs for the four data classes,
    /// `excluded:` for 不是数据 and for files left out by hand.
    func assign(_ path: String, to cls: InputClass, excluded: Bool, note: FileNote?) throws {
        var document = try document()
        var lists = InputLists(workspace: self, document: document)
        lists.remove(path)
        if cls == .notData || excluded {
            lists.exclude(path, true)
            dropSheetSettings(path, in: &document)
        } else {
            lists.exclude(path, false)
            lists.add(path, to: cls)
        }
        lists.write(into: &document)
        try save(document)
        if let note {
            var notes = notes()
            notes[path] = note
            try saveNotes(notes)
        }
    }

    /// Removes a file from disk and from every list of the config.
    func delete(_ path: String) throws {
        let full = try absolute(path)
        guard storedFiles().contains(path), FileManager.default.fileExists(atPath: full) else {
            throw WorkbenchError(.notFound, "没有这个文件：\(path)")
        }
        var document = try document()
        var lists = InputLists(workspace: self, document: document)
        lists.remove(path)
        lists.exclude(path, false)
        dropSheetSettings(path, in: &document)
        try FileManager.default.removeItem(atPath: full)
        lists.write(into: &document)
        try save(document)
        var notes = notes()
        notes[path] = nil
        try saveNotes(notes)
    }

    /// `columns:` may name only files in the inputs: a file leaving them takes its entries along.
    func dropSheetSettings(_ path: String, in document: inout ConfigDocument) {
        for key in ["columns", "sheets"] {
            guard var table = document.root[key] as? [String: Any], table[path] != nil else { continue }
            table[path] = nil
            document.set(key, table.isEmpty ? nil : YAMLOut.from(table))
        }
    }
}

extension YAMLOut {
    /// A value parsed by Yams, written back (mapping keys sorted).
    static func from(_ value: Any) -> YAMLOut {
        switch value {
        case let map as [String: Any]: return .map(map.keys.sorted().map { ($0, from(map[$0]!)) })
        case let map as [AnyHashable: Any]: return .map(map.keys.map { "\($0)" }.sorted().map { key in (key, from(map.first { "\($0.key)" == key }!.value)) })
        case let list as [Any]: return .list(list.map(from))
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(Decimal(i))
        case let d as Double: return .number(Decimal(string: "\(d)") ?? Decimal(d))
        case is NSNull: return .null
        default: return .string("\(value)")
        }
    }
}
