import Foundation
import SheetIO

/// Reads village and station lists through header recognition.
enum VillageListImporter {
    static func villages(_ sheet: some SheetRows, file: String, mapping fixed: ColumnMapping? = nil,
                                county: String? = nil) -> (entries: [VillageEntry], findings: [Finding]) {
        var findings: [Finding] = []
        guard let mapping = fixed ?? HeaderRecognition.recognise(sheet), let villageColumn = mapping.column(.village) else {
            findings.append(Finding(.error, .villagesNoHeader, "行政村清单中找不到“镇”和“村”两列表头", at: Provenance(file: file, sheet: sheet.name)))
            return ([], findings)
        }
        // Without a town column, each village names its town in front (黄圃镇桥围村).
        let townColumn = mapping.column(.town)
        var entries: [VillageEntry] = []
        var lastTown: TownName?
        for row in sheet.rows where row.index >= mapping.firstDataRow {
            let at = Provenance(file: file, sheet: sheet.name, row: row.index)
            // A merged town cell leaves the rows below it blank: the town carries down.
            let villageText = row[villageColumn]?.text ?? ""
            let town = townColumn.map { row[$0].flatMap { TownName($0.text) } ?? lastTown }
                ?? townFromStationName(villageText, county: county)
            lastTown = town
            guard !villageText.isEmpty, !row.isTotals else { continue }
            guard let town, let name = VillageName(villageText, town: town, county: county) else {
                findings.append(Finding(.warning, .villagesIncomplete,
                    townColumn == nil ? "这一行的村名前没有写镇名，清单也没有“镇”列，无法确定属于哪个镇，未计入；请加一列镇名" : "这一行缺少镇名或村名，未计入",
                    at: at))
                continue
            }
            let poorText = mapping.column(.isPoorVillage).flatMap { row[$0]?.text } ?? ""
            let isPoor = poorText.hasPrefix("是") || poorText.contains("贫困村") || poorText == "√" || poorText == "✓"
            entries.append(VillageEntry(town: town, name: name, isPoor: isPoor, provenance: at))
        }
        return (entries, findings)
    }

    static func stations(_ sheet: some SheetRows, file: String, mapping fixed: ColumnMapping? = nil,
                                county: String? = nil) -> (entries: [StationEntry], findings: [Finding]) {
        guard let mapping = fixed ?? HeaderRecognition.recognise(sheet), mapping.column(.stationName) != nil || mapping.column(.village) != nil else {
            return ([], [Finding(.error, .stationsNoHeader, "站点清单中找不到“站点名称”或“村”列表头", at: Provenance(file: file, sheet: sheet.name))])
        }
        var entries: [StationEntry] = []
        for row in sheet.rows where row.index >= mapping.firstDataRow {
            let at = Provenance(file: file, sheet: sheet.name, row: row.index)
            let name = mapping.column(.stationName).flatMap { row[$0]?.text } ?? ""
            let townText = mapping.column(.town).flatMap { row[$0]?.text }
            let villageText = mapping.column(.village).flatMap { row[$0]?.text }
            let address = mapping.column(.address).flatMap { row[$0]?.text } ?? ""
            guard !name.isEmpty || !(villageText ?? "").isEmpty, !row.isTotals else { continue }
            // The town and village from their columns, else from the station's name, else from its address.
            let town = townText.flatMap(TownName.init) ?? townFromStationName(name, county: county)
                ?? townFromStationName(address, county: county)
            let village = (villageText?.isEmpty == false ? villageText : nil).flatMap { VillageName($0, town: town, county: county) }
                ?? villageFromStationName(name, town: town, county: county)
                ?? villageFromStationName(address, town: town, county: county)
            entries.append(StationEntry(stationName: name.isEmpty ? villageText! : name, town: town, village: village, provenance: at))
        }
        return (entries, [])
    }

    /// `XX镇水口村电商服务站` names its town…
    static func townFromStationName(_ name: String, county: String? = nil) -> TownName? {
        let s = PlacePrefix.stripCounty(VillageName.fold(name), county: county, town: nil)
        for marker in ["镇", "乡", "街道"] {
            // 镇南村 starts with the marker: no town is named.
            if let range = s.range(of: marker), range.lowerBound != s.startIndex { return TownName(String(s[..<range.upperBound])) }
        }
        return nil
    }

    /// …and its village: the part up to 村 (or 社区) after the town.
    static func villageFromStationName(_ name: String, town: TownName?, county: String? = nil) -> VillageName? {
        var s = PlacePrefix.stripCounty(VillageName.fold(name), county: county, town: town)
        if let town, let range = s.range(of: town.core + town.suffix) ?? s.range(of: town.core) { s = String(s[range.upperBound...]) }
        // 梅花镇农村电子商务服务站 is a town station: "农村" (rural) names no village.
        if let suffix = VillageName.stationSuffixes.first(where: { s.hasSuffix($0) }) { s.removeLast(suffix.count) }
        if s.hasPrefix("农村") { s.removeFirst(2) }
        for marker in ["村委会", "村", "社区", "居委会"] {
            if let range = s.range(of: marker), range.lowerBound != s.startIndex {
                return VillageName(String(s[..<range.upperBound]))
            }
        }
        return nil
    }
}
