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
    public init?(_ text: String, town: TownName? = nil) {
        var s = VillageName.fold(text)
        if let town {
            for prefix in [town.raw, town.core + town.suffix, town.core] where !prefix.isEmpty && s.hasPrefix(prefix) && s.count > prefix.count {
                // 九峰镇九峰村委会: the village is named after its town; what follows is its suffix.
                let rest = s.dropFirst(prefix.count)
                if VillageName.committeeStarts.contains(where: { rest.hasPrefix($0) }) { break }
                s.removeFirst(prefix.count)
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

    /// NFKC, no white space, no bracketed remarks.
    static func fold(_ text: String) -> String {
        var s = text.precomposedStringWithCompatibilityMapping
        s.removeAll { $0.isWhitespace }
        if let open = s.firstIndex(where: { $0 == "(" || $0 == "[" }), open != s.startIndex {
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

    public init?(_ text: String) {
        var s = VillageName.fold(text)
        var suffix = ""
        for candidate in ["街道办事处", "办事处", "街道", "镇", "乡", "苏木"] where s.hasSuffix(candidate) && s.count > candidate.count {
            s.removeLast(candidate.count)
            suffix = candidate == "办事处" || candidate == "街道办事处" ? "街道" : candidate
            break
        }
        guard !s.isEmpty else { return nil }
        raw = VillageName.fold(text)
        core = s
        self.suffix = suffix
    }

    /// Towns compare by core name: clerks write 坪石 and 坪石镇 alike.
    public static func == (a: TownName, b: TownName) -> Bool { a.core == b.core }
    public func hash(into hasher: inout Hasher) { hasher.combine(core) }
}
