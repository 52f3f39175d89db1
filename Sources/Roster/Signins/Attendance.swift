import Dispatch

/// People and person-times from all sign-in records, by an ordered cascade of linking rules
/// (DOMAIN §3), each link carrying its rule and a reason in Chinese:
///
/// - R1: equal usable identity numbers are the same person;
/// - N1: two different usable identity numbers are never the same person;
/// - R2: equal name and mobile phone are the same person, unless N1 forbids it;
/// - R3: equal name and village with neither ID nor phone, and R4: a precision-lost ID whose
///   first 15 digits and name match a person, and R5: one mobile number under names that differ
///   only by a traditional or variant character — all go to a review list, merged only when a
///   person decides they are the same (`decisions`);
/// - R6: one usable ID written with two or more names. R1 joins the rows (the default, as
///   before); the item asks whether they are one person. 是同一人 keeps them one and settles
///   the `link.id_two_names` finding. 不是同一人 gives the ID to one name (`idOwner`) and takes
///   it from the rows of the other names: they link only by the other rules (R2 name + phone,
///   R3 name + village for review) or stand alone, the registry tagging cannot reach them
///   through that ID, and each such row gets a finding asking for the ID to be corrected;
/// - R7: one mobile number under three or more names (a family's, a village cadre's or a
///   proxy's phone). R2 never links different names, so by default they stay apart. 不是同一人
///   acknowledges the shared phone (the `link.phone_many_names` finding is settled, nothing is
///   merged); 是同一人 says one person signed in under all these names: their records become one
///   person, except where two usable IDs differ (N1 still holds; a finding says so).
///   The key includes every name, so a new name on the phone reopens the item.
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
        /// R6: the name that keeps the ID when the rows are not one person (name key).
        public var idOwner: String?
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
    /// Records whose usable ID a person decided belongs to another name (R6 不是同一人): the ID
    /// is not used to link them, to tag them as registered poor, or to audit them.
    public private(set) var wrongID: Set<Int> = []
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
    public init(imports: [SigninImport], decisions: [String: ReviewDecision] = [:], registry: [RegistryPerson] = []) {
        var sessions: [TrainingSession] = []
        var records: [SigninRecord] = []
        for part in imports {
            let offset = sessions.count
            sessions.append(contentsOf: part.sessions)
            records.append(contentsOf: part.records.map { var r = $0; r.session += offset; return r })
        }
        self.init(sessions: sessions, records: records, decisions: decisions, registry: registry)
    }

    /// - Parameters:
    ///   - decisions: a person's same/different decisions on review links, by key.
    ///   - registry: the registered-poor persons, read only to say which name owns an ID written
    ///     with several names (R6).
    public init(sessions: [TrainingSession], records: [SigninRecord], decisions: [String: ReviewDecision] = [:],
                registry: [RegistryPerson] = []) {
        self.sessions = sessions
        self.records = records
        self.decisions = decisions
        link(registry: registry)
    }

    /// Whether a record's ID links it: usable, and not given to another name by a decision.
    public func linksByID(_ i: Int) -> Bool { records[i].id?.isUsable == true && (wrongID.isEmpty || !wrongID.contains(i)) }

    /// R6: usable IDs written with two or more names, one review each; a 不是同一人 decision
    /// fills `wrongID` with the rows of the names that do not own the ID.
    ///
    /// The owner is the name the poor registry holds the ID under, when it is one of the names
    /// written (the registry is the official record, and tagging by that ID must credit that
    /// person); otherwise the name on most rows; on a tie, the name of the earliest row.
    private mutating func idTwoNames(_ ids: Set<UInt64>, idKeys: [UInt64], registry: [RegistryPerson]) -> [Review] {
        var conflicting: [UInt64: [Int]] = [:]
        for i in records.indices where idKeys[i] != 0 && ids.contains(idKeys[i]) && records[i].name != nil {
            conflicting[idKeys[i], default: []].append(i)
        }
        var registryName: [UInt64: String] = [:]
        for person in registry {
            guard let id = person.id, id.isUsable else { continue }
            let key = LinkKeys.packed(id.value)
            guard key != 0, conflicting[key] != nil, registryName[key] == nil, let name = person.name else { continue }
            registryName[key] = name.key
        }
        var reviews: [Review] = []
        for (key, rows) in conflicting.sorted(by: { $0.value[0] < $1.value[0] }) {
            // Names in order of first appearance, with their rows.
            var order: [String] = []
            var rowsOf: [String: [Int]] = [:]
            for i in rows {
                let name = records[i].name!.key
                if rowsOf[name] == nil { order.append(name) }
                rowsOf[name, default: []].append(i)
            }
            let owner: String
            if let listed = registryName[key], rowsOf[listed] != nil {
                owner = listed
            } else {
                owner = order.max { rowsOf[$0]!.count < rowsOf[$1]!.count || (rowsOf[$0]!.count == rowsOf[$1]!.count && rowsOf[$0]![0] > rowsOf[$1]![0]) }!
            }
            let id = records[rows[0]].id!
            let most = order.allSatisfy { $0 == owner || rowsOf[$0]!.count < rowsOf[owner]!.count }
            let why = registryName[key] == owner ? "建档立卡名单中此号的姓名" : (most ? "写得最多" : "最先出现")
            let counts = order.map { "“\($0)”\(rowsOf[$0]!.count) 行" }.joined(separator: "、")
            let others = order.filter { $0 != owner }.map { "“\($0)”" }.joined(separator: "、")
            var review = Review(key: ReviewKey.make("R6", id.value, order.sorted().joined(separator: "|")), rule: "R6",
                                reason: "身份证号 \(id.masked) 写了 \(order.count) 个姓名（\(counts)），按此号算作一人；"
                                    + "如不是同一人，此号归“\(owner)”（\(why)），\(others)的记录不再按此号比对",
                                records: order.map { rowsOf[$0]![0] })
            review.idOwner = owner
            review.decision = decisions[review.key]
            if review.decision == .different {
                for name in order where name != owner { wrongID.formUnion(rowsOf[name]!) }
                for i in rows where records[i].name!.key != owner {
                    findings.append(Finding(.warning, .linkIdTwoNames,
                        "经人工核查，身份证号 \(id.masked) 属于“\(owner)”，此行的“\(records[i].name!.key)”不是此人，证件号填错了；"
                            + "已不按此号比对，请在源表中改正此行的身份证号",
                        at: records[i].provenance))
                }
            }
            reviews.append(review)
        }
        return reviews
    }

    private mutating func link(registry: [RegistryPerson]) {
        var keys = LinkKeys(records)
        func sameName(_ a: Int, _ b: Int) -> Bool { keys.sameName(a, b, in: records) }
        var sets = LinkSets(count: records.count)
        // The rule that joined each record to an earlier one: 0 none, 1 R1, 2 R2.
        var joinedBy = [UInt8](repeating: 0, count: records.count)
        // R1, noting IDs written with another name than their first record's (R6). An ID whose
        // first record has no name is compared from its first named record (rare).
        var byID: [UInt64: Int] = [:]
        var namedFirst: [UInt64: Int] = [:]
        var twoNames = Set<UInt64>()
        for i in records.indices where keys.id[i] != 0 {
            let key = keys.id[i]
            sets.claim(i, id: key)
            if let first = byID[key] {
                if sets.union(first, i) { joinedBy[i] = 1 }
                guard keys.hasName(i) else { continue }
                if keys.hasName(first) {
                    if !sameName(first, i) { twoNames.insert(key) }
                } else if let other = namedFirst[key] {
                    if !sameName(other, i) { twoNames.insert(key) }
                } else {
                    namedFirst[key] = i
                }
            } else {
                byID[key] = i
            }
        }
        let idReviews = twoNames.isEmpty ? [] : idTwoNames(twoNames, idKeys: keys.id, registry: registry)
        // A 不是同一人 decision took an ID from some rows: R1 again without them (rare).
        if !wrongID.isEmpty {
            for i in wrongID { keys.id[i] = 0 }
            sets = LinkSets(count: records.count)
            joinedBy = [UInt8](repeating: 0, count: records.count)
            byID.removeAll()
            for i in records.indices where keys.id[i] != 0 {
                sets.claim(i, id: keys.id[i])
                if let first = byID[keys.id[i]] {
                    if sets.union(first, i) { joinedBy[i] = 1 }
                } else {
                    byID[keys.id[i]] = i
                }
            }
        }
        // R2, refused by N1. Per mobile number, the first record of each distinct name, chained
        // in order of appearance (most numbers have one name, and need no array of their own);
        // the same chains serve the shared-phone checks.
        var firstOnPhone: [UInt64: Int] = [:]
        var nextName = [Int](repeating: -1, count: records.count)
        var shared: [UInt64] = []
        for i in records.indices where keys.mobile[i] != 0 && keys.hasName(i) {
            let number = keys.mobile[i]
            guard let head = firstOnPhone[number] else {
                firstOnPhone[number] = i
                continue
            }
            var first = head
            while !sameName(first, i) && nextName[first] >= 0 { first = nextName[first] }
            guard sameName(first, i) else {
                if first == head { shared.append(number) }
                nextName[first] = i
                continue
            }
            if sets.union(first, i) {
                joinedBy[i] = 2
            } else if sets.find(first) != sets.find(i) {
                let phone = records[i].phone!
                findings.append(Finding(.warning, .linkN1Conflict,
                    "“\(records[i].name!.key)”与\(records[first].provenance)同名同手机号（\(phone.masked)），但身份证号不同，按两人计；请核实是否填错",
                    at: records[i].provenance))
            }
        }
        // Numbers written under two or more names, with the first record of each name.
        var byPhone: [UInt64: [Int]] = [:]
        for number in shared {
            var names = [firstOnPhone[number]!]
            while nextName[names.last!] >= 0 { names.append(nextName[names.last!]) }
            byPhone[number] = names
        }
        // Links no rule settles; a person's "same" decision joins their records before people
        // are counted, "different" keeps them apart and takes the link off the list.
        var confirmed = Set<Int>()
        for var review in findReviews(&sets, namesByPhone: byPhone, keys: keys) + idReviews + sharedPhones(byPhone) {
            review.decision = decisions[review.key]
            switch review.decision {
            case .same?:
                for i in review.records.dropFirst() where sets.union(review.records[0], i) { confirmed.insert(i) }
                // R6: R1 joined them already; the link is now a person's.
                if review.rule == "R6" { confirmed.formUnion(review.records.dropFirst()) }
                if review.rule == "R7" { refusedByN1(review, &sets) }
                reviews.append(review)
            case .different?:
                separated.append(review)
            case nil:
                reviews.append(review)
            }
        }
        // An open link whose records another decision joined (an R5 pair inside an R7 group
        // decided 是同一人) has nothing left to decide. R6 items are joined by R1 while open.
        if !confirmed.isEmpty {
            reviews.removeAll { review in
                review.decision == nil && review.rule != "R6" && review.records.allSatisfy { sets.find($0) == sets.find(review.records[0]) }
            }
        }
        // People, in order of first appearance; then each person's records, grouped by a
        // counting pass, so each person is built once rather than grown record by record.
        var personOfRoot = [Int](repeating: -1, count: records.count)
        personOf = [Int](repeating: 0, count: records.count)
        var count = 0
        for i in records.indices {
            let root = sets.find(i)
            if personOfRoot[root] < 0 {
                personOfRoot[root] = count
                count += 1
            }
            personOf[i] = personOfRoot[root]
        }
        var start = [Int](repeating: 0, count: count + 1)
        for p in personOf { start[p + 1] += 1 }
        for p in 0..<count { start[p + 1] += start[p] }
        var members = [Int](repeating: 0, count: records.count)
        var next = start
        for i in records.indices {
            members[next[personOf[i]]] = i
            next[personOf[i]] += 1
        }
        // Two halves of the people, one core each (the records split about evenly).
        let (half, total) = (start.firstIndex { $0 >= records.count / 2 } ?? count, count)
        let built = ResultSlots<PeoplePart>(count: 2)
        let (recordList, rowKeys, sessionCount) = (records, keys, sessions.count)
        let (memberList, starts, joined, confirmedRows) = (members, start, joinedBy, confirmed)
        DispatchQueue.concurrentPerform(iterations: 2) { h in
            let part = Attendance.people(h == 0 ? 0..<half : half..<total, members: memberList, start: starts, records: recordList,
                                         keys: rowKeys, joinedBy: joined, confirmed: confirmedRows, sessions: sessionCount)
            _ = built.store(part, at: h)
        }
        let (first, second) = (built.values[0], built.values[1])
        persons = first.persons + second.persons
        personTimesBySession = zip(first.personTimes, second.personTimes).map { $0 + $1 }
        duplicateSignins = first.duplicates + second.duplicates
        checkConflicts(namesByPhone: byPhone, keys: keys)
    }

    struct PeoplePart {
        var persons: [Person] = []
        /// Person-times by session, of these persons.
        var personTimes: [Int]
        var duplicates = 0
    }

    /// Persons `range`, whose records are `members[start[p]..<start[p + 1]]`.
    /// A person's records lie anywhere in the (large) record list: what is needed of each
    /// is read from the small per-record keys, the records themselves once per person.
    private static func people(_ range: Range<Int>, members: [Int], start: [Int], records: [SigninRecord], keys: LinkKeys,
                               joinedBy: [UInt8], confirmed: Set<Int>, sessions: Int) -> PeoplePart {
        var part = PeoplePart(personTimes: [Int](repeating: 0, count: sessions))
        part.persons.reserveCapacity(range.count)
        // The person each session was last counted for: one person-time per person and session.
        var countedFor = [Int](repeating: -1, count: sessions)
        for p in range {
            let rows = Array(members[start[p]..<start[p + 1]])
            // Sized once: a set grown insert by insert is rehashed at every doubling.
            var person = Person(records: rows, id: nil, name: nil, sessions: Set(minimumCapacity: rows.count), links: [])
            for i in rows {
                if person.id == nil, keys.id[i] != 0 { person.id = records[i].id }
                if person.name == nil, keys.hasName(i) { person.name = records[i].name }
                let session = keys.session[i]
                if countedFor[session] != p {
                    countedFor[session] = p
                    person.sessions.insert(session)
                    part.personTimes[session] += 1
                } else {
                    part.duplicates += 1
                }
                if joinedBy[i] != 0 {
                    let why = joinedBy[i] == 1 ? "R1：身份证号相同" : "R2：姓名与手机号相同"
                    if !person.links.contains(why) { person.links.append(why) }
                }
                if !confirmed.isEmpty, confirmed.contains(i), !person.links.contains(Attendance.confirmedLink) { person.links.append(Attendance.confirmedLink) }
            }
            part.persons.append(person)
        }
        return part
    }

    /// R7: mobile numbers under three or more names, one review each; its records are the first
    /// record of each name (R2 has joined the rest of each name to it).
    private func sharedPhones(_ namesByPhone: [UInt64: [Int]]) -> [Review] {
        namesByPhone.filter { $0.value.count >= 3 }.sorted { $0.key < $1.key }.map { _, firsts in
            let phone = records[firsts[0]].phone!
            let names = firsts.map { records[$0].name!.key }
            return Review(key: ReviewKey.make("R7", phone.digits, names.sorted().joined(separator: "|")), rule: "R7",
                          reason: "手机号 \(phone.masked) 被 \(names.count) 个不同姓名使用（\(names.map { "“\($0)”" }.joined(separator: "、"))），"
                              + "按不同的人计；可能是家人、村干部代填或代签",
                          records: firsts)
        }
    }

    /// After 是同一人 on a shared phone: names whose usable IDs differ stay apart (N1), said once.
    private mutating func refusedByN1(_ review: Review, _ sets: inout LinkSets) {
        let apart = review.records.filter { sets.find($0) != sets.find(review.records[0]) }
        guard !apart.isEmpty else { return }
        let phone = records[review.records[0]].phone!
        findings.append(Finding(.warning, .linkN1Conflict,
            "手机号 \(phone.masked) 的 \(review.records.count) 个姓名经人工确认为同一人，但“\(apart.map { records[$0].name!.key }.joined(separator: "”“"))”"
                + "与其余姓名的身份证号不同，仍按不同的人计；请核实",
            at: records[apart[0]].provenance))
    }

    /// The link a person confirmed on the review list.
    public static let confirmedLink = "人工确认：经核查为同一人"

    /// One ID written with two names; one phone shared by three or more names. Those a person
    /// decided (R6, R7) are settled: the review list and the workbook say what was decided.
    /// - Parameter namesByPhone: per mobile number, the first record of each distinct name.
    private mutating func checkConflicts(namesByPhone: [UInt64: [Int]], keys: LinkKeys) {
        func decided(_ rule: String) -> Set<Int> {
            Set((reviews + separated).filter { $0.decision != nil && $0.rule == rule }.map(\.records[0]))
        }
        let (decidedIDs, decidedPhones) = (decided("R6"), decided("R7"))
        for p in persons.indices where persons[p].records.count > 1 && persons[p].id != nil {
            let rows = persons[p].records
            guard let named = rows.first(where: keys.hasName),
                  rows.contains(where: { keys.hasName($0) && !keys.sameName($0, named, in: records) })
            else { continue }
            // Only the names written with the ID itself: a merge a person confirmed (R5, R7)
            // may join other names to the ID's person.
            let withID = rows.filter { keys.hasName($0) && keys.id[$0] != 0 }
            guard let firstWithID = withID.first, !decidedIDs.contains(firstWithID) else { continue }
            let names = Set(withID.compactMap { records[$0].name?.key })
            if names.count > 1 {
                findings.append(Finding(.warning, .linkIdTwoNames,
                    "身份证号 \(persons[p].id!.masked) 对应了不同姓名（\(names.sorted().joined(separator: "、"))），请核实；是否同一人请在「待核查」中判断",
                    at: records[rows[0]].provenance))
            }
        }
        for (_, firsts) in namesByPhone.filter({ $0.value.count >= 3 }).sorted(by: { $0.key < $1.key }) where !decidedPhones.contains(firsts[0]) {
            let phone = records[firsts[0]].phone!
            findings.append(Finding(.warning, .linkPhoneManyNames,
                "手机号 \(phone.masked) 被 \(firsts.count) 个不同姓名使用，可能是代签或代填，请核实；是否同一人请在「待核查」中判断",
                at: records[firsts[0]].provenance))
        }
    }

    /// Review links among the sets R1 and R2 left: R3 and R4.
    /// - Parameter namesByPhone: per mobile number, the first record of each distinct name.
    private func findReviews(_ sets: inout LinkSets, namesByPhone: [UInt64: [Int]], keys: LinkKeys) -> [Review] {
        var reviews: [Review] = []
        // R3: name + village, where some record has neither a usable ID nor a phone. Keys of
        // such bare records first, so only their groups are built.
        func nameVillage(_ i: Int) -> NameVillage? {
            guard let name = records[i].name, let village = records[i].village else { return nil }
            return NameVillage(name: name.key, village: village)
        }
        var bareKeys = Set<NameVillage>()
        var bareNames = Set<NameBytes>()
        for i in records.indices where keys.id[i] == 0 && records[i].phone == nil {
            if let key = nameVillage(i) {
                bareKeys.insert(key)
                bareNames.insert(keys.name[i])
            }
        }
        var byNameVillage: [NameVillage: [Int]] = [:]
        if !bareKeys.isEmpty {
            // The packed names pass over most records before any text is hashed.
            for i in records.indices where bareNames.contains(keys.name[i]) {
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
        for i in records.indices where keys.mobile[i] != 0 && namesByPhone[keys.mobile[i]] != nil {
            guard let name = records[i].name, let phone = records[i].phone else { continue }
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
        // The 15 surviving digits as a number; a packed usable ID holds them (see `LinkKeys.packed`).
        var lostByPrefix: [UInt64: [Int]] = [:]
        for i in keys.precisionLost {
            lostByPrefix[UInt64(records[i].id!.trustedPrefix!)!, default: []].append(i)
        }
        guard !lostByPrefix.isEmpty else { return reviews }
        var usableByPrefix: [UInt64: [Int]] = [:]
        for i in records.indices where keys.id[i] != 0 {
            let packed = keys.id[i] >> 63 == 0
            guard let prefix = packed ? (keys.id[i] - 1) / 1100 : records[i].id!.trustedPrefix.flatMap({ UInt64($0) }),
                  lostByPrefix[prefix] != nil else { continue }
            usableByPrefix[prefix, default: []].append(i)
        }
        for (number, lost) in lostByPrefix.sorted(by: { $0.value[0] < $1.value[0] }) {
            let prefix = records[lost[0]].id!.trustedPrefix!
            for i in lost {
                guard let match = usableByPrefix[number]?.first(where: { records[$0].name?.key == records[i].name?.key }) else { continue }
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
    /// The set's ID key (`LinkKeys.id`), 0 for none.
    private var id: [UInt64]

    init(count: Int) {
        parent = Array(0..<count)
        id = [UInt64](repeating: 0, count: count)
    }

    mutating func claim(_ i: Int, id value: UInt64) { id[find(i)] = value }

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
        if id[ra] != 0, id[rb] != 0, id[ra] != id[rb] { return false }
        parent[rb] = ra
        if id[ra] == 0 { id[ra] = id[rb] }
        return true
    }
}

/// Each record's usable ID, mobile number and name as numbers, so linking hashes and
/// compares integers rather than strings.
struct LinkKeys: Sendable {
    /// A number per distinct usable ID, 0 where the record has none (or, after an R6
    /// decision, where its ID is not used).
    var id: [UInt64]
    /// The mobile number, 0 where the record has none.
    var mobile: [UInt64]
    /// The name's bytes (`NameBytes`).
    var name: [NameBytes]
    /// The record's session.
    var session: [Int]
    /// Records with a name and an ID Excel cut to 15 significant digits (R4), in order.
    var precisionLost: [Int] = []

    init(_ records: [SigninRecord]) {
        id = [UInt64](repeating: 0, count: records.count)
        mobile = [UInt64](repeating: 0, count: records.count)
        name = [NameBytes](repeating: NameBytes(), count: records.count)
        session = records.map(\.session)
        // Usable IDs not of the 18-character form, numbered apart (none are expected).
        var others: [String: UInt64] = [:]
        for i in records.indices {
            if let value = records[i].id {
                if value.isUsable {
                    var key = LinkKeys.packed(value.value)
                    if key == 0 {
                        key = others[value.value] ?? 1 << 63 | UInt64(others.count)
                        others[value.value] = key
                    }
                    id[i] = key
                } else if value.status == .precisionLost, records[i].name != nil, value.trustedPrefix != nil {
                    precisionLost.append(i)
                }
            }
            if let phone = records[i].phone, phone.kind == .mobile, let number = UInt64(phone.digits) { mobile[i] = number }
            if let written = records[i].name { name[i] = NameBytes(written.key) }
        }
    }

    func hasName(_ i: Int) -> Bool { name[i].high != 0 }

    /// Whether two records carry byte-equal names (String equality on CJK text normalises on
    /// every call); false when either has none.
    func sameName(_ a: Int, _ b: Int, in records: [SigninRecord]) -> Bool {
        guard name[a] == name[b], hasName(a) else { return false }
        return !name[a].isLong || records[a].name!.key.utf8.elementsEqual(records[b].name!.key.utf8)
    }

    /// 17 digits and a check character (X as 10) as one number below 2^63, never 0; 0 when
    /// the text is not of that form.
    static func packed(_ value: String) -> UInt64 {
        var text = value
        return text.withUTF8 { bytes in
            guard bytes.count == 18 else { return 0 }
            var key: UInt64 = 0
            for byte in bytes.prefix(17) {
                guard byte &- 48 < 10 else { return 0 }
                key = key &* 10 &+ UInt64(byte &- 48)
            }
            let check = bytes[17]
            guard check &- 48 < 10 || check == UInt8(ascii: "X") else { return 0 }
            return key &* 11 &+ (check == UInt8(ascii: "X") ? 10 : UInt64(check &- 48)) &+ 1
        }
    }
}

/// A name's UTF-8 bytes packed in two words with their count in the top byte, when they fit
/// (15 bytes: five Han characters); a longer name keeps only its count and is compared as
/// text. All zero for no name.
struct NameBytes: Hashable, Sendable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    init() {}

    init(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard bytes.count <= 15 else {
                high = 0xFF << 56 | UInt64(bytes.count)
                return
            }
            for (j, byte) in bytes.enumerated() {
                if j < 8 { low |= UInt64(byte) << (8 * j) } else { high |= UInt64(byte) << (8 * (j - 8)) }
            }
            high |= UInt64(bytes.count) << 56
        }
    }

    var isLong: Bool { high >> 56 == 0xFF }
}

/// A name and village compared as bytes, as the rest of linking compares names.
struct NameVillage: Hashable {
    var name: String
    var village: String

    static func == (a: NameVillage, b: NameVillage) -> Bool {
        a.name.utf8.elementsEqual(b.name.utf8) && a.village.utf8.elementsEqual(b.village.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var (name, village) = (name, village)
        hasher.combine(name.utf8.count)
        name.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        village.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
