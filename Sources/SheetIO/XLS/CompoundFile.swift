#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    private let source: Source
    private let sectorSize: Int
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private let fat: [UInt32]
    private let miniFAT: [UInt32]
    private let miniStream: [UInt8]
    let entries: [Entry]

    /// Where the file's bytes come from: read from a descriptor as needed (so a workbook's
    /// stream is the only large thing in memory), or already in memory.
    enum Source {
        case descriptor(Int32, size: Int)
        case bytes([UInt8])

        var size: Int {
            switch self {
            case .descriptor(_, let size): return size
            case .bytes(let bytes): return bytes.count
            }
        }

        /// Appends `count` bytes from `offset`; the caller has checked they lie in the file.
        /// The corresponding C function is `pread`.
        func read(at offset: Int, count: Int, into out: inout [UInt8]) throws(Failure) {
            switch self {
            case .bytes(let bytes):
                out.append(contentsOf: bytes[offset..<(offset + count)])
            case .descriptor(let fd, _):
                let base = out.count
                out.append(contentsOf: repeatElement(0, count: count))
                var done = 0
                while done < count {
                    let n = out.withUnsafeMutableBytes { raw in
                        pread(fd, raw.baseAddress! + base + done, count - done, off_t(offset + done))
                    }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        out.removeSubrange(base...)
                        throw .truncated(n == 0 ? "偏移 \(offset + done) 处文件提前结束" : "读取失败：\(String(cString: strerror(errno)))")
                    }
                    done += n
                }
            }
        }

        func read(at offset: Int, count: Int) throws(Failure) -> [UInt8] {
            var out: [UInt8] = []
            try read(at: offset, count: count, into: &out)
            return out
        }
    }

    init(bytes: [UInt8]) throws(Failure) {
        try self.init(source: .bytes(bytes))
    }

    init(source: Source) throws(Failure) {
        self.source = source
        guard source.size >= 512 else { throw .truncated("复合文档头不足 512 字节") }
        let header = try source.read(at: 0, count: 512)
        guard header.starts(with: Self.signature) else { throw .malformed("复合文档签名无效") }
        let majorVersion = Self.u16(header, 26)
        let sectorShift = Self.u16(header, 30)
        let miniShift = Self.u16(header, 32)
        guard (majorVersion == 3 && sectorShift == 9) || (majorVersion == 4 && sectorShift == 12) else {
            throw .malformed("复合文档版本 \(majorVersion)、扇区位数 \(sectorShift) 无效")
        }
        guard miniShift == 6 else { throw .malformed("迷你扇区位数 \(miniShift) 无效") }
        sectorSize = 1 << Int(sectorShift)
        miniSectorSize = 1 << Int(miniShift)
        miniCutoff = Int(Self.u32(header, 56))
        guard miniCutoff == 4096 else { throw .malformed("迷你流界限 \(miniCutoff) 无效") }

        // The FAT's own sectors: 109 listed in the header, the rest in the DIFAT chain.
        let sectorCount = (source.size + sectorSize - 1) / sectorSize
        var fatSectors: [UInt32] = []
        for i in 0..<109 {
            let sector = Self.u32(header, 76 + 4 * i)
            if sector <= Self.maxRegularSector { fatSectors.append(sector) }
        }
        var difatSector = Self.u32(header, 68)
        var difatSeen = 0
        let perDIFAT = sectorSize / 4 - 1
        while difatSector <= Self.maxRegularSector {
            difatSeen += 1
            guard difatSeen <= sectorCount else { throw .malformed("DIFAT 扇区链成环") }
            let difat = try source.read(at: Self.sectorOffset(difatSector, size: sectorSize, fileSize: source.size),
                                        count: sectorSize)
            for i in 0..<perDIFAT {
                let sector = Self.u32(difat, 4 * i)
                if sector <= Self.maxRegularSector { fatSectors.append(sector) }
            }
            difatSector = Self.u32(difat, 4 * perDIFAT)
        }
        guard !fatSectors.isEmpty, fatSectors.count <= sectorCount else {
            throw .malformed("FAT 扇区数 \(fatSectors.count) 与文件大小不符")
        }
        var fatBytes: [UInt8] = []
        fatBytes.reserveCapacity(fatSectors.count * sectorSize)
        for sector in fatSectors {
            try source.read(at: Self.sectorOffset(sector, size: sectorSize, fileSize: source.size), count: sectorSize,
                            into: &fatBytes)
        }
        let fat = stride(from: 0, to: fatBytes.count - 3, by: 4).map { Self.u32(fatBytes, $0) }
        self.fat = fat

        // The directory, then the root entry's stream, which holds the mini sectors.
        let directory = try Self.read(chain: Self.chain(Self.u32(header, 48), in: fat), size: nil,
                                      sectorSize: sectorSize, from: source)
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
            guard root.size <= source.size else { throw .truncated("迷你流长 \(root.size) 字节，超出文件") }
            miniStream = try Self.read(chain: Self.chain(root.startSector, in: fat), size: root.size,
                                       sectorSize: sectorSize, from: source)
            let miniFATBytes = try Self.read(chain: Self.chain(Self.u32(header, 60), in: fat), size: nil,
                                             sectorSize: sectorSize, from: source)
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
            guard entry.size <= source.size else {
                throw .truncated("数据流「\(entry.name)」长 \(entry.size) 字节，超出文件")
            }
            if entry.size < miniCutoff {
                return try Self.read(chain: Self.chain(entry.startSector, in: miniFAT), size: entry.size,
                                     sectorSize: miniSectorSize, from: .bytes(miniStream), headerSectors: 0)
            }
            return try Self.read(chain: Self.chain(entry.startSector, in: fat), size: entry.size,
                                 sectorSize: sectorSize, from: source)
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
    /// follow the one-sector header; mini sectors start at 0 in the mini stream. Runs of
    /// consecutive sectors are read at once.
    private static func read(chain: [Int], size: Int?, sectorSize: Int, from source: Source,
                             headerSectors: Int = 1) throws(Failure) -> [UInt8] {
        let wanted = size ?? chain.count * sectorSize
        guard wanted >= 0, chain.count * sectorSize >= wanted else {
            throw .malformed("扇区链只有 \(chain.count) 个扇区，装不下 \(wanted) 字节")
        }
        var out: [UInt8] = []
        out.reserveCapacity(wanted)
        var i = 0
        while i < chain.count, out.count < wanted {
            var run = 1
            while i + run < chain.count, chain[i + run] == chain[i] + run { run += 1 }
            let start = (chain[i] + headerSectors) * sectorSize
            let length = min(run * sectorSize, wanted - out.count)
            guard start <= source.size - length else {
                throw .truncated("第 \(chain[i]) 号扇区在文件末尾之后")
            }
            try source.read(at: start, count: length, into: &out)
            i += run
        }
        return out
    }

    private static func sectorOffset(_ sector: UInt32, size: Int, fileSize: Int) throws(Failure) -> Int {
        let start = (Int(sector) + 1) * size
        guard start <= fileSize - size else { throw .truncated("第 \(sector) 号扇区在文件末尾之后") }
        return start
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
