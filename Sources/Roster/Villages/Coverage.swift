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
                    at: station.provenance, remedy: .villageAlias(town: "\(town)", old: village.raw)))
            } else {
                unmatchedStations.append(i)
                // One character apart is only a suggestion (DOMAIN §5): never counted by itself.
                let near = villagesInTown.keys.filter { Coverage.oneEditApart($0, core) }.sorted()
                let guess = near.count == 1 ? "是否就是“\(near[0])村”？确认后" : "如是村名改过，"
                let message = "站点“\(station.stationName)”所在的“\(village.raw)”在\(town)的行政村清单中找不到；\(guess)请在配置的别名表中写明旧名与新名"
                findings.append(Finding(.warning, .stationUnmatched, message, at: station.provenance,
                                        remedy: .villageAlias(town: "\(town)", old: "\(village.core)村")))
            }
        }
    }
}

extension Coverage {
    /// Whether two names differ by one substituted, inserted or deleted character.
    static func oneEditApart(_ a: String, _ b: String) -> Bool {
        let x = Array(a), y = Array(b)
        guard abs(x.count - y.count) <= 1, x != y else { return false }
        if x.count == y.count { return zip(x, y).filter { $0 != $1 }.count == 1 }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        var i = 0
        while i < short.count, long[i] == short[i] { i += 1 }
        return Array(long[(i + 1)...]) == Array(short[i...])
    }

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
