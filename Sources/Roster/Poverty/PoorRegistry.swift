import Foundation
import SheetIO

/// One person of the registered-poor list (建档立卡贫困人口).
public struct RegistryPerson: Sendable {
    public var householdID: String?
    public var name: PersonName?
    public var id: IDNumber?
    public var relation: String?
    /// 劳动技能 as written, folded (full-width brackets and spaces).
    public var laborSkill: String?
    /// 务工状况 as written, folded.
    public var workStatus: String?
    public var town: TownName?
    public var village: VillageName?
    /// 人员状态 as written (正常, 死亡, 注销…).
    public var status: String?
    public var provenance: Provenance

    /// Marked as removed from the register (deceased, cancelled, moved away…) by the default
    /// words: such a person cannot have attended a training.
    public var isInactive: Bool { isRemoved(by: PoorSettings().removedValues) }

    /// Whether the status names one of the removal words; a bare 是 answers a 是否死亡 or
    /// 是否注销 column.
    public func isRemoved(by words: [String]) -> Bool {
        guard let status = status.map(PoorRegistry.fold), !status.isEmpty else { return false }
        return status == "是" || words.contains { !$0.isEmpty && status.contains(PoorRegistry.fold($0)) }
    }
}

/// How the poor labour population is defined; the report prints it (DESIGN §3).
public struct PoorSettings: Sendable {
    public var laborValues: [String] = ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"]
    public var migrantValues: [String] = ["县外省内务工", "省外务工"]
    public var excludeMigrant = true
    public var acceptProbable = false
    /// An officially confirmed denominator overrides the registry count.
    public var confirmedLaborPopulation: Int?
    /// Status words that mark a person as removed from the register (a status cell containing
    /// any of them): such persons are outside the labour population. What registers write in
    /// 人员状态, 减少原因, 户状态 and the like.
    /// 已脱贫 (标识脱贫) persons are not removed: they stay registered-poor persons (a note
    /// counts them; a county whose rule differs adds 标识脱贫 here).
    public var removedValues = ["死亡", "已故", "去世", "注销", "自然减少", "减少", "迁出", "外迁", "销户", "剔除", "清退"]

    public init() {}

    /// The definition in Chinese, for the metrics sheet and the terminal.
    public var definition: String {
        var text = "劳动技能为\(laborValues.joined(separator: "、"))的建档立卡贫困人口"
        text += excludeMigrant ? "，不含务工状况为\(migrantValues.joined(separator: "、"))的外出务工人员" : "（含外出务工人员）"
        if !removedValues.isEmpty {
            text += "，不含状态写有\(removedValues.joined(separator: "、"))的已减少人员（已脱贫的仍计入）"
        }
        if let confirmed = confirmedLaborPopulation { text += "；分母采用官方确认数 \(confirmed) 人" }
        text += acceptProbable ? "；无身份证号时按姓名+村唯一匹配的也计入" : "；只按身份证号确认匹配"
        return text
    }
}

public enum RegistryImporter {
    public static func read(_ sheet: some SheetRows, file: String, mapping fixed: ColumnMapping? = nil) -> (people: [RegistryPerson], findings: [Finding]) {
        guard let mapping = fixed ?? HeaderRecognition.recognise(sheet), mapping.column(.idNumber) != nil || mapping.column(.name) != nil else {
            return ([], [Finding(.error, .registryNoHeader, "建档立卡名单中找不到“姓名”“证件号码”等表头", at: Provenance(file: file, sheet: sheet.name))])
        }
        var people: [RegistryPerson] = []
        var findings: [Finding] = []
        var towns = Memo<TownName?>(), villages = Memo<VillageName?>(), folded = Memo<String>()
        for row in sheet.rows where row.index >= mapping.firstDataRow && !row.isTotals {
            let at = Provenance(file: file, sheet: sheet.name, row: row.index)
            func text(_ role: ColumnRole) -> String? {
                guard let c = mapping.column(role), let t = row[c]?.text.trimmingWhitespace(), !t.isEmpty else { return nil }
                return t
            }
            let id = mapping.column(.idNumber).flatMap { row[$0] }.flatMap { IDNumber(cell: $0) }
            let name = text(.name).flatMap(PersonName.init)
            guard id != nil || name != nil else { continue }
            if let id, !id.isUsable { findings.append(contentsOf: IDFindings.check(id, at: at)) }
            if let id, id.isUsable, id.reformatted, id.raw.count > 18 {
                findings.append(Finding(.note, .registryLongId, "证件号码超过 18 位（如残疾证号），已取前 18 位 \(id.masked)", at: at))
            }
            let town = text(.town).flatMap { t in towns.value(for: t) { TownName(t) } }
            let village = text(.village).flatMap { v in villages.value(for: (town?.core ?? "") + "|" + v) { VillageName(v, town: town) } }
            func fold(_ text: String) -> String { folded.value(for: text) { PoorRegistry.fold(text) } }
            people.append(RegistryPerson(householdID: text(.householdID), name: name, id: id, relation: text(.relation),
                                         laborSkill: text(.laborSkill).map(fold), workStatus: text(.workStatus).map(fold),
                                         town: town, village: village, status: text(.personStatus), provenance: at))
        }
        return (people, findings)
    }
}

/// Values made once per distinct text: a registry repeats a few hundred town, village and
/// status texts over thousands of rows, and normalising each costs Unicode work.
struct Memo<Value> {
    private var made: [String: Value] = [:]

    mutating func value(for key: String, _ make: () -> Value) -> Value {
        if let known = made[key] { return known }
        let value = make()
        made[key] = value
        return value
    }
}

/// Registered-poor persons matched to the trainees (DESIGN §3 `poor_*` metrics).
public struct PoorRegistry: Sendable {
    public enum Match: String, Sendable { case confirmed, probable }

    public let people: [RegistryPerson]
    public let settings: PoorSettings
    /// Registry indices that form the labour population (the denominator, unless confirmed).
    public private(set) var laborPopulation: [Int] = []
    /// Registry indices of persons the register marks as removed (死亡, 注销, 自然减少…).
    public private(set) var removed: [Int] = []
    /// Attendance person index -> (registry index, how matched).
    public private(set) var matches: [Int: (registry: Int, match: Match)] = [:]
    public private(set) var findings: [Finding] = []

    /// Distinct trained persons of the labour population (the 贫困人口培训清单).
    public private(set) var trainedLabor: [Int] = []
    /// Registered-poor trainees outside the labour population (listed apart).
    public private(set) var trainedOther: [Int] = []

    public var laborPopulationCount: Int { settings.confirmedLaborPopulation ?? laborPopulation.count }

    /// Folds bracket widths and spaces so 乡(镇)外县内务工 meets 乡（镇）外县内务工.
    static func fold(_ text: String) -> String {
        var s = text.precomposedStringWithCompatibilityMapping
        s.removeAll { $0.isWhitespace }
        return s
    }

    public init(people: [RegistryPerson], attendance: Attendance, settings: PoorSettings = PoorSettings()) {
        self.init(Index(people: people, settings: settings), attendance: attendance)
    }

    /// What needs only the registry: the labour population, the removed, and lookups by ID
    /// and by name and village. Built apart so it can be made while the sign-ins are linked.
    struct Index: Sendable {
        let people: [RegistryPerson]
        let settings: PoorSettings
        var laborPopulation: [Int] = []
        var removed: [Int] = []
        var inLabor = Set<Int>()
        var findings: [Finding] = []
        var byID: [String: Int] = [:]
        var byNameVillage: [String: [Int]] = [:]

        init(people: [RegistryPerson], settings: PoorSettings) {
            self.people = people
            self.settings = settings
            let labor = Set(settings.laborValues.map(PoorRegistry.fold))
            let migrant = Set(settings.migrantValues.map(PoorRegistry.fold))
            var removedBy: [String: Int] = [:]
            var removedFirst: Provenance?
            // A register repeats a few status texts; each is folded and matched once.
            var removedStatus = Memo<Bool>()
            func isRemoved(_ person: RegistryPerson) -> Bool {
                guard let status = person.status else { return false }
                return removedStatus.value(for: status) { person.isRemoved(by: settings.removedValues) }
            }
            for (i, person) in people.enumerated() {
                if isRemoved(person) {
                    removed.append(i)
                    removedBy[person.status.map(PoorRegistry.fold) ?? "", default: 0] += 1
                    removedFirst = removedFirst ?? person.provenance
                    continue
                }
                guard let skill = person.laborSkill, labor.contains(skill) else { continue }
                if settings.excludeMigrant, let work = person.workStatus, migrant.contains(work) { continue }
                laborPopulation.append(i)
                inLabor.insert(i)
            }
            let lifted = people.filter { p in !isRemoved(p) && (p.status.map { $0.contains("脱贫") && !$0.contains("未脱贫") } ?? false) }
            if let first = lifted.first {
                findings.append(Finding(.note, .registryLifted,
                    "建档立卡名单中有 \(lifted.count) 人状态写有“脱贫”（如“\(first.status ?? "")”），已脱贫人员仍属建档立卡贫困人口，已按劳动技能和务工状况计入；"
                        + "如考评口径不同，请在配置中已移出名单的状态写法里加入该写法",
                    at: Provenance(file: first.provenance.file, sheet: first.provenance.sheet), remedy: .removedStatusValues))
            }
            if let at = removedFirst {
                let counts = removedBy.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { "\($0.key) \($0.value) 人" }.joined(separator: "、")
                findings.append(Finding(.note, .registryRemoved,
                    "建档立卡名单中有 \(removed.count) 人标为已减少（\(counts)），不计入有劳动能力的贫困人口；如有误标，请核对名单的状态列",
                    at: Provenance(file: at.file, sheet: at.sheet)))
            }
            for (i, person) in people.enumerated() {
                if let id = person.id, id.isUsable {
                    if byID[id.value] != nil {
                        findings.append(Finding(.warning, .registryDuplicateId, "证件号码 \(id.masked) 在名单中出现了不止一次", at: person.provenance))
                    }
                    byID[id.value] = byID[id.value] ?? i
                }
                if let name = person.name, let village = person.village {
                    byNameVillage[name.key + "|" + village.core, default: []].append(i)
                }
            }
        }
    }

    init(_ index: Index, attendance: Attendance) {
        people = index.people
        settings = index.settings
        laborPopulation = index.laborPopulation
        removed = index.removed
        findings = index.findings
        let (inLabor, byID, byNameVillage) = (index.inLabor, index.byID, index.byNameVillage)
        var villageCores = Memo<String?>()
        func core(_ text: String) -> String? { villageCores.value(for: text) { VillageName(text)?.core } }
        // Attendees without an ID whose name and village found nobody: keys for the variant check.
        var unmatched: [(person: Int, villages: Set<String>)] = []
        for (p, person) in attendance.persons.enumerated() {
            if let id = person.id, let hit = byID[id.value] {
                matches[p] = (hit, .confirmed)
                continue
            }
            guard person.id == nil, let name = person.name else { continue }
            let villages = Set(person.records.compactMap { attendance.records[$0].village.flatMap(core) })
            let candidates = Set(villages.flatMap { byNameVillage[name.key + "|" + $0] ?? [] })
            if candidates.count == 1, let hit = candidates.first {
                matches[p] = (hit, .probable)
                findings.append(Finding(.note, .poorProbable,
                    "“\(name.key)”没有身份证号，按姓名和村与建档立卡名单中唯一一人对上\(settings.acceptProbable ? "，已计入" : "，未计入（可在配置中改为计入）")",
                    at: attendance.records[person.records[0]].provenance, remedy: settings.acceptProbable ? nil : .acceptProbable))
            } else if candidates.isEmpty, !villages.isEmpty {
                unmatched.append((p, villages))
            }
        }
        findVariantNames(unmatched, attendance: attendance)
        let removedPeople = Set(removed)
        for (p, hit) in matches.sorted(by: { $0.key < $1.key }) where removedPeople.contains(hit.registry) {
            findings.append(Finding(.error, .auditInactiveAttendee,
                "“\(people[hit.registry].name?.key ?? "")”在建档立卡名单中的状态为“\(people[hit.registry].status ?? "")”，却有培训签到记录，请核实（弄虚作假一票否决）",
                at: attendance.records[attendance.persons[p].records[0]].provenance))
        }
        for (p, hit) in matches.sorted(by: { $0.key < $1.key }) where hit.match == .confirmed || settings.acceptProbable {
            if inLabor.contains(hit.registry) { trainedLabor.append(p) } else { trainedOther.append(p) }
        }
    }

    /// DOMAIN cases 21 and 22: 劉德華 on a sheet and 刘德华 in the same village of the registry
    /// differ only by a traditional or variant character. Never a match: a warning to look at.
    private mutating func findVariantNames(_ unmatched: [(person: Int, villages: Set<String>)], attendance: Attendance) {
        var wanted: [String: [Int]] = [:]
        for (p, villages) in unmatched {
            guard let name = attendance.persons[p].name else { continue }
            for village in villages { wanted[name.variantKey + "|" + village, default: []].append(p) }
        }
        guard !wanted.isEmpty else { return }
        var registryByKey: [String: [Int]] = [:]
        for (i, person) in people.enumerated() {
            guard let name = person.name, let village = person.village else { continue }
            let key = name.variantKey + "|" + village.core
            if wanted[key] != nil { registryByKey[key, default: []].append(i) }
        }
        for (p, villages) in unmatched {
            guard let name = attendance.persons[p].name else { continue }
            let hits = Set(villages.flatMap { registryByKey[name.variantKey + "|" + $0] ?? [] })
            guard hits.count == 1, let hit = hits.first, let written = people[hit].name?.key else { continue }
            findings.append(Finding(.warning, .poorVariantName,
                "“\(name.key)”没有身份证号，与建档立卡名单中同村的“\(written)”只差繁简或异体字，未自动匹配；请核实是否同一人，是则在签到表中补填身份证号",
                at: attendance.records[attendance.persons[p].records[0]].provenance))
        }
    }
}
