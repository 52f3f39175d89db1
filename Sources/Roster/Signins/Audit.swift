import SheetIO

/// Signals an evaluator would check, because falsified data vetoes the whole result:
/// one person at two places on one day, trainees younger than 16 or older than 80, an ID
/// whose sex disagrees with the 性别 column, and IDs issued outside the province.
public enum Audit {
    /// - Parameter province: the county's two-digit province code (44 for Guangdong); nil
    ///   to skip the region check.
    public static func run(_ attendance: Attendance, province: String? = nil) -> [Finding] {
        places(attendance) + records(attendance, checks: recordChecks(attendance.records, sessions: attendance.sessions, province: province))
    }

    /// Two places on one day, per person.
    static func places(_ attendance: Attendance) -> [Finding] {
        var findings: [Finding] = []
        let records = attendance.records
        let sessions = attendance.sessions
        // Each session's date and place as small numbers, so most persons (no day with two
        // places) are passed over without building anything.
        func number<Key: Hashable>(_ key: Key, in table: inout [Key: Int]) -> Int {
            if let known = table[key] { return known }
            table[key] = table.count
            return table.count - 1
        }
        var dayIDs: [LocalDateTime: Int] = [:], placeIDs: [String: Int] = [:]
        let dayOf = sessions.map { $0.date.map { number($0, in: &dayIDs) } ?? -1 }
        let placeOf = sessions.map { number($0.place ?? $0.source.description, in: &placeIDs) }
        // Read in record order: a person's records lie far apart in the record list.
        let sessionOf = records.map(\.session)
        // Per day, the person last seen on it and the place then.
        var seenBy = [Int](repeating: -1, count: dayIDs.count), seenPlace = [Int](repeating: 0, count: dayIDs.count)
        for p in attendance.persons.indices where attendance.persons[p].records.count > 1 {
            var twoPlaces = false
            for r in attendance.persons[p].records {
                let session = sessionOf[r]
                let day = dayOf[session]
                guard day >= 0 else { continue }
                if seenBy[day] != p {
                    (seenBy[day], seenPlace[day]) = (p, placeOf[session])
                } else if seenPlace[day] != placeOf[session] {
                    twoPlaces = true
                    break
                }
            }
            guard twoPlaces else { continue }
            let person = attendance.persons[p]
            var placesByDay: [LocalDateTime: [Int]] = [:]
            for r in person.records {
                guard let date = sessions[records[r].session].date else { continue }
                placesByDay[date, default: []].append(r)
            }
            for (day, group) in placesByDay.sorted(by: { $0.key < $1.key }) {
                let places = Set(group.compactMap { sessions[records[$0].session].place ?? sessions[records[$0].session].source.description })
                if places.count > 1 {
                    findings.append(Finding(.warning, .auditTwoPlaces,
                        "“\(person.name?.key ?? "")”\(day) 同一天在 \(places.count) 个不同地点的培训签到（\(places.sorted().joined(separator: "；"))），请核实",
                        at: records[group[1]].provenance))
                }
            }
        }
        return findings
    }

    /// Age, sex and region checks of every record with a usable ID, in record order. They need
    /// no linking, so they can run beside it; `records(_:checks:)` then drops the rows whose ID
    /// a decision gave to another name.
    static func recordChecks(_ records: [SigninRecord], sessions: [TrainingSession], province: String?) -> [(record: Int, finding: Finding)] {
        var findings: [(record: Int, finding: Finding)] = []
        for i in records.indices {
            guard let id = records[i].id, id.isUsable else { continue }
            if let birth = id.birthDate, let date = sessions[records[i].session].date {
                var age = date.year - birth.year
                if (date.month, date.day) < (birth.month, birth.day) { age -= 1 }
                if age < 16 || age > 80 {
                    findings.append((i, Finding(.warning, .auditAge, "按身份证号 \(id.masked)，培训时年龄为 \(age) 岁（不在 16–80 岁之间），请核实", at: records[i].provenance)))
                }
            }
            if let written = records[i].sex, let fromID = id.sex, ["男", "女"].contains(written), written != fromID {
                findings.append((i, Finding(.warning, .auditSex, "性别填写为“\(written)”，但身份证号 \(id.masked) 显示为“\(fromID)”，请核实", at: records[i].provenance)))
            }
            if let province, let region = id.regionCode, !region.hasPrefix(province) {
                findings.append((i, Finding(.note, .auditRegion, "身份证号 \(id.masked) 的签发地不在本省", at: records[i].provenance)))
            }
        }
        return findings
    }

    /// The record checks of the rows still audited by their ID after linking.
    static func records(_ attendance: Attendance, checks: [(record: Int, finding: Finding)]) -> [Finding] {
        checks.filter { attendance.linksByID($0.record) }.map(\.finding)
    }
}
