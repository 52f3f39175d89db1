import SheetIO

/// A 行政村 (or community) from the village list.
public struct VillageEntry: Sendable {
    public var town: TownName
    public var name: VillageName
    /// 省定贫困村
    public var isPoor: Bool
    public var provenance: Provenance
}

/// A village-level e-commerce station from the station list.
public struct StationEntry: Sendable {
    public var stationName: String
    public var town: TownName?
    public var village: VillageName?
    public var provenance: Provenance
}

/// Which 行政村 have a station, matched town first (DOMAIN §5), and what could not be matched.
public struct Coverage: Sendable {
    public struct VillageStatus: Sendable {
        public var village: VillageEntry
        /// Indices into `stations`.
        public var stations: [Int]
        public var covered: Bool { !stations.isEmpty }
    }

    public let stations: [StationEntry]
    /// Every 行政村 of the list, in list order (communities are left out).
    public private(set) var villages: [VillageStatus] = []
    public private(set) var townLevelStations: [Int] = []
    public private(set) var unmatchedStations: [Int] = []
    public private(set) var findings: [Finding] = []

    public var adminVillages: Int { villages.count }
    public var villagesWithStation: Int { villages.filter(\.covered).count }
    public var poorVillages: Int { villages.filter(\.village.isPoor).count }
    public var poorVillagesWithStation: Int { villages.filter { $0.village.isPoor && $0.covered }.count }

    /// - Parameter aliases: old or variant village names to the list's name, per town
    ///   (`["坪石镇": ["老水口": "水口村"]]`), for villages renamed or merged.
    public init(villages list: [VillageEntry], stations: [StationEntry], aliases: [String: [String: String]] = [:]) {
        self.stations = stations
        var index: [TownName: [String: [Int]]] = [:]
        var communities = Set<String>()
        for entry in list {
            if entry.name.kind == .community {
                communities.insert(entry.town.core + "|" + entry.name.core)
                continue
            }
            let key = entry.name.core
            if index[entry.town]?[key] != nil {
                findings.append(Finding(.warning, .villageDuplicate, "行政村“\(entry.town)\(entry.name)”在清单中出现了不止一次，只计一次",
                                        at: entry.provenance))
                continue
            }
            index[entry.town, default: [:]][key] = [villages.count]
            villages.append(VillageStatus(village: entry, stations: []))
        }
        let aliasTable = Dictionary(uniqueKeysWithValues: aliases.compactMap { town, names in
            TownName(town).map { t in (t, Dictionary(uniqueKeysWithValues: names.compactMap { old, new in
                VillageName(old).flatMap { o in VillageName(new).map { (o.core, $0.core) } }
            })) }
        })
        for (i, station) in stations.enumerated() {
            guard let written = station.town else {
                unmatchedStations.append(i)
                findings.append(Finding(.warning, .stationNoTown, "站点“\(station.stationName)”没有填写所在镇，无法确定属于哪个行政村",
                                        at: station.provenance))
                continue
            }
            // 北乡 written for 北乡镇 reads as a 乡 named 北: the list's town whose core is the text;
            // 乐昌黄圃镇 ends with the list's 黄圃镇.
            let town = index[written] != nil ? written
                : index.keys.first { $0.core == written.raw || $0.raw == written.core }
                ?? index.keys.filter { written.raw.hasSuffix($0.core + $0.suffix) && !$0.suffix.isEmpty }.max { $0.core.count < $1.core.count }
                ?? written
            guard let villagesInTown = index[town] else {
                unmatchedStations.append(i)
                findings.append(Finding(.error, .stationUnknownTown,
                    "站点“\(station.stationName)”所在的“\(town)”不在行政村清单中；不会跨镇猜测，请核对镇名或补全行政村清单",
                    at: station.provenance))
                continue
            }
            guard let village = station.village else {
                townLevelStations.append(i)
                continue
            }
            if village.kind == .community {
                townLevelStations.append(i)
                findings.append(Finding(.note, .stationCommunity, "站点“\(station.stationName)”设在社区（居委会），不计入行政村覆盖",
                                        at: station.provenance))
                continue
            }
            let core = aliasTable[town]?[village.core] ?? village.core
            // DOMAIN §5 step 4: exactly, then the alias table, then a place name written in
            // front (乐昌市黄圃镇桥围村), then a unique prefix.
            let afterPlace = Coverage.placeSuffixMatch(village.raw, in: villagesInTown)
            let prefixMatches = villagesInTown.keys.filter { key in
                Swift.min(key.count, core.count) >= 2 && (key.hasPrefix(core) || core.hasPrefix(key))
            }
            if let hit = villagesInTown[core]?.first {
                villages[hit].stations.append(i)
            } else if communities.contains(town.core + "|" + village.core) {
                townLevelStations.append(i)
            } else if let hit = afterPlace {
                villages[hit].stations.append(i)
            } else if prefixMatches.count == 1, let key = prefixMatches.first, let hit = villagesInTown[key]?.first {
                villages[hit].stations.append(i)
                findings.append(Finding(.warning, .stationPrefixMatch,
                    "站点“\(station.stationName)”填写的“\(village.raw)”与\(town)的行政村“\(villages[hit].village.name)”只是前半部分相同（同镇唯一），已按该村计入覆盖；如不是同一村，请在配置的别名表中写明",
                    at: station.provenance))
            } else {
                unmatchedStations.append(i)
                let message = "站点“\(station.stationName)”所在的“\(village.raw)”在\(town)的行政村清单中找不到；如是村名改过，请在配置的别名表中写明旧名与新名（aliases: {\(town): {旧村名: 清单中的村名}}）"
                findings.append(Finding(.warning, .stationUnmatched, message, at: station.provenance))
            }
        }
    }
}

extension Coverage {
    /// A village written after place names the list does not know in that form
    /// (`XX市黄圃镇桥围村` when the town is 黄圃镇): the text after a place marker that names a
    /// village of the town.
    static func placeSuffixMatch(_ written: String, in villagesInTown: [String: [Int]]) -> Int? {
        let s = VillageName.fold(written)
        var i = s.startIndex
        while i < s.endIndex {
            let next = s.index(after: i)
            if "镇乡道处市县区旗".contains(s[i]), i != s.startIndex, next < s.endIndex,
               let name = VillageName(String(s[next...])), name.kind != .community, let hit = villagesInTown[name.core]?.first {
                return hit
            }
            i = next
        }
        return nil
    }
}

/// Reads village and station lists through header recognition.
public enum VillageListImporter {
    public static func villages(_ sheet: some SheetRows, file: String, mapping fixed: ColumnMapping? = nil,
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

    public static func stations(_ sheet: some SheetRows, file: String, mapping fixed: ColumnMapping? = nil,
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
