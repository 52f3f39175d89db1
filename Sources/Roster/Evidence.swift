import Dispatch
import SheetIO

/// The county's evidence files and how to read them; the config names them (DESIGN §5).
public struct EvidenceSources: Sendable {
    /// Sign-in workbooks: every visible sheet is read as a sign-in sheet.
    public var signins: [String] = []
    public var villages: [String] = []
    public var stations: [String] = []
    public var registry: [String] = []
    public var poor = PoorSettings()
    /// Renamed villages per town: `["坪石镇": ["老水口": "水口村"]]`.
    public var villageAliases: [String: [String: String]] = [:]
    /// The county's two-digit province code (44 for Guangdong), for the ID region audit.
    public var province: String?
    /// Mappings fixed by the config, by file path, for files whose header cannot be recognised.
    public var fixedMappings: [String: ColumnMapping] = [:]

    public init() {}
}

/// One sheet that was read, and as what.
public struct SheetRead: Sendable {
    public enum Kind: String, Sendable { case signins, villages, stations, registry }
    public var kind: Kind
    public var source: Provenance
    /// Records taken from the sheet (sign-ins, villages, stations or registry persons).
    public var records: Int
    /// How the columns were recognised, when they were.
    public var mapping: ColumnMapping?
}

/// Everything Roster learnt from the county's files: attendance, coverage, poor tagging, and
/// every problem found on the way, each with its file, sheet and row.
public struct Evidence: Sendable {
    public var attendance: Attendance
    public var coverage: Coverage
    public var registry: PoorRegistry
    public var sheets: [SheetRead]
    /// Errors first, then warnings and notes, each group in file order.
    public var findings: [Finding]

    /// Reads every file, sign-in workbooks in parallel. A file that cannot be read becomes an
    /// error finding naming it; the other files are still read.
    /// - Parameter progress: called with the number of sign-in files read so far and the total.
    public static func load(_ sources: EvidenceSources, progress: (@Sendable (Int, Int) -> Void)? = nil) -> Evidence {
        let signinParts = readInParallel(sources.signins, progress: progress) { path in
            readSheets(path, kind: .signins) { sheet, uses1904 in
                let part = SigninImporter.read(sheet, file: path, uses1904: uses1904, mapping: sources.fixedMappings[path])
                return (part, part.records.count, part.mapping, part.findings)
            }
        }
        var sheets: [SheetRead] = []
        var findings: [Finding] = []
        var imports: [SigninImport] = []
        for part in signinParts {
            sheets += part.sheets
            findings += part.findings
            imports += part.values
        }
        let attendance = Attendance(imports: imports)
        findings += attendance.findings
        findings += Audit.run(attendance, province: sources.province)

        /// Reads one kind of list from every file named for it, each sheet through `importer`.
        func readList<Entry>(_ paths: [String], kind: SheetRead.Kind,
                             _ importer: (Sheet, String, ColumnMapping?) -> ([Entry], [Finding])) -> [Entry] {
            var entries: [Entry] = []
            for path in paths {
                let part = readSheets(path, kind: kind) { sheet, _ in
                    let mapping = sources.fixedMappings[path] ?? HeaderRecognition.recognise(sheet)
                    let (read, found) = importer(sheet, path, mapping)
                    return (read, read.count, mapping, found)
                }
                sheets += part.sheets
                findings += part.findings
                entries += part.values.flatMap { $0 }
            }
            return entries
        }
        let villageEntries = readList(sources.villages, kind: .villages) { VillageListImporter.villages($0, file: $1, mapping: $2) }
        let stationEntries = readList(sources.stations, kind: .stations) { VillageListImporter.stations($0, file: $1, mapping: $2) }
        let coverage = Coverage(villages: villageEntries, stations: stationEntries, aliases: sources.villageAliases)
        findings += coverage.findings
        let people = readList(sources.registry, kind: .registry) { RegistryImporter.read($0, file: $1, mapping: $2) }
        let registry = PoorRegistry(people: people, attendance: attendance, settings: sources.poor)
        findings += registry.findings

        // Stable: severity first, then the order in which the files were named.
        let ordered = findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity < b.element.severity : a.offset < b.offset
        }.map(\.element)
        return Evidence(attendance: attendance, coverage: coverage, registry: registry, sheets: sheets, findings: ordered)
    }

    struct FilePart<Value> {
        var values: [Value] = []
        var sheets: [SheetRead] = []
        var findings: [Finding] = []
    }

    /// Reads each visible sheet of one file; an unreadable file or sheet becomes a finding.
    static func readSheets<Value>(_ path: String, kind: SheetRead.Kind,
                                  _ body: (Sheet, Bool) -> (Value, Int, ColumnMapping?, [Finding])) -> FilePart<Value> {
        var part = FilePart<Value>()
        let workbook: Workbook
        do {
            workbook = try Workbook.open(path)
        } catch {
            part.findings.append(Finding(.error, "file.unreadable", "无法读取：\(error)", at: Provenance(file: path, sheet: "")))
            return part
        }
        for warning in workbook.warnings {
            // GB18030 is how Chinese Excel saves CSV: worth a note, not a warning.
            if let encoding = workbook.textEncoding, warning.contains(encoding.displayName) {
                part.findings.append(Finding(.note, "file.encoding", warning, at: Provenance(file: path, sheet: "")))
            } else {
                part.findings.append(Finding(.warning, "file.format", warning, at: Provenance(file: path, sheet: "")))
            }
        }
        for info in workbook.sheets {
            let here = Provenance(file: path, sheet: info.name)
            guard info.visibility == .visible else {
                part.findings.append(Finding(.note, "sheet.hidden", "隐藏的工作表未读取；如其中有数据，请在 Excel 中取消隐藏", at: here))
                continue
            }
            do {
                let sheet = try workbook.read(info)
                if sheet.rows.isEmpty { continue }
                let (value, count, mapping, findings) = body(sheet, workbook.uses1904)
                part.values.append(value)
                part.sheets.append(SheetRead(kind: kind, source: here, records: count, mapping: mapping))
                part.findings += findings
            } catch {
                part.findings.append(Finding(.error, "sheet.unreadable", "工作表无法读取：\(error)", at: here))
            }
        }
        return part
    }

    /// Runs `body` over the paths on every core, keeping the paths' order in the result.
    static func readInParallel<Value>(_ paths: [String], progress: (@Sendable (Int, Int) -> Void)?,
                                      _ body: @Sendable (String) -> FilePart<Value>) -> [FilePart<Value>] {
        let results = ResultSlots<FilePart<Value>>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            let done = results.store(body(paths[i]), at: i)
            progress?(done, paths.count)
        }
        return results.values
    }
}

/// Slots filled from several threads, each once; a lock guards the array.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private var filled = 0
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores a value and returns how many slots are filled now.
    func store(_ value: Value, at index: Int) -> Int {
        lock.wait()
        defer { lock.signal() }
        slots[index] = value
        filled += 1
        return filled
    }

    var values: [Value] { slots.map { $0! } }
}
