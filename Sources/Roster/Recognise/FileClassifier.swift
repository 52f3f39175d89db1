import SheetIO

/// What kind of county input a file is, guessed from its header rows (and, when the header
/// says nothing, its name), with the reason in Chinese so that a clerk can check it.
public enum InputClass: String, CaseIterable, Sendable, Codable {
    case signins, villages, stations, poorRegistry = "poor_registry", notData = "not_data"

    public var label: String {
        switch self {
        case .signins: return "签到表"
        case .villages: return "行政村清单"
        case .stations: return "站点清单"
        case .poorRegistry: return "建档立卡名单"
        case .notData: return "不是数据"
        }
    }
}

public struct FileClassification: Sendable, Equatable {
    public var inputClass: InputClass
    /// Why, in Chinese, naming the sheet and header row it was decided on.
    public var reason: String

    public init(_ inputClass: InputClass, _ reason: String) {
        self.inputClass = inputClass
        self.reason = reason
    }
}

/// Sorts uploaded files into the four inputs of an evaluation, or 不是数据 (说明, 封面, a file
/// with no table), by the columns `HeaderRecognition` finds in each sheet.
public enum FileClassifier {
    /// Extensions SheetIO reads; any other file is not data.
    public static let spreadsheetExtensions: Set<String> = ["xlsx", "xlsm", "xls", "csv", "txt", "tsv"]

    /// Classifies one file. Never throws: a file that cannot be read is 不是数据 with the reason.
    public static func classify(path: String) -> FileClassification {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
        guard spreadsheetExtensions.contains(ext) else {
            return FileClassification(.notData, ext.isEmpty ? "不是表格文件（没有扩展名），不作为数据读取"
                                                            : "不是表格文件（.\(ext)），不作为数据读取")
        }
        let workbook: Workbook
        do {
            workbook = try Workbook.open(path)
        } catch {
            return FileClassification(.notData, "无法作为表格读取：\(error)")
        }
        var votes: [(InputClass, Int, String)] = []
        var emptySheets: [String] = []
        for info in workbook.sheets where info.visibility == .visible {
            var head: [Row] = []
            var dataRows = 0
            guard let summary = try? workbook.forEachRow(in: info, { row in
                if row.index <= HeaderRecognition.searchDepth { head.append(row) }
                dataRows += 1
            }) else { continue }
            let sheet = Sheet(info: info, rows: head, summary: summary)
            if let (inputClass, reason) = classify(sheet) {
                votes.append((inputClass, dataRows, "工作表「\(info.name)」\(reason)"))
            } else {
                emptySheets.append(info.name)
            }
        }
        // The class holding the most rows decides; the others are named in the reason.
        if let best = Dictionary(grouping: votes, by: \.0).max(by: { a, b in
            a.value.reduce(0) { $0 + $1.1 } < b.value.reduce(0) { $0 + $1.1 }
        }) {
            var reason = best.value[0].2
            let others = votes.filter { $0.0 != best.key }
            if !others.isEmpty {
                reason += "；另有工作表像\(Set(others.map(\.0.label)).sorted().joined(separator: "、"))，请核对"
            }
            return FileClassification(best.key, reason)
        }
        if let byName = classify(fileName: name) {
            return FileClassification(byName, "表头无法识别，按文件名中的词判断为\(byName.label)；请在“核对表头”中指定表头行和列")
        }
        if name.contains("说明") || name.contains("封面") {
            return FileClassification(.notData, "文件名表明是说明或封面，且其中没有可识别的表格")
        }
        let sheets = emptySheets.isEmpty ? "" : "（工作表：\(emptySheets.map { "「\($0)」" }.joined(separator: "、"))）"
        return FileClassification(.notData, "前 \(HeaderRecognition.searchDepth) 行中没有可识别的表头，不像数据表\(sheets)")
    }

    /// The class a sheet's recognised header points to, with the columns that decided it.
    public static func classify(_ sheet: Sheet) -> (InputClass, String)? {
        guard let mapping = HeaderRecognition.recognise(sheet) else { return nil }
        let roles = Set(mapping.matches.keys)
        func named(_ list: [ColumnRole]) -> String {
            list.filter(roles.contains).map { "“\(mapping.matches[$0]!.header)”" }.joined(separator: "")
        }
        let row = "第 \(mapping.headerRows[0] + 1) 行"
        let person = roles.contains(.name) || roles.contains(.idNumber)
        let registryRoles: [ColumnRole] = [.householdID, .personID, .relation, .laborSkill, .workStatus, .workPlace, .personStatus]
        if person && registryRoles.contains(where: roles.contains) {
            return (.poorRegistry, "\(row)表头有\(named([.name, .idNumber] + registryRoles))，是建档立卡名单的列")
        }
        if roles.contains(.stationName) || (!person && roles.contains(.contact) && roles.contains(.address)) {
            return (.stations, "\(row)表头有\(named([.stationName, .town, .village, .address, .contact]))，是站点清单的列")
        }
        if person {
            return (.signins, "\(row)表头有\(named([.name, .idNumber, .phone, .signature, .date, .formMetadata, .village]))，是签到表的列")
        }
        if roles.contains(.village) {
            return (.villages, "\(row)表头有\(named([.town, .village, .isPoorVillage]))、没有姓名和身份证号，是行政村清单的列")
        }
        return nil
    }

    /// A guess from words in the file name, used only when no header is recognised.
    public static func classify(fileName name: String) -> InputClass? {
        let words: [(String, InputClass)] = [
            ("建档立卡", .poorRegistry), ("贫困人口", .poorRegistry), ("签到", .signins), ("培训", .signins),
            ("站点", .stations), ("服务站", .stations), ("行政村", .villages), ("村清单", .villages), ("村名单", .villages),
        ]
        return words.first { name.contains($0.0) }?.1
    }
}
