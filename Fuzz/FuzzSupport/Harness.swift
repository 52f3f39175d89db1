#if canImport(Glibc)
import Glibc
#endif
import SheetIO

/// One libFuzzer harness over SheetIO's public API: the input's bytes become a file, which
/// is opened by content and read to the end, every sheet, every cell as text, through both
/// the pushed rows and the streamed ones; a CSV file is also converted to CSV byte by byte
/// and row by row, which must agree. A `SheetError` is a good outcome; a crash, a hang,
/// another kind of error or a sanitizer report is a finding.
///
/// Built with `-DFUZZING` (`make fuzz`), each harness exports `LLVMFuzzerTestOneInput` and
/// libFuzzer's driver is the program; built as usual, it replays the files named on the
/// command line, which is how a finding is checked once fixed.
public enum Harness {
    nonisolated(unsafe) static var path = ""

    /// Runs one input through the reader; libFuzzer calls this for every input it makes.
    public static func run(_ data: UnsafePointer<UInt8>?, _ size: Int, extension ext: String) -> Int32 {
        if path.isEmpty { path = "/tmp/kaoping-fuzz-\(getpid()).\(ext)" }
        return run(data, size)
    }

    /// Replays the files named on the command line; exits 0 when each was read or refused.
    public static func replay(extension ext: String) -> Never {
        path = "/tmp/kaoping-fuzz-\(getpid()).\(ext)"
        var failures = 0
        for file in CommandLine.arguments.dropFirst() {
            guard let bytes = read(file) else {
                print("cannot read \(file)")
                failures += 1
                continue
            }
            _ = bytes.withUnsafeBufferPointer { run($0.baseAddress, $0.count) }
            print("ok \(file)")
        }
        unlink(path)
        exit(failures == 0 ? 0 : 1)
    }

    static func run(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { fatalError("cannot write \(path)") }
        var written = 0
        while written < size, let data {
            let n = write(fd, data + written, size - written)
            guard n > 0 else { fatalError("cannot write \(path)") }
            written += n
        }
        close(fd)
        do {
            let workbook = try Workbook.open(path)
            for sheet in workbook.sheets {
                var texts = 0
                try workbook.forEachRow(in: sheet) { row in
                    for cell in row.cells { texts &+= cell.text.utf8.count }
                }
                let stream = try workbook.rows(in: sheet, headDepth: 2, headCells: 4)
                for row in stream.rows { texts &+= row.cells.count }
                _ = stream.mergedRanges
                if let error = stream.error { throw error }
            }
        } catch is SheetError {
            // A clear refusal: what hostile input must end in.
        } catch {
            fatalError("not a SheetError: \(error)")
        }
        if path.hasSuffix(".csv") { compareConversions() }
        return 0
    }

    /// CSV → CSV by the byte copy and row by row: the same bytes, or the same error.
    static func compareConversions() {
        func convert(byteCopy: Bool) -> (bytes: [UInt8]?, outcome: String) {
            let output = path + (byteCopy ? ".bytes.csv" : ".rows.csv")
            defer { unlink(output) }
            do {
                let workbook = try Workbook.open(path)
                guard let sheet = workbook.sheets.first else { return (nil, "no sheet") }
                let writer = try CSVWriter(path: output)
                let result = try CSVExport(workbook: workbook, sheet: sheet, writer: writer, byteCopy: byteCopy).run()
                try writer.close()
                return (read(output), "\(result.records) × \(result.width)")
            } catch let error as SheetError {
                return (nil, "\(error) | \(error.detail ?? "")")
            } catch {
                fatalError("not a SheetError: \(error)")
            }
        }
        let rows = convert(byteCopy: false)
        let bytes = convert(byteCopy: true)
        guard rows.bytes == bytes.bytes, rows.outcome == bytes.outcome else {
            fatalError("CSV copied byte by byte differs from row by row: \(bytes.outcome) against \(rows.outcome)")
        }
    }

    static func read(_ file: String) -> [UInt8]? {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return n == 0 ? bytes : nil }
            bytes += chunk[0..<n]
        }
    }
}
