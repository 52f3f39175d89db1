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
    /// Files in the inputs' folders that no input takes: each is named in a finding, so nothing
    /// a clerk put beside the sign-in sheets is left out silently.
    public var unclaimed: [String] = []
    /// The county's own name (乐昌市), stripped where villages are written with it in front.
    public var county: String?
    /// Per-sheet choices from the config's `sheets:`, by file path and then sheet name.
    public var sheetOptions: [String: [String: SheetOptions]] = [:]
    /// A person's same/different decisions on review links, by review key (`decisions:`).
    public var decisions: [String: ReviewDecision] = [:]

    public init() {}

    /// Every input file: sign-ins, villages, stations and the registry.
    public var inputFiles: [String] { signins + villages + stations + registry }
}

/// How one sheet is read, as a clerk chose it (the config's `sheets:`).
public struct SheetOptions: Sendable, Equatable {
    /// Leave the sheet out (it is named in a note, never dropped silently).
    public var skip = false
    /// For an online-form export: false keeps the sheet one session instead of taking each
    /// row's submission time as its session date (the default); true or nil keeps the default.
    public var splitByDate: Bool?

    public init(skip: Bool = false, splitByDate: Bool? = nil) {
        self.skip = skip
        self.splitByDate = splitByDate
    }
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

    /// Reads every file, on every core. A file that cannot be read becomes an error finding
    /// naming it; the other files are still read.
    /// - Parameter progress: called with the number of files read so far and their total.
    public static func load(_ sources: EvidenceSources, progress: (@Sendable (Int, Int) -> Void)? = nil) -> Evidence {
        // Every file is one task. The registry and the lists go first: a registry is the
        // biggest single file, and only the tagging at the end waits for it.
        let tasks = sources.registry.map { (SheetRead.Kind.registry, $0) } + sources.villages.map { (.villages, $0) }
            + sources.stations.map { (.stations, $0) } + sources.signins.map { (.signins, $0) }
        let parts = ResultSlots<InputPart>(count: tasks.count)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            let (kind, path) = tasks[i]
            let done = parts.store(read(path, as: kind, fixed: sources.fixedMappings[path], county: sources.county,
                                        options: sources.sheetOptions[path] ?? [:]), at: i)
            progress?(done, tasks.count)
        }

        // Assembled in the order the config names them: sign-ins, villages, stations, registry.
        var sheets: [SheetRead] = []
        var findings: [Finding] = []
        var sessions: [TrainingSession] = []
        var records: [SigninRecord] = []
        var villageEntries: [VillageEntry] = [], stationEntries: [StationEntry] = [], people: [RegistryPerson] = []
        // The lists by kind, since they were read in another order.
        var listSheets: [SheetRead.Kind: [SheetRead]] = [:]
        var listFindings: [SheetRead.Kind: [Finding]] = [:]
        // Each file's part is let go once merged, so the records are held about once, not twice.
        var pending = parts.take()
        records.reserveCapacity(pending.reduce(0) { total, part in
            guard case .signins(let file)? = part else { return total }
            return total + file.values.reduce(0) { $0 + $1.records.count }
        })
        // Records are moved, not copied: no reference counting per record.
        let blank = SigninRecord(provenance: Provenance(file: "", sheet: ""), session: 0)
        for index in pending.indices {
            guard let part = pending[index] else { continue }
            pending[index] = nil
            switch consume part {
            case .signins(var file):
                sheets += file.sheets
                findings += file.findings
                for k in file.values.indices {
                    let (offset, first) = (sessions.count, records.count)
                    sessions += file.values[k].sessions
                    records.appendMoving(from: &file.values[k].records, blank: blank)
                    for i in first..<records.count { records[i].session += offset }
                }
            case .villages(let file):
                listSheets[.villages, default: []] += file.sheets
                listFindings[.villages, default: []] += file.findings
                villageEntries += file.values.joined()
            case .stations(let file):
                listSheets[.stations, default: []] += file.sheets
                listFindings[.stations, default: []] += file.findings
                stationEntries += file.values.joined()
            case .registry(let file):
                listSheets[.registry, default: []] += file.sheets
                listFindings[.registry, default: []] += file.findings
                // One registry sheet is taken as it is, not copied person by person.
                if people.isEmpty, file.values.count == 1 { people = file.values[0] } else { people += file.values.joined() }
            }
        }
        sheets += [SheetRead.Kind.villages, .stations, .registry].flatMap { listSheets[$0] ?? [] }

        // Linking takes one core; what needs no links is made on the other meanwhile.
        let (sessionList, recordList, villageList, stationList, registryPeople) = (sessions, records, villageEntries, stationEntries, people)
        let linked = ResultSlots<DerivedPart>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                _ = linked.store(.attendance(Attendance(sessions: sessionList, records: recordList, decisions: sources.decisions,
                                                        registry: registryPeople)), at: i)
            } else {
                _ = linked.store(.unlinked(Coverage(villages: villageList, stations: stationList, aliases: sources.villageAliases),
                                           PoorRegistry.Index(people: registryPeople, settings: sources.poor),
                                           Audit.recordChecks(recordList, sessions: sessionList, province: sources.province)), at: i)
            }
        }
        guard case .attendance(let attendance) = linked.values[0], case .unlinked(let coverage, let index, let checks) = linked.values[1]
        else { preconditionFailure("derived parts out of order") }
        // Then the audit and the tagging, one core each.
        let derived = ResultSlots<DerivedPart>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                _ = derived.store(.audit(Audit.places(attendance) + Audit.records(attendance, checks: checks)), at: i)
            } else {
                _ = derived.store(.registry(PoorRegistry(index, attendance: attendance)), at: i)
            }
        }
        guard case .audit(let audit) = derived.values[0], case .registry(let registry) = derived.values[1]
        else { preconditionFailure("derived parts out of order") }
        findings += attendance.findings + audit
        findings += (listFindings[.villages] ?? []) + (listFindings[.stations] ?? []) + coverage.findings
        findings += (listFindings[.registry] ?? []) + registry.findings

        findings += sources.unclaimed.map(UnclaimedFile.finding)

        // Stable: severity first, then the order above.
        let ordered = findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity < b.element.severity : a.offset < b.offset
        }.map(\.element)
        return Evidence(attendance: attendance, coverage: coverage, registry: registry, sheets: sheets, findings: ordered)
    }

    enum InputPart {
        case signins(FilePart<SigninImport>)
        case villages(FilePart<[VillageEntry]>)
        case stations(FilePart<[StationEntry]>)
        case registry(FilePart<[RegistryPerson]>)
    }

    enum DerivedPart {
        case attendance(Attendance)
        /// What needs the files but not the links: coverage, the registry's index, the
        /// audit's record checks.
        case unlinked(Coverage, PoorRegistry.Index, [(record: Int, finding: Finding)])
        case audit([Finding])
        case registry(PoorRegistry)
    }

    /// Reads one file as the kind of input the config names it.
    static func read(_ path: String, as kind: SheetRead.Kind, fixed: ColumnMapping?, county: String? = nil,
                     options: [String: SheetOptions] = [:]) -> InputPart {
        func list<Entry>(_ importer: (SheetStream, String, ColumnMapping?) -> ([Entry], [Finding])) -> FilePart<[Entry]> {
            readSheets(path, kind: kind, fixed: fixed, options: options) { sheet, _, mapping in
                let (entries, findings) = importer(sheet, path, mapping)
                return (entries, entries.count, mapping, findings)
            }
        }
        switch kind {
        case .signins:
            return .signins(readSheets(path, kind: .signins, fixed: fixed, options: options) { sheet, uses1904, recognised in
                let mapping = FormSubmission.mapping(for: sheet, fixed: recognised, split: options[sheet.name]?.splitByDate)
                let part = SigninImporter.read(sheet, file: path, uses1904: uses1904, mapping: mapping)
                return (part, part.records.count, part.mapping, part.findings)
            })
        case .villages: return .villages(list { VillageListImporter.villages($0, file: $1, mapping: $2, county: county) })
        case .stations: return .stations(list { VillageListImporter.stations($0, file: $1, mapping: $2, county: county) })
        case .registry: return .registry(list { RegistryImporter.read($0, file: $1, mapping: $2) })
        }
    }

    struct FilePart<Value> {
        var values: [Value] = []
        var sheets: [SheetRead] = []
        var findings: [Finding] = []
    }

    /// Reads each visible sheet of one file; an unreadable file or sheet becomes a finding.
    /// `body` gets the sheet, whether it counts dates from 1904, and its mapping: `fixed`, or
    /// else the header recognised once here (nil when none is found).
    static func readSheets<Value>(_ path: String, kind: SheetRead.Kind, fixed: ColumnMapping? = nil,
                                  options: [String: SheetOptions] = [:],
                                  _ body: (SheetStream, Bool, ColumnMapping?) -> (Value, Int, ColumnMapping?, [Finding])) -> FilePart<Value> {
        var part = FilePart<Value>()
        let workbook: Workbook
        do {
            workbook = try Workbook.open(path)
        } catch {
            part.findings.append(Finding(.error, .fileUnreadable, "无法读取：\(error)", at: Provenance(file: path, sheet: "")))
            return part
        }
        for warning in workbook.warnings {
            // GB18030 is how Chinese Excel saves CSV: worth a note, not a warning.
            switch warning.kind {
            case .legacyEncoding:
                part.findings.append(Finding(.note, .fileEncoding, warning.description, at: Provenance(file: path, sheet: "")))
            case .formatMismatch:
                part.findings.append(Finding(.warning, .fileFormat, warning.description, at: Provenance(file: path, sheet: "")))
            }
        }
        for info in workbook.sheets {
            let here = Provenance(file: path, sheet: info.name)
            if options[info.name]?.skip == true {
                part.findings.append(Finding(.note, .sheetSkipped, "按配置中对工作表的设置跳过此工作表，未读取", at: here, remedy: .sheetOptions))
                continue
            }
            guard info.visibility == .visible else {
                part.findings.append(Finding(.note, .sheetHidden, "隐藏的工作表未读取；如其中有数据，请在 Excel 中取消隐藏", at: here))
                continue
            }
            do {
                let sheet = try workbook.rows(in: info)
                let recognised = fixed ?? HeaderRecognition.recognise(sheet)
                if let reason = NotData.reason(sheet, mapping: recognised) {
                    part.findings.append(Finding(.note, .sheetNotData, reason, at: here))
                    continue
                }
                let (value, count, mapping, findings) = body(sheet, workbook.uses1904, recognised)
                if let error = sheet.error { throw error }
                part.values.append(value)
                part.sheets.append(SheetRead(kind: kind, source: here, records: count, mapping: mapping))
                part.findings += findings
            } catch {
                part.findings.append(Finding(.error, .sheetUnreadable, "工作表无法读取：\(error)", at: here))
            }
        }
        return part
    }
}

/// A sheet with no table in it (填表说明, 封面, an empty Sheet2) is skipped with a note naming it;
/// a sheet that holds a table whose header cannot be recognised is left to the importer's error.
enum NotData {
    /// Decided on the sheet's first rows (the stream's head), which are already in memory.
    /// - Parameter mapping: the sheet's fixed or recognised mapping; a sheet with one is data.
    static func reason(_ sheet: SheetStream, mapping: ColumnMapping?) -> String? {
        func blank(_ row: Row) -> Bool { row.cells.allSatisfy { $0.text.trimmingWhitespace().isEmpty } }
        if sheet.isEmpty || (sheet.headIsWholeSheet && sheet.head.allSatisfy(blank)) {
            return "空白工作表，没有数据，已跳过"
        }
        guard mapping == nil else { return nil }
        // A table: at least two rows filled across three or more columns.
        let wide = sheet.head.lazy.filter { row in row.cells.lazy.filter { !$0.text.trimmingWhitespace().isEmpty }.count >= 3 }
        if wide.prefix(2).count >= 2 || !sheet.headIsWholeSheet { return nil }
        let first = sheet.head.lazy.flatMap(\.cells).map { $0.text.trimmingWhitespace() }.first { !$0.isEmpty } ?? ""
        let shown = first.count > 20 ? String(first.prefix(20)) + "…" : first
        return "这个工作表没有数据表格（像是填表说明或封面，开头是“\(Redaction.mask(shown))”），已跳过；如其中应有数据，请整理成一行表头加逐行记录的表格"
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

    /// Hands the filled slots over and empties them, so the caller holds the only copy.
    func take() -> [Value?] {
        lock.wait()
        defer { lock.signal() }
        let taken = slots
        slots = Array(repeating: nil, count: slots.count)
        return taken
    }
}

extension Array {
    /// Appends `other`'s elements by moving their bytes and leaves `blank` in their place,
    /// where copying would retain and later release every string of every element.
    mutating func appendMoving(from other: inout [Element], blank: Element) {
        let (start, count) = (self.count, other.count)
        guard count > 0 else { return }
        append(contentsOf: repeatElement(blank, count: count))
        withUnsafeMutableBufferPointer { target in
            other.withUnsafeMutableBufferPointer { source in
                (target.baseAddress! + start).moveUpdate(from: source.baseAddress!, count: count)
                source.baseAddress!.initialize(repeating: blank, count: count)
            }
        }
    }
}
