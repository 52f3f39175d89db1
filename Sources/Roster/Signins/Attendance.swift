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
        /// The rules that joined the records, each once, e.g. "R2：姓名与手机号相同".
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
    /// Person-times of each session (repeats within it removed), by session index.
    public private(set) var personTimesBySession: [Int] = []

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
        // The rule that joined each record to an earlier one: 0 none, 1 R1, 2 R2.
        var joinedBy = [UInt8](repeating: 0, count: records.count)
        // R1
        var byID: [String: Int] = [:]
        for i in records.indices {
            guard let id = records[i].id, id.isUsable else { continue }
            sets.claim(i, id: id.value)
            if let first = byID[id.value] {
                if sets.union(first, i) { joinedBy[i] = 1 }
            } else {
                byID[id.value] = i
            }
        }
        // R2, refused by N1. Records by mobile number, keeping the first record of each distinct
        // name: names are compared as bytes (String equality on CJK text normalises on every
        // call), and the same buckets serve the shared-phone check.
        var byPhone: [UInt64: [Int]] = [:]
        for i in records.indices {
            guard let name = records[i].name, let phone = records[i].phone, phone.kind == .mobile,
                  let number = UInt64(phone.digits) else { continue }
            let bytes = name.key.utf8
            guard let first = byPhone[number]?.first(where: { records[$0].name!.key.utf8.elementsEqual(bytes) }) else {
                byPhone[number, default: []].append(i)
                continue
            }
            if sets.union(first, i) {
                joinedBy[i] = 2
            } else if sets.find(first) != sets.find(i) {
                findings.append(Finding(.warning, .linkN1Conflict,
                    "“\(name.key)”与\(records[first].provenance)同名同手机号（\(phone.masked)），但身份证号不同，按两人计；请核实是否填错",
                    at: records[i].provenance))
            }
        }
        // People, in order of first appearance.
        var personOfRoot = [Int](repeating: -1, count: records.count)
        personOf = [Int](repeating: 0, count: records.count)
        // (person, session) pairs already counted: one person-time each.
        var attended = Set<Int>(minimumCapacity: records.count)
        personTimesBySession = [Int](repeating: 0, count: sessions.count)
        for i in records.indices {
            let root = sets.find(i)
            var p = personOfRoot[root]
            if p < 0 {
                p = persons.count
                personOfRoot[root] = p
                persons.append(Person(records: [], id: nil, name: nil, sessions: [], links: []))
            }
            personOf[i] = p
            persons[p].records.append(i)
            if persons[p].id == nil, let id = records[i].id, id.isUsable { persons[p].id = id }
            if persons[p].name == nil { persons[p].name = records[i].name }
            let session = records[i].session
            if attended.insert(p &* sessions.count &+ session).inserted {
                persons[p].sessions.insert(session)
                personTimesBySession[session] += 1
            } else {
                duplicateSignins += 1
            }
            if joinedBy[i] != 0 {
                let why = joinedBy[i] == 1 ? "R1：身份证号相同" : "R2：姓名与手机号相同"
                if !persons[p].links.contains(why) { persons[p].links.append(why) }
            }
        }
        checkConflicts(namesByPhone: byPhone)
        findReviews()
    }

    /// One ID written with two names; one phone shared by three or more names.
    /// - Parameter namesByPhone: per mobile number, the first record of each distinct name.
    private mutating func checkConflicts(namesByPhone: [UInt64: [Int]]) {
        for person in persons where person.id != nil && person.records.count > 1 {
            guard let named = person.records.first(where: { records[$0].name != nil }),
                  let first = records[named].name?.key.utf8,
                  person.records.contains(where: { records[$0].name.map { !$0.key.utf8.elementsEqual(first) } ?? false })
            else { continue }
            let names = Set(person.records.compactMap { records[$0].name?.key })
            if names.count > 1 {
                findings.append(Finding(.warning, .linkIdTwoNames,
                    "身份证号 \(person.id!.masked) 对应了不同姓名（\(names.sorted().joined(separator: "、"))），请核实",
                    at: records[person.records[0]].provenance))
            }
        }
        for (_, firsts) in namesByPhone.filter({ $0.value.count >= 3 }).sorted(by: { $0.key < $1.key }) {
            let phone = records[firsts[0]].phone!
            findings.append(Finding(.warning, .linkPhoneManyNames,
                "手机号 \(phone.masked) 被 \(firsts.count) 个不同姓名使用，可能是代签或代填，请核实",
                at: records[firsts[0]].provenance))
        }
    }

    private mutating func findReviews() {
        // R3: name + village, where some record has neither a usable ID nor a phone. Keys of
        // such bare records first, so only their groups are built.
        func nameVillage(_ i: Int) -> [UInt8]? {
            guard let name = records[i].name, let village = records[i].village else { return nil }
            return Array(name.key.utf8) + [0] + Array(village.utf8)
        }
        var bareKeys = Set<[UInt8]>()
        for i in records.indices where records[i].id?.isUsable != true && records[i].phone == nil {
            if let key = nameVillage(i) { bareKeys.insert(key) }
        }
        var byNameVillage: [[UInt8]: [Int]] = [:]
        if !bareKeys.isEmpty {
            for i in records.indices {
                if let key = nameVillage(i), bareKeys.contains(key) { byNameVillage[key, default: []].append(i) }
            }
        }
        for group in byNameVillage.values.sorted(by: { $0[0] < $1[0] }) {
            let people = Set(group.map { personOf[$0] })
            guard people.count > 1 else { continue }
            let name = records[group[0]].name!.key
            reviews.append(Review(rule: "R3", reason: "“\(name)”（\(records[group[0]].village!)）在多张表出现，部分记录既无身份证号也无手机号，无法确定是否同一人",
                                  records: group))
        }
        // R4: a precision-lost ID whose surviving digits and name match a usable one.
        var lostByPrefix: [String: [Int]] = [:]
        for i in records.indices {
            if let id = records[i].id, id.status == .precisionLost, records[i].name != nil, let prefix = id.trustedPrefix {
                lostByPrefix[prefix, default: []].append(i)
            }
        }
        guard !lostByPrefix.isEmpty else { return }
        var usableByPrefix: [String: [Int]] = [:]
        for i in records.indices {
            if let id = records[i].id, id.isUsable, let prefix = id.trustedPrefix, lostByPrefix[prefix] != nil {
                usableByPrefix[prefix, default: []].append(i)
            }
        }
        for (prefix, lost) in lostByPrefix.sorted(by: { $0.value[0] < $1.value[0] }) {
            for i in lost {
                guard let match = usableByPrefix[prefix]?.first(where: { records[$0].name?.key == records[i].name?.key }) else { continue }
                reviews.append(Review(rule: "R4", reason: "身份证号后几位已丢失，但前 15 位和姓名与 \(records[match].id!.masked) 一致，可能是同一人",
                                      records: [i, match]))
            }
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
