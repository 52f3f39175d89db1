// Reads every row of a file's first sheet through SheetIO and prints one line of figures:
// rows, cells, seconds, rows/s and peak memory. `make bench` runs it beside the Python
// readers and `unzip -p` on the same files (Benchmarks/bench.py).
import BenchSupport
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandleStandardError.write("usage: sheetio-bench FILE\n")
    exit(2)
}

do {
    let start = now()
    let workbook = try Workbook.open(arguments[1])
    var rows = 0
    var cells = 0
    var textBytes = 0
    try workbook.forEachRow(in: workbook.sheets[0]) { row in
        rows += 1
        cells += row.cells.count
        // Touch every value so nothing is optimised away.
        for cell in row.cells {
            if case .text(let s) = cell.value { textBytes &+= s.utf8.count }
        }
    }
    let elapsed = now() - start
    print("rows=\(rows) cells=\(cells) text_bytes=\(textBytes) seconds=\(elapsed) rows_per_s=\(Int(Double(rows) / elapsed)) peak_mb=\(peakMiB())")
} catch {
    FileHandleStandardError.write("\(error)\n")
    exit(1)
}

enum FileHandleStandardError {
    static func write(_ s: String) {
        let bytes = Array(s.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
