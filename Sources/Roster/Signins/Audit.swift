import SheetIO

/// Signals an evaluator would check, because falsified data vetoes the whole result:
/// one person at two places on one day, trainees younger than 16 or older than 80, an ID
/// whose sex disagrees with the 性别 column, and IDs issued outside the province.
public enum Audit {
    /// - Parameter province: the county's two-digit province code (44 for Guangdong); nil
    ///   to skip the region check.
    public static func run(_ attendance: Attendance, province: String? = nil) -> [Finding] {
        var findings: [Finding] = []
        let records = attendance.records
        let sessions = attendance.sessions
        for person in attendance.persons where person.records.count > 1 {
            // Two places on one day.
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
        // A record whose ID a person gave to another name is not audited by that ID.
        for (i, record) in records.enumerated() {
            guard let id = record.id, attendance.linksByID(i) else { continue }
            if let birth = id.birthDate, let date = sessions[record.session].date {
                var age = date.year - birth.year
                if (date.month, date.day) < (birth.month, birth.day) { age -= 1 }
                if age < 16 || age > 80 {
                    findings.append(Finding(.warning, .auditAge, "按身份证号 \(id.masked)，培训时年龄为 \(age) 岁（不在 16–80 岁之间），请核实", at: record.provenance))
                }
            }
            if let written = record.sex, let fromID = id.sex, ["男", "女"].contains(written), written != fromID {
                findings.append(Finding(.warning, .auditSex, "性别填写为“\(written)”，但身份证号 \(id.masked) 显示为“\(fromID)”，请核实", at: record.provenance))
            }
            if let province, let region = id.regionCode, !region.hasPrefix(province) {
                findings.append(Finding(.note, .auditRegion, "身份证号 \(id.masked) 的签发地不在本省", at: record.provenance))
            }
        }
        return findings
    }
}
