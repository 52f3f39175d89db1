#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one sheet as CSV while it is read, positions kept (DESIGN §5): from row 1 and
/// column A to the last non-empty row and column, every record the same width, a merged
/// range's value in its top-left cell only.
///
/// The width is known only at the end of a sheet, and an XLSX sheet's merged ranges come
/// after its rows; so the first pass writes with the width of the widest of the first rows
/// and finds the real width and the merged ranges on the way. Only when a later row is wider,
/// or a merged range hides a value that was written, is the sheet read and written again.
public struct CSVExport {
    /// Empty fields (padding and empty rows between data) that may be written without asking:
    /// beyond this, and beyond `farRatio` empty fields per real cell, a far cell is refused.
    public static let farFieldMinimum = 100_000_000
    /// A column from which on a cell counts as far to the right (IV, the old .xls limit).
    static let farColumn = 256
    public static let farRatio = 100
    /// Rows read before the width is guessed.
    static let guessRows = 1_000

    public struct Result: Sendable {
        public var records: Int
        public var width: Int
    }

    let workbook: Workbook
    let sheet: SheetInfo
    let writer: CSVWriter
    let keepFarCells: Bool
    /// Sees each row once, as it is read (the first pass only).
    let observer: ((Row) -> Void)?
    let byteCopy: Bool

    /// - Parameters:
    ///   - observer: called with each row once, for a caller that checks the rows while they
    ///     stream (long numbers that lost digits, say).
    ///   - byteCopy: a UTF-8 CSV file without an observer is copied byte by byte (`CSVCopy`),
    ///     several times faster, to the same bytes; false makes every file go row by row
    ///     (tests and the fuzz harness compare the two).
    public init(workbook: Workbook, sheet: SheetInfo, writer: CSVWriter, keepFarCells: Bool = false,
                observer: ((Row) -> Void)? = nil, byteCopy: Bool = true) {
        self.workbook = workbook
        self.sheet = sheet
        self.writer = writer
        self.keepFarCells = keepFarCells
        self.observer = observer
        self.byteCopy = byteCopy
    }

    private struct Stop: Error {}

    public func run() throws -> Result {
        if byteCopy, observer == nil, let reader = workbook.source as? CSVReader, CSVCopy.applies(to: reader) {
            do {
                return try CSVCopy(reader: reader, writer: writer, keepFarCells: keepFarCells).run()
            } catch {
                // Declined, or failed: the row-by-row path writes the file again and, if it
                // fails too, says why in its own words.
                try writer.restart()
            }
        }
        var pass = try write(width: nil, merges: [])
        let hidden = try !pass.merges.isEmpty && hidesWrittenValue(pass.merges)
        if !pass.complete || hidden {
            try writer.restart()
            pass = try write(width: pass.width, merges: pass.merges)
        }
        return Result(records: pass.records, width: pass.width)
    }

    private struct Pass {
        var records = 0
        /// The real width: one past the last non-empty column.
        var width = 0
        /// Whether every record was written with the real width.
        var complete = true
        var merges: [CellRange] = []
    }

    /// One pass over the sheet; with `width` nil it is guessed from the first rows, and
    /// writing stops (reading goes on) once a row is wider than the guess.
    private func write(width known: Int?, merges: [CellRange]) throws -> Pass {
        var pass = Pass()
        var pending: [Row] = []
        var writing = true
        var width = known ?? 0
        var decided = known != nil
        var cells = 0
        var next = 0  // the next record index to write
        var widest: (row: Int, column: Int) = (0, 0)

        // Formatting and writing run on a second thread, beside the reading.
        let pipe = RowPipe(writer: writer, merges: merges)
        var batch: [RowPipe.Item] = []
        batch.reserveCapacity(RowPipe.batchSize)

        func emit(_ row: Row) throws {
            if row.width > width && writing {
                // The guess was short: read on for the real width, and write again after.
                writing = false
            }
            if writing {
                if row.index > next { batch.append(.empty(count: row.index - next, width: width)) }
                batch.append(.row(row, width: width))
                if batch.count >= RowPipe.batchSize {
                    try pipe.put(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            next = row.index + 1
        }

        func check(_ row: Row) throws {
            cells += row.cells.count
            if row.width > pass.width {
                pass.width = row.width
                widest = (row.index, row.width - 1)
            }
            guard !keepFarCells else { return }
            let area = (row.index + 1) * pass.width
            let empty = area - cells
            guard empty > CSVExport.farFieldMinimum, empty > CSVExport.farRatio * cells else { return }
            // Blame the cell that made the area large: the widest one, or this far row.
            let far = widest.column >= CSVExport.farColumn ? CellReference(row: widest.row, column: widest.column)
                                                           : CellReference(row: row.index, column: row.cells[0].column)
            throw SheetError(.limitExceeded, file: workbook.path, sheet: sheet.name, row: far.row, cell: far.description,
                             message: "单元格 \(far) 离其他数据很远：按位置原样转换要写出至少 \(empty) 个空字段（只有 \(cells) 个有值的单元格），多半是误输入",
                             advice: "请在 Excel 或 WPS 中删除这个单元格后再转换；确需按位置保留时，请加 --keep-far-cells")
        }

        do {
        pass.merges = try workbook.forEachRow(in: sheet) { row in
            if known == nil { observer?(row) }
            try check(row)
            if decided {
                try emit(row)
                return
            }
            pending.append(row)
            if pending.count >= CSVExport.guessRows {
                width = pass.width
                decided = true
                for kept in pending { try emit(kept) }
                pending.removeAll()
            }
        }.mergedRanges
        if !decided {
            width = pass.width
            for kept in pending { try emit(kept) }
        }
        if !batch.isEmpty { try pipe.put(batch) }
        } catch {
            pipe.abandon()
            throw error
        }
        try pipe.finish()
        pass.records = next
        pass.complete = writing
        return pass
    }

    /// Whether a cell other than a merged range's top-left one holds a value (some programs
    /// keep values under a merge); the sheet is read only as far as the last merged row.
    private func hidesWrittenValue(_ merges: [CellRange]) throws -> Bool {
        let lastRow = merges.map(\.last.row).max() ?? -1
        var found = false
        do {
            try workbook.forEachRow(in: sheet) { row in
                if row.index > lastRow { throw Stop() }
                if row.cells.contains(where: { merges.hides(row: row.index, column: $0.column) }) {
                    found = true
                    throw Stop()
                }
            }
        } catch is Stop {}
        return found
    }
}

extension [CellRange] {
    /// Whether the cell lies inside one of the ranges without being its top-left cell.
    public func hides(row: Int, column: Int) -> Bool {
        contains { range in
            row >= range.first.row && row <= range.last.row && column >= range.first.column && column <= range.last.column
                && (row != range.first.row || column != range.first.column)
        }
    }
}

/// Rows handed from the reading thread to a writing thread in batches; at most a few batches
/// wait, so memory stays bounded whichever side is faster.
final class RowPipe: @unchecked Sendable {
    enum Item {
        case row(Row, width: Int)
        case empty(count: Int, width: Int)
    }

    static let batchSize = 512
    static let depth = 8

    private let writer: CSVWriter
    private let merges: [CellRange]
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var queue: [[Item]] = []
    private var closed = false
    private var failure: (any Error)?
    private var thread: pthread_t?

    init(writer: CSVWriter, merges: [CellRange]) {
        self.writer = writer
        self.merges = merges
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        if pthread_create(&handle, nil, { context in
            let pipe = Unmanaged<RowPipe>.fromOpaque(context!).takeRetainedValue()
            pipe.drain()
            return nil
        }, context) == 0 {
            thread = handle
        } else {
            Unmanaged<RowPipe>.fromOpaque(context).release()
        }
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&changed)
    }

    /// Hands over a batch; throws the writing side's error, if it has failed.
    func put(_ batch: [Item]) throws {
        guard thread != nil else {
            try write(batch)
            return
        }
        pthread_mutex_lock(&mutex)
        while queue.count >= RowPipe.depth && failure == nil { pthread_cond_wait(&changed, &mutex) }
        let failed = failure
        if failed == nil {
            queue.append(batch)
            pthread_cond_broadcast(&changed)
        }
        pthread_mutex_unlock(&mutex)
        if let failed { throw failed }
    }

    /// Waits for every batch to be written; throws the writing side's error.
    func finish() throws {
        guard let thread else { return }
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
        pthread_join(thread, nil)
        self.thread = nil
        if let failure { throw failure }
    }

    /// Stops after a reading error: the batches still waiting are dropped.
    func abandon() {
        guard thread != nil else { return }
        pthread_mutex_lock(&mutex)
        queue.removeAll()
        pthread_mutex_unlock(&mutex)
        try? finish()
    }

    private func drain() {
        while true {
            pthread_mutex_lock(&mutex)
            while queue.isEmpty && !closed { pthread_cond_wait(&changed, &mutex) }
            if queue.isEmpty {
                pthread_mutex_unlock(&mutex)
                return
            }
            let batch = queue.removeFirst()
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
            do {
                try write(batch)
            } catch {
                pthread_mutex_lock(&mutex)
                failure = error
                queue.removeAll()
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&mutex)
                return
            }
        }
    }

    private func write(_ batch: [Item]) throws {
        let merges = self.merges
        for item in batch {
            switch item {
            case .row(let row, let width):
                try writer.write(row, width: width, hidden: merges.isEmpty ? nil : { merges.hides(row: row.index, column: $0) })
            case .empty(let count, let width):
                try writer.writeEmptyRecords(count, width: width)
            }
        }
    }
}
