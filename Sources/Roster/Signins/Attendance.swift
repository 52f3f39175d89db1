/// People and person-times from all sign-in records, by an ordered cascade of linking rules
/// (DOMAIN §3), each link carrying its rule and a reason in Chinese:
///
/// - R1: equal usable identity numbers are the same person;
/// - N1: two different usable identity numbers are never the same person;
/// - R2: equal name and mobile phone are the same person, unless N1 forbids it;
/// - R3: equal name and village with neither ID nor phone, and R4: a precision-lost ID whose
///   first 15 digits and name match a person, and R5: one mobile number under names that differ
///   only by a traditional or variant character — all go to a review list, merged only when a
///   person decides they are the same (`decisions`).
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
        /// Stable across evaluations: made from what linked the records (rule, name, village or
        /// surviving ID digits), not from their positions, so a decision outlives new files.
        public var key: String
        public var rule: String
        /// Chinese, with masked numbers.
        public var reason: String
        public var records: [Int]
        /// A person's decision on it, if any (`decisions.yaml`).
        public var decision: ReviewDecision?
    }

    public let sessions: [TrainingSession]
    public let records: [SigninRecord]
    public private(set) var persons: [Person] = []
    /// Person index of each record.
    public private(set) var personOf: [Int] = []
    /// Links no rule can settle: open ones, and those a person confirmed as the same person
    /// (merged). Links decided as different persons are in `separated` instead.
    public private(set) var reviews: [Review] = []
    /// Links a person decided are two different persons: kept apart, off the review list.
    public private(set) var separated: [Review] = []
    /// The decisions this attendance was linked with, by review key.
    public let decisions: [String: ReviewDecision]
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
    public init(imports: [SigninImport], decisions: [String: ReviewDecision] = [:]) {
        var sessions: [TrainingSession] = []
        var records: [SigninRecord] = []
        for part in imports {
            let offset = sessions.count
            sessions.append(contentsOf: part.sessions)
            records.append(contentsOf: part.records.map { var r = $0; r.session += offset; return r })
        }
        self.init(sessions: sessions, records: records, decisions: decisions)
    }

    /// - Parameter decisions: a person's same/different decisions on review links, by key.
    public init(sessions: [TrainingSession], records: [SigninRecord], decisions: [String: ReviewDecision] = [:]) {
        self.sessions = sessions
        self.records = records
        self.decisions = decisions
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
        // Links no rule settles; a person's "same" decision joins their records before people
        // are counted, "different" keeps them apart and takes the link off the list.
        var confirmed = Set<Int>()
        for var review in findReviews(&sets, namesByPhone: byPhone) {
            review.decision = decisions[review.key]
            switch review.decision {
            case .same?:
                for i in review.records.dropFirst() where sets.union(review.records[0], i) { confirmed.insert(i) }
                reviews.append(review)
            case .different?:
                separated.append(review)
            case nil:
                reviews.append(review)
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
            if joinedBy[i] != 0 || confirmed.contains(i) {
                let why = joinedBy[i] == 1 ? "R1：身份证号相同" : joinedBy[i] == 2 ? "R2：姓名与手机号相同" : Attendance.confirmedLink
                if !persons[p].links.contains(why) { persons[p].links.append(why) }
            }
        }
        checkConflicts(namesByPhone: byPhone)
    }

    /// The link a person confirmed on the review list.
    public static let confirmedLink = "人工确认：经核查为同一人"

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

    /// Review links among the sets R1 and R2 left: R3 and R4.
    /// - Parameter namesByPhone: per mobile number, the first record of each distinct name.
    private func findReviews(_ sets: inout LinkSets, namesByPhone: [UInt64: [Int]]) -> [Review] {
        var reviews: [Review] = []
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
            let people = Set(group.map { sets.find($0) })
            guard people.count > 1 else { continue }
            let name = records[group[0]].name!.key
            let village = records[group[0]].village!
            reviews.append(Review(key: ReviewKey.make("R3", name, village), rule: "R3",
                                  reason: "“\(name)”（\(village)）在多张表出现，部分记录既无身份证号也无手机号，无法确定是否同一人",
                                  records: group))
        }
        // R5: one mobile number under names that differ only by a traditional or variant
        // character (劉德華 and 刘德华): R2 never joins them, a person may.
        // Only a number written under two or more distinct names can hold such a pair.
        var byPhoneVariant: [String: [Int]] = [:]
        for i in records.indices {
            guard let name = records[i].name, let phone = records[i].phone, phone.kind == .mobile,
                  let number = UInt64(phone.digits), (namesByPhone[number]?.count ?? 0) > 1 else { continue }
            byPhoneVariant[phone.digits + "|" + name.variantKey, default: []].append(i)
        }
        for group in byPhoneVariant.values.sorted(by: { $0[0] < $1[0] }) {
            var firstOfName: [String: Int] = [:]
            for i in group where firstOfName[records[i].name!.key] == nil { firstOfName[records[i].name!.key] = i }
            guard firstOfName.count > 1 else { continue }
            let chosen = firstOfName.values.sorted()
            guard Set(chosen.map { sets.find($0) }).count > 1 else { continue }
            let names = chosen.map { records[$0].name!.key }
            let phone = records[chosen[0]].phone!
            reviews.append(Review(key: ReviewKey.make("R5", phone.digits, records[chosen[0]].name!.variantKey), rule: "R5",
                                  reason: "“\(names.joined(separator: "”与“"))”只差繁简或异体字，且手机号相同（\(phone.masked)），可能是同一人",
                                  records: chosen))
        }
        // R4: a precision-lost ID whose surviving digits and name match a usable one.
        var lostByPrefix: [String: [Int]] = [:]
        for i in records.indices {
            if let id = records[i].id, id.status == .precisionLost, records[i].name != nil, let prefix = id.trustedPrefix {
                lostByPrefix[prefix, default: []].append(i)
            }
        }
        guard !lostByPrefix.isEmpty else { return reviews }
        var usableByPrefix: [String: [Int]] = [:]
        for i in records.indices {
            if let id = records[i].id, id.isUsable, let prefix = id.trustedPrefix, lostByPrefix[prefix] != nil {
                usableByPrefix[prefix, default: []].append(i)
            }
        }
        for (prefix, lost) in lostByPrefix.sorted(by: { $0.value[0] < $1.value[0] }) {
            for i in lost {
                guard let match = usableByPrefix[prefix]?.first(where: { records[$0].name?.key == records[i].name?.key }) else { continue }
                let name = records[i].name?.key ?? ""
                reviews.append(Review(key: ReviewKey.make("R4", prefix, name, records[match].id!.value, records[i].id?.value ?? ""), rule: "R4",
                                      reason: "身份证号后几位已丢失，但前 15 位和姓名与 \(records[match].id!.masked) 一致，可能是同一人",
                                      records: [i, match]))
            }
        }
        return reviews
    }
}

/// A person's decision on a review link.
public enum ReviewDecision: String, Sendable, Codable {
    /// 是同一人: the records are merged into one person.
    case same
    /// 不是同一人: kept apart, and the link leaves the review list.
    case different
}

/// Review keys: the rule and an FNV-1a hash of what linked the records, so keys do not show
/// names or ID digits and stay the same from one evaluation to the next.
public enum ReviewKey {
    public static func make(_ rule: String, _ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return rule.lowercased() + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether a text has the form of a key (for checking a decisions file or a URL).
    public static func isValid(_ key: String) -> Bool {
        let parts = key.split(separator: "-")
        return parts.count == 2 && parts[0].count == 2 && parts[0].allSatisfy { $0.isLetter || $0.isNumber }
            && parts[1].count == 16 && parts[1].allSatisfy(\.isHexDigit)
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
