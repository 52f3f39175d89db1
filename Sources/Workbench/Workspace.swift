import Foundation
import Roster
import Scoring

/// An error answered to the client as `{"error": message}` with its status.
struct WorkbenchError: Error, CustomStringConvertible {
    enum Status: Int { case badRequest = 400, notFound = 404, conflict = 409, tooLarge = 413, unprocessable = 422, forbidden = 403 }
    var status: Status
    var message: String
    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }
    var description: String { message }
}

/// Where the workspaces live, and the one way to reach one: by a well-formed id of a folder
/// that exists. An id never becomes part of a path before it is checked.
final class WorkspaceStore: Sendable {
    let root: String

    init(root: String) throws {
        let full = URL(fileURLWithPath: root).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        self.root = full
    }

    /// 128 random bits from the system's generator (getrandom), as 26 base32 letters.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var bits = 0, value = 0
        var out = ""
        for byte in bytes {
            value = (value << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(value >> (bits - 5)) & 31])
                bits -= 5
            }
            value &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(value << (5 - bits)) & 31]) }
        return out
    }

    /// Ids the store made (26 base32 letters), or names of folders a person copied in
    /// (letters, digits, - and _): nothing that could name another folder.
    static func isWellFormed(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && !id.hasPrefix(".") && !id.hasPrefix("-")
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }

    func workspace(_ id: String) throws -> Workspace {
        guard WorkspaceStore.isWellFormed(id) else { throw WorkbenchError(.notFound, "没有这个考评工作区") }
        let dir = root + "/" + id
        guard FileManager.default.fileExists(atPath: dir + "/config.yaml") else { throw WorkbenchError(.notFound, "没有这个考评工作区") }
        return Workspace(id: id, directory: dir)
    }

    func create(county: String, template: String, cutoff: String?) throws -> Workspace {
        let id = WorkspaceStore.newID()
        let dir = root + "/" + id
        try FileManager.default.createDirectory(atPath: dir + "/files", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        var lines = [
            "# 考评工作区的配置：由 kaoping serve 的页面维护，也可以手工编辑；kaoping evaluate 读同一个文件。",
            "county: \(YAMLOut.quote(county))",
            "template: \(YAMLOut.quote(template))",
        ]
        if let cutoff { lines.append("cutoff: \(cutoff)") }
        lines += ["inputs:", "  signins: []", "  villages: []", "  stations: []", "  poor_registry: []",
                  "decisions: decisions.yaml", "output: \(YAMLOut.quote("out/\(county)-自评表.xlsx"))", ""]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: dir + "/config.yaml"), options: .atomic)
        return Workspace(id: id, directory: dir)
    }

    /// Workspaces, newest first.
    func list() -> [Workspace] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter(WorkspaceStore.isWellFormed).compactMap { try? workspace($0) }
            .sorted { $0.updated > $1.updated }
    }
}

/// One county evaluation: a folder the command line reads as it is.
struct Workspace: Sendable {
    let id: String
    let directory: String

    var configPath: String { directory + "/config.yaml" }
    var filesDirectory: String { directory + "/files" }
    var outDirectory: String { directory + "/out" }
    /// The workbench's own notes (classification reasons): hidden, never an input.
    var stateDirectory: String { directory + "/.kaoping" }

    var updated: Date {
        let attributes = try? FileManager.default.attributesOfItem(atPath: configPath)
        return attributes?[.modificationDate] as? Date ?? .distantPast
    }

    func document() throws -> ConfigDocument { try ConfigDocument(file: configPath) }

    func save(_ document: ConfigDocument) throws {
        try Data(document.text.utf8).write(to: URL(fileURLWithPath: configPath), options: .atomic)
    }

    /// A stored file's absolute path from its path relative to the workspace ("files/…"), only
    /// when it lies inside the workspace.
    func absolute(_ relative: String) throws -> String {
        let full = URL(fileURLWithPath: directory + "/" + relative).standardizedFileURL.path
        guard full.hasPrefix(directory + "/") else { throw WorkbenchError(.badRequest, "路径离开了工作区") }
        return full
    }

    func relative(_ absolute: String) -> String {
        absolute.hasPrefix(directory + "/") ? String(absolute.dropFirst(directory.count + 1)) : absolute
    }

    /// Every county file in the workspace, relative to it, sorted: uploads under `files/`, and
    /// files a hand-written config keeps elsewhere (`data/…`). Not the config, the decisions
    /// file, `out/`, or hidden files.
    func storedFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        let own: Set<String> = ["config.yaml", "decisions.yaml", "out"]
        var out: [String] = []
        while let name = walker.nextObject() as? String {
            let last = name.split(separator: "/").last ?? ""
            if last.hasPrefix(".") || own.contains(name) || last.hasPrefix("~$") {
                walker.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue,
               !(name.hasSuffix(".yaml") && !name.contains("/")) {
                out.append(name)
            }
        }
        return out.sorted()
    }

    func size(_ relative: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: directory + "/" + relative))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Bytes of all stored files.
    func storedBytes() -> Int64 { storedFiles().reduce(0) { $0 + size($1) } }

    // MARK: Classification notes

    struct FileNote: Codable, Equatable {
        var inputClass: InputClass
        var reason: String
        /// The class was chosen by a person, not guessed.
        var chosen: Bool = false
    }

    var notesPath: String { stateDirectory + "/files.json" }

    func notes() -> [String: FileNote] {
        guard let data = FileManager.default.contents(atPath: notesPath) else { return [:] }
        return (try? JSONDecoder().decode([String: FileNote].self, from: data)) ?? [:]
    }

    func saveNotes(_ notes: [String: FileNote]) throws {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(notes).write(to: URL(fileURLWithPath: notesPath), options: .atomic)
    }
}

/// An optional written as `null` rather than left out, as the route contract shows it.
@propertyWrapper
struct Nullable<T: Codable>: Codable {
    var wrappedValue: T?
    init(wrappedValue: T?) { self.wrappedValue = wrappedValue }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(T.self)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
extension Nullable: Sendable where T: Sendable {}
extension Nullable: Equatable where T: Equatable {}

extension KeyedDecodingContainer {
    /// A missing key reads as nil, as for a plain optional.
    func decode<T>(_ type: Nullable<T>.Type, forKey key: Key) throws -> Nullable<T> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}
