/// People and person-times from all sign-in records, by an ordered cascade of linking rules
/// (DOMAIN §3), each link carrying its rule and a reason in Chinese:
///
/// - R1: equal usable identity numbers are the same person;
/// - N1: two different usable identity numbers are never the same person;
/// - R2: equal name and mobile phone are the same person, unless N1 forbids it;
/// - R3: equal name and village with neither ID nor phone, and R4: a precision-lost ID whose
///   first 15 digits and name match a person — both go to a review list, never merged.
public struct Attendance: Sendable {
    public struct Person: Sendable {
        /// Indices into the records, in input order.
        public var records: [Int]
        /// The person's usable identity number, if any record has one.
        public var id: IDNumber?
        public var name: PersonName?
        /// Sessions attended (indices into the sessions).
        public var sessions: Set<Int>
        /// Why the records were joined, e.g. "R2：姓名与手机号相同".
        public var links: [String]
    }

    public struct Review: Sendable, Hashable {
        public var rule: String
        /// Chinese, with masked numbers.
        public var reason: String
        public var records: [Int]
    }

    public let sessions: [TrainingSession]
    public let records: [SigninRecord]
    public private(set) var persons: [Person] = []
    /// Person index of each record.
    public private(set) var personOf: [Int] = []
    public private(set) var reviews: [Review] = []
    public private(set) var findings: [Finding] = []
    /// Records dropped as a person's repeat at the same session.
    public private(set) var duplicateSignins = 0

    /// Rows that name a person.
    public var signinRows: Int { records.count }
    /// Sign-ins after removing repeats within a session.
    public var personTimes: Int { records.count - duplicateSignins }

    /// Combines several imported sheets into one set of sessions and records.
    public init(imports: [SigninImport]) {
        var sessions: [TrainingSession] = []
        var records: [SigninRecord] = []
        for part in imports {
            let offset = sessions.count
            sessions.append(contentsOf: part.sessions)
            records.append(contentsOf: part.records.map { var r = $0; r.session += offset; return r })
        }
        self.init(sessions: sessions, records: records)
    }

    public init(sessions: [TrainingSession], records: [SigninRecord]) {
        self.sessions = sessions
        self.records = records
        link()
    }

    private mutating func link() {
        var sets = LinkSets(count: records.count)
        var reasons: [Int: [String]] = [:]
        for (i, record) in records.enumerated() where record.id?.isUsable == true {
            sets.claim(i, id: record.id!.value)
        }
        // R1
        var byID: [String: Int] = [:]
        for (i, record) in records.enumerated() {
            guard let id = record.id, id.isUsable else { continue }
            if let first = byID[id.value] {
                if sets.union(first, i) { reasons[i, default: []].append("R1：身份证号相同") }
            } else {
                byID[id.value] = i
            }
        }
        // R2, refused by N1
        // Byte keys: hashing and comparing CJK Strings costs Unicode normalisation each time.
        var byNamePhone: [[UInt8]: Int] = [:]
        for (i, record) in records.enumerated() {
            guard let name = record.name, let phone = record.phone, phone.kind == .mobile else { continue }
            let key = Array(name.key.utf8) + [0] + Array(phone.digits.utf8)
            guard let first = byNamePhone[key] else { byNamePhone[key] = i; continue }
            if sets.union(first, i) {
                reasons[i, default: []].append("R2：姓名与手机号相同")
            } else if sets.find(first) != sets.find(i) {
                findings.append(Finding(.warning, "link.n1_conflict",
                    "“\(name.key)”与\(records[first].provenance)同名同手机号（\(phone.masked)），但身份证号不同，按两人计；请核实是否填错",
                    at: record.provenance))
            }
        }
        // People, in order of first appearance.
        var personOfRoot: [Int: Int] = [:]
        personOf = [Int](repeating: 0, count: records.count)
        for (i, record) in records.enumerated() {
            let root = sets.find(i)
            let p: Int
            if let known = personOfRoot[root] {
                p = known
            } else {
                p = persons.count
                personOfRoot[root] = p
                persons.append(Person(records: [], id: nil, name: nil, sessions: [], links: []))
            }
            personOf[i] = p
            persons[p].records.append(i)
            if persons[p].id == nil, let id = record.id, id.isUsable { persons[p].id = id }
            if persons[p].name == nil { persons[p].name = record.name }
            if !persons[p].sessions.insert(record.session).inserted { duplicateSignins += 1 }
            persons[p].links.append(contentsOf: reasons[i] ?? [])
        }
        checkConflicts()
        findReviews()
    }

    /// One ID written with two names; one phone shared by three or more names.
    private mutating func checkConflicts() {
        for person in persons where person.id != nil {
            let names = Set(person.records.compactMap { records[$0].name?.key })
            if names.count > 1 {
                findings.append(Finding(.warning, "link.id_two_names",
                    "身份证号 \(person.id!.masked) 对应了不同姓名（\(names.sorted().joined(separator: "、"))），请核实",
                    at: records[person.records[0]].provenance))
            }
        }
        var namesByPhone: [String: Set<String>] = [:]
        var firstByPhone: [String: Int] = [:]
        for (i, record) in records.enumerated() {
            guard let phone = record.phone, phone.kind == .mobile, let name = record.name else { continue }
            namesByPhone[phone.digits, default: []].insert(name.key)
            if firstByPhone[phone.digits] == nil { firstByPhone[phone.digits] = i }
        }
        for (digits, names) in namesByPhone.sorted(by: { $0.key < $1.key }) where names.count >= 3 {
            findings.append(Finding(.warning, "link.phone_many_names",
                "手机号 \(Phone(digits).masked) 被 \(names.count) 个不同姓名使用，可能是代签或代填，请核实",
                at: records[firstByPhone[digits]!].provenance))
        }
    }

    private mutating func findReviews() {
        // R3: name + village, no ID and no phone.
        var byNameVillage: [[UInt8]: [Int]] = [:]
        for (i, record) in records.enumerated() {
            guard let name = record.name, let village = record.village else { continue }
            byNameVillage[Array(name.key.utf8) + [0] + Array(village.utf8), default: []].append(i)
        }
        for group in byNameVillage.values.sorted(by: { $0[0] < $1[0] }) {
            let people = Set(group.map { personOf[$0] })
            guard people.count > 1 else { continue }
            let bare = group.filter { records[$0].id?.isUsable != true && records[$0].phone == nil }
            guard !bare.isEmpty else { continue }
            let name = records[group[0]].name!.key
            reviews.append(Review(rule: "R3", reason: "“\(name)”（\(records[group[0]].village!)）在多张表出现，部分记录既无身份证号也无手机号，无法确定是否同一人",
                                  records: group))
        }
        // R4: a precision-lost ID whose surviving digits and name match a usable one.
        var usableByPrefix: [String: [Int]] = [:]
        for (i, record) in records.enumerated() {
            if let id = record.id, id.isUsable, let prefix = id.trustedPrefix { usableByPrefix[prefix, default: []].append(i) }
        }
        for (i, record) in records.enumerated() {
            guard let id = record.id, id.status == .precisionLost, let prefix = id.trustedPrefix,
                  let candidates = usableByPrefix[prefix] else { continue }
            let sameName = candidates.filter { records[$0].name?.key == record.name?.key && record.name != nil }
            guard let match = sameName.first else { continue }
            reviews.append(Review(rule: "R4", reason: "身份证号后几位已丢失，但前 15 位和姓名与 \(records[match].id!.masked) 一致，可能是同一人",
                                  records: [i, match]))
        }
    }
}

/// Union-find over records, where a set may hold at most one identity number (rule N1).
struct LinkSets {
    private var parent: [Int]
    private var id: [String?]

    init(count: Int) {
        parent = Array(0..<count)
        id = [String?](repeating: nil, count: count)
    }

    mutating func claim(_ i: Int, id value: String) { id[find(i)] = value }

    mutating func find(_ i: Int) -> Int {
        var root = i
        while parent[root] != root { root = parent[root] }
        var node = i
        while parent[node] != root { (parent[node], node) = (root, parent[node]) }
        return root
    }

    /// Joins two sets unless each holds a different identity number; true when joined now.
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        let (ra, rb) = (find(a), find(b))
        guard ra != rb else { return false }
        if let x = id[ra], let y = id[rb], x != y { return false }
        parent[rb] = ra
        id[ra] = id[ra] ?? id[rb]
        return true
    }
}
