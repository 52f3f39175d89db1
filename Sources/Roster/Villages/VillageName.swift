import Foundation

/// A town or village name reduced to what identifies it (DOMAIN §5).
///
/// `北高岭村村委会`, `北高岭村民委员会` and `北高岭村` are one 行政村; `水口村委会` and
/// `水口居委会` in the same town are two different units, so the kind is part of the key.
public struct VillageName: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// 村 / 村委会 / 村民委员会 / 嘎查: a 行政村.
        case village
        /// 社区 / 居委会 / 居民委员会: not a 行政村.
        case community
        /// No suffix says which.
        case unknown
    }

    public let raw: String
    public let core: String
    public let kind: Kind

    public var description: String {
        switch kind {
        case .village: return core.hasSuffix("嘎查") ? core : core + "村"
        case .community: return core + "社区"
        case .unknown: return core
        }
    }

    /// Nil when nothing is left of the name.
    /// - Parameters:
    ///   - town: the row's town; a village written with it in front (黄圃镇桥围村) loses it.
    ///   - county: the county's name; a village written with it in front (乐昌市黄圃镇桥围村)
    ///     loses it, as do province and city names before a town.
    public init?(_ text: String, town: TownName? = nil, county: String? = nil) {
        var s = PlacePrefix.stripCounty(VillageName.fold(text), county: county, town: town)
        if let town {
            let prefixes = Set([town.raw, town.core + town.suffix, town.core]).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
            for prefix in prefixes where s.hasPrefix(prefix) && s.count > prefix.count {
                // 九峰镇九峰村委会: the village is named after its town; what follows is its suffix.
                var rest = String(s.dropFirst(prefix.count))
                if VillageName.committeeStarts.contains(where: { rest.hasPrefix($0) }) { break }
                // 黄圃 written for the town, 黄圃镇桥围村 for the village: the town's suffix goes too.
                if let suffix = TownName.suffixes.first(where: { rest.hasPrefix($0) && rest.count > $0.count }) {
                    let after = String(rest.dropFirst(suffix.count))
                    if !VillageName.committeeStarts.contains(where: { after.hasPrefix($0) }) { rest = after }
                }
                s = rest
                break
            }
        }
        for suffix in VillageName.stationSuffixes where s.hasSuffix(suffix) && s.count > suffix.count {
            s.removeLast(suffix.count)
            break
        }
        var kind = Kind.unknown
        for (suffix, k) in [("社区居民委员会", Kind.community), ("社区居委会", .community), ("居民委员会", .community), ("居委会", .community),
                            ("社区", .community), ("村民委员会", .village), ("村委会", .village), ("村委", .village)]
        where s.hasSuffix(suffix) && s.count > suffix.count {
            s.removeLast(suffix.count)
            kind = k
            break
        }
        if s.hasSuffix("嘎查") {
            kind = .village
        } else if s.hasSuffix("村") && s.count > 1 {
            s.removeLast()
            kind = .village
        }
        guard !s.isEmpty else { return nil }
        raw = text
        core = s
        self.kind = kind
    }

    /// What station names end with (`水口村电商服务站`).
    static let stationSuffixes = ["农村电子商务服务站", "电子商务服务站", "电商服务站", "电商服务点", "服务站点", "服务站", "服务点", "益农信息社", "站点", "站"]

    /// How the rest of a name starts when a town prefix was in fact the village's own name.
    static let committeeStarts = ["村", "社区", "居委", "居民委员会"]

    /// NFKC, no white space, no bracketed remarks (`桥围村(原桥头村)`); a bracketed part in
    /// front (`(黄圃镇)桥围村`) keeps its words.
    static func fold(_ text: String) -> String {
        var s = text.precomposedStringWithCompatibilityMapping
        s.removeAll { $0.isWhitespace || $0 == "\u{200B}" || $0 == "\u{FEFF}" }
        s = String(s.map { ch -> Character in
            switch ch {
            case "【", "〔", "〖", "「", "『": return "("
            case "】", "〕", "〗", "」", "』": return ")"
            case "[": return "("
            case "]": return ")"
            default: return ch
            }
        })
        if s.first == "(", let close = s.firstIndex(of: ")") {
            s = String(s[s.index(after: s.startIndex)..<close]) + String(s[s.index(after: close)...])
        }
        if let open = s.firstIndex(of: "("), open != s.startIndex {
            s = String(s[..<open])
        }
        return s
    }
}

/// A town (镇, 乡, 街道) reduced to its core name, so `乐城街道办事处` meets `乐城街道`.
public struct TownName: Hashable, Sendable, CustomStringConvertible {
    public let raw: String
    public let core: String
    public let suffix: String

    public var description: String { core + suffix }

    /// What town names end with, longest first.
    static let suffixes = ["街道办事处", "办事处", "街道", "镇", "乡", "苏木"]

    public init?(_ text: String) {
        var s = PlacePrefix.stripCountyFromTown(VillageName.fold(text))
        var suffix = ""
        for candidate in TownName.suffixes where s.hasSuffix(candidate) && s.count > candidate.count {
            s.removeLast(candidate.count)
            suffix = candidate == "办事处" || candidate == "街道办事处" ? "街道" : candidate
            break
        }
        guard !s.isEmpty else { return nil }
        raw = PlacePrefix.stripCountyFromTown(VillageName.fold(text))
        core = s
        self.suffix = suffix
    }

    /// Towns compare by core name: clerks write 坪石 and 坪石镇 alike.
    public static func == (a: TownName, b: TownName) -> Bool { a.core == b.core }
    public func hash(into hasher: inout Hasher) { hasher.combine(core) }
}

/// Province, city and county names written in front of a town or village
/// (广东省韶关市乐昌市黄圃镇桥围村): DOMAIN §5 strips them before matching.
enum PlacePrefix {
    /// Characters that end a province-, city- or county-level name.
    static let markers: Set<Character> = ["省", "市", "州", "盟", "县", "区", "旗"]

    /// Removes the county (when known) and any province, city or county name that stands
    /// before a town: a leading `…市`/`…县`/`…区` goes only when a town follows it (the row's
    /// town, or `X镇`/`X乡`/`X街道` with a village after it), so 新市村 and 城区村 keep their names.
    static func stripCounty(_ text: String, county: String?, town: TownName?) -> String {
        var s = text
        if let county {
            let name = VillageName.fold(county)
            if name.count >= 2, let range = s.range(of: name), range.upperBound < s.endIndex {
                let rest = String(s[range.upperBound...])
                let endsAsCounty = name.last.map { markers.contains($0) } ?? false
                if startsWithTown(rest, town: town) || (endsAsCounty && range.lowerBound == s.startIndex) { s = rest }
            }
        }
        while let cut = firstCut(s, where: { startsWithTown($0, town: town) }) { s = cut }
        return s
    }

    /// 乐昌市黄圃镇 → 黄圃镇: a county in front of a town name with a suffix and a core of two
    /// or more characters (so 新市镇 and 白市驿镇 stay).
    static func stripCountyFromTown(_ text: String) -> String {
        var s = text
        while let cut = firstCut(s, where: { rest in
            guard let suffix = TownName.suffixes.first(where: { rest.hasSuffix($0) }) else { return false }
            return rest.count - suffix.count >= 2
        }) { s = cut }
        return s
    }

    /// The text after the first marker (at the second character or later) whose rest passes.
    private static func firstCut(_ s: String, where accept: (String) -> Bool) -> String? {
        guard !s.isEmpty else { return nil }
        var i = s.index(after: s.startIndex)
        while i < s.endIndex {
            if markers.contains(s[i]) {
                let rest = String(s[s.index(after: i)...])
                if !rest.isEmpty && accept(rest) { return rest }
            }
            i = s.index(after: i)
        }
        return nil
    }

    private static func startsWithTown(_ rest: String, town: TownName?) -> Bool {
        if let town { return rest.hasPrefix(town.core) && rest.count > town.core.count }
        for suffix in TownName.suffixes {
            guard let range = rest.range(of: suffix) else { continue }
            let before = rest.distance(from: rest.startIndex, to: range.lowerBound)
            let after = rest.distance(from: range.upperBound, to: rest.endIndex)
            if (1...6).contains(before) && after >= 2 { return true }
        }
        return false
    }
}
