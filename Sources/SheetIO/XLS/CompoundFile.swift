/// The streams of an OLE2 compound file ([MS-CFB]): the container of a legacy .xls.
///
/// Only what a workbook needs is read: the header, the FAT (with its DIFAT extension), the
/// directory, the mini FAT and the mini stream. Every sector number, length and chain is
/// checked against the file, so a truncated or hostile file ends in a `Failure`, never in a
/// read past the end or an endless loop.
struct CompoundFile {
    enum Failure: Error, Equatable {
        /// The file ends before the data its header or directory points to.
        case truncated(String)
        /// Structures that no writer produces: bad sizes, chains into nowhere or in a loop.
        case malformed(String)
    }

    /// One entry of the directory.
    struct Entry {
        var name: String
        /// 1 storage, 2 stream, 5 root storage.
        var type: UInt8
        var startSector: UInt32
        var size: Int
        /// Directory ids of the red-black tree: siblings, and a storage's first child.
        var left: UInt32, right: UInt32, child: UInt32
    }

    private static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    private static let endOfChain: UInt32 = 0xFFFF_FFFE
    private static let freeSector: UInt32 = 0xFFFF_FFFF
    private static let maxRegularSector: UInt32 = 0xFFFF_FFFA

    private let bytes: [UInt8]
    private let sectorSize: Int
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private let fat: [UInt32]
    private let miniFAT: [UInt32]
    private let miniStream: [UInt8]
    let entries: [Entry]

    init(bytes: [UInt8]) throws(Failure) {
        self.bytes = bytes
        guard bytes.count >= 512, bytes.starts(with: Self.signature) else {
            throw .truncated("复合文档头不足 512 字节")
        }
        let majorVersion = Self.u16(bytes, 26)
        let sectorShift = Self.u16(bytes, 30)
        let miniShift = Self.u16(bytes, 32)
        guard (majorVersion == 3 && sectorShift == 9) || (majorVersion == 4 && sectorShift == 12) else {
            throw .malformed("复合文档版本 \(majorVersion)、扇区位数 \(sectorShift) 无效")
        }
        guard miniShift == 6 else { throw .malformed("迷你扇区位数 \(miniShift) 无效") }
        sectorSize = 1 << Int(sectorShift)
        miniSectorSize = 1 << Int(miniShift)
        miniCutoff = Int(Self.u32(bytes, 56))
        guard miniCutoff == 4096 else { throw .malformed("迷你流界限 \(miniCutoff) 无效") }

        // The FAT's own sectors: 109 listed in the header, the rest in the DIFAT chain.
        let sectorCount = (bytes.count + sectorSize - 1) / sectorSize
        var fatSectors: [UInt32] = []
        for i in 0..<109 {
            let sector = Self.u32(bytes, 76 + 4 * i)
            if sector <= Self.maxRegularSector { fatSectors.append(sector) }
        }
        var difatSector = Self.u32(bytes, 68)
        var difatSeen = 0
        let perDIFAT = sectorSize / 4 - 1
        while difatSector <= Self.maxRegularSector {
            difatSeen += 1
            guard difatSeen <= sectorCount else { throw .malformed("DIFAT 扇区链成环") }
            let base = try Self.sectorOffset(difatSector, size: sectorSize, in: bytes)
            for i in 0..<perDIFAT {
                let sector = Self.u32(bytes, base + 4 * i)
                if sector <= Self.maxRegularSector { fatSectors.append(sector) }
            }
            difatSector = Self.u32(bytes, base + 4 * perDIFAT)
        }
        guard !fatSectors.isEmpty, fatSectors.count <= sectorCount else {
            throw .malformed("FAT 扇区数 \(fatSectors.count) 与文件大小不符")
        }
        var fat: [UInt32] = []
        fat.reserveCapacity(fatSectors.count * sectorSize / 4)
        for sector in fatSectors {
            let base = try Self.sectorOffset(sector, size: sectorSize, in: bytes)
            for i in 0..<(sectorSize / 4) { fat.append(Self.u32(bytes, base + 4 * i)) }
        }
        self.fat = fat

        // The directory, then the root entry's stream, which holds the mini sectors.
        let directory = try Self.read(chain: Self.chain(Self.u32(bytes, 48), in: fat), size: nil,
                                      sectorSize: sectorSize, from: bytes)
        var entries: [Entry] = []
        for base in stride(from: 0, to: directory.count - 127, by: 128) {
            let type = directory[base + 66]
            // Unused slots stay in the list (type 0) so that an entry's index is its directory id.
            guard type == 1 || type == 2 || type == 5 else {
                entries.append(Entry(name: "", type: 0, startSector: Self.endOfChain, size: 0,
                                     left: Self.freeSector, right: Self.freeSector, child: Self.freeSector))
                continue
            }
            let nameBytes = min(Int(Self.u16(directory, base + 64)), 64)
            var units: [UInt16] = []
            for i in stride(from: 0, to: max(nameBytes - 2, 0), by: 2) { units.append(Self.u16(directory, base + i)) }
            // Version 3 files may leave garbage in the size's high half ([MS-CFB] 2.6.3). A size
            // past the file is refused where the stream is read; here it only must not wrap.
            let high = majorVersion == 3 ? 0 : Self.u32(directory, base + 124)
            let size = high == 0 ? Int(Self.u32(directory, base + 120)) : Int.max
            entries.append(Entry(name: String(decoding: units, as: UTF16.self), type: type,
                                 startSector: Self.u32(directory, base + 116), size: size,
                                 left: Self.u32(directory, base + 68), right: Self.u32(directory, base + 72),
                                 child: Self.u32(directory, base + 76)))
        }
        self.entries = entries

        if let root = entries.first(where: { $0.type == 5 }), root.size > 0 {
            guard root.size <= bytes.count else { throw .truncated("迷你流长 \(root.size) 字节，超出文件") }
            miniStream = try Self.read(chain: Self.chain(root.startSector, in: fat), size: root.size,
                                       sectorSize: sectorSize, from: bytes)
            let miniFATBytes = try Self.read(chain: Self.chain(Self.u32(bytes, 60), in: fat), size: nil,
                                             sectorSize: sectorSize, from: bytes)
            miniFAT = stride(from: 0, to: miniFATBytes.count - 3, by: 4).map { Self.u32(miniFATBytes, $0) }
        } else {
            miniStream = []
            miniFAT = []
        }
    }

    /// Directory ids of the root storage's own children, walking its sibling tree; an id seen
    /// twice (a cycle in a hostile file) is not followed again.
    private var rootChildren: [Int] {
        guard let root = entries.firstIndex(where: { $0.type == 5 }) else { return [] }
        var found: [Int] = []
        var seen = Set<Int>()
        var pending = [entries[root].child]
        while let id = pending.popLast() {
            guard id <= Self.maxRegularSector, Int(id) < entries.count, seen.insert(Int(id)).inserted else { continue }
            let entry = entries[Int(id)]
            guard entry.type != 0 else { continue }
            found.append(Int(id))
            pending.append(entry.left)
            pending.append(entry.right)
        }
        return found.sorted()
    }

    /// The bytes of the first stream with one of these names (compared without case, as
    /// [MS-CFB] does), or nil when there is none. Streams at the top level win over those
    /// inside storages (an embedded workbook has a "Workbook" stream of its own).
    func stream(namedAnyOf names: [String]) throws(Failure) -> [UInt8]? {
        let topLevel = rootChildren
        for wanted in names {
            let key = wanted.lowercased()
            let matches = { (id: Int) in self.entries[id].type == 2 && self.entries[id].name.lowercased() == key }
            guard let id = topLevel.first(where: matches) ?? entries.indices.first(where: matches) else { continue }
            let entry = entries[id]
            guard entry.size <= bytes.count else {
                throw .truncated("数据流「\(entry.name)」长 \(entry.size) 字节，超出文件")
            }
            if entry.size < miniCutoff {
                return try Self.read(chain: Self.chain(entry.startSector, in: miniFAT), size: entry.size,
                                     sectorSize: miniSectorSize, from: miniStream, headerSectors: 0)
            }
            return try Self.read(chain: Self.chain(entry.startSector, in: fat), size: entry.size,
                                 sectorSize: sectorSize, from: bytes)
        }
        return nil
    }

    /// The sectors of a chain in order; a chain is at most as long as its table.
    private static func chain(_ start: UInt32, in table: [UInt32]) throws(Failure) -> [Int] {
        var sectors: [Int] = []
        var sector = start
        while sector != endOfChain {
            guard sector <= maxRegularSector, Int(sector) < table.count else {
                if sector == freeSector && sectors.isEmpty { return [] }  // an empty stream
                throw .malformed("扇区链指向不存在的扇区 \(sector)")
            }
            guard sectors.count < table.count else { throw .malformed("扇区链成环") }
            sectors.append(Int(sector))
            sector = table[Int(sector)]
        }
        return sectors
    }

    /// Concatenates a chain's sectors, cut to `size` (all of them when nil). Regular sectors
    /// follow the one-sector header; mini sectors start at 0 in the mini stream.
    private static func read(chain: [Int], size: Int?, sectorSize: Int, from source: [UInt8],
                             headerSectors: Int = 1) throws(Failure) -> [UInt8] {
        let wanted = size ?? chain.count * sectorSize
        guard chain.count * sectorSize >= wanted else {
            throw .malformed("扇区链只有 \(chain.count) 个扇区，装不下 \(wanted) 字节")
        }
        var out: [UInt8] = []
        out.reserveCapacity(wanted)
        for sector in chain where out.count < wanted {
            let start = (sector + headerSectors) * sectorSize
            let length = min(sectorSize, wanted - out.count)
            guard start + length <= source.count else {
                throw .truncated("第 \(sector) 号扇区在文件末尾之后")
            }
            out.append(contentsOf: source[start..<(start + length)])
        }
        return out
    }

    private static func sectorOffset(_ sector: UInt32, size: Int, in bytes: [UInt8]) throws(Failure) -> Int {
        let start = (Int(sector) + 1) * size
        guard start + size <= bytes.count else { throw .truncated("第 \(sector) 号扇区在文件末尾之后") }
        return start
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
