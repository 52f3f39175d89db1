// Writes an evidence sheet of 500 000 rows (学员名单's columns) in constant-memory mode through
// SheetIO's XLSXWriter, the way Report writes its evidence sheets, and the same cells from C
// straight against libxlsxwriter (baseline.c, compiled here with cc). Each runs in a child
// process so its time and peak memory are its own. `make bench` runs it.
//
// With a directory of Benchmarks/make_roster_data.py's files as third argument, it also runs
// the whole Report on them: Roster's evidence, the guangdong-2019 evaluation, and
// EvaluationWorkbook.write with every evidence sheet, timed on its own.
//
// usage: report-bench [ROWS] [OUTDIR] [ROSTER_DATA_DIR]
import Report
import Roster
import Scoring
import BenchSupport
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program, waits, and returns its exit status, wall seconds, CPU seconds (user +
/// system, less disturbed by other work on a shared machine) and peak resident MiB.
func measure(_ argv: [String]) -> (status: Int32, seconds: Double, cpu: Double, peakMiB: Double) {
    var pid = pid_t()
    var cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let start = now()
    guard posix_spawnp(&pid, argv[0], nil, nil, &cArgs, environ) == 0 else { return (-1, 0, 0, 0) }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = now() - start
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return (exit, seconds, cpu, Double(usage.ru_maxrss) / 1024)
}

let towns = ["坪石镇", "北乡镇", "九峰镇", "长来镇", "乐城街道"]
let headers = ["序号", "姓名", "身份证号", "联系电话", "镇", "村", "参训场次", "签到记录数", "建档立卡贫困人口", "匹配方式", "首次签到来源"]

/// Zero-padded decimal, as C's %0Nld.
func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// The child: the rows through our wrapper, exactly the cells baseline.c writes.
func writeThroughWrapper(_ path: String, rows: Int) throws {
    // As Report does: an ordinary workbook whose evidence sheet streams.
    let writer = try XLSXWriter(path: path)
    let sheet = try writer.addSheet("学员名单", constantMemory: true)
    let header = CellStyle(bold: true, border: .thin, fill: 0xD9E1F2)
    let text = CellStyle.text
    try sheet.freezePanes(rows: 1)
    try sheet.autofilter(CellRange(first: CellReference(row: 0, column: 0), last: CellReference(row: rows, column: 10)))
    for (c, title) in headers.enumerated() { try sheet.write(title, row: 0, column: c, style: header) }
    for i in 0..<rows {
        let r = i + 1
        try sheet.write(Double(i + 1), row: r, column: 0)
        try sheet.write("学员\(i % 9973)", row: r, column: 1)
        try sheet.write("440281" + padded(i, 12), row: r, column: 2, style: text)
        try sheet.write("138" + padded(i, 8), row: r, column: 3, style: text)
        try sheet.write(towns[i % 5], row: r, column: 4)
        try sheet.write("第\(i % 200)村", row: r, column: 5)
        try sheet.write(Double(i % 5 + 1), row: r, column: 6)
        try sheet.write(Double(i % 7 + 1), row: r, column: 7)
        try sheet.write(i % 10 == 0 ? "是" : "否", row: r, column: 8)
        if i % 10 == 0 { try sheet.write("身份证号确认", row: r, column: 9) }
        try sheet.write("signins/第\(i / 500)期.xlsx「签到」第 \(i % 500 + 4) 行", row: r, column: 10)
    }
    try writer.close()
}

var args = Array(CommandLine.arguments.dropFirst())
if args.first == "--child" {
    do {
        try writeThroughWrapper(args[1], rows: Int(args[2])!)
        exit(0)
    } catch {
        print("wrapper failed: \(error)")
        exit(1)
    }
}

let rows = args.first.flatMap(Int.init) ?? 500_000
let outDir = args.dropFirst().first ?? ".build-bench/report"
_ = measure(["mkdir", "-p", outDir])
let source = String(#filePath.dropLast("main.swift".count)) + "baseline.c"
let baseline = outDir + "/baseline"
let compiled = measure(["sh", "-c", "cc -O2 -o '\(baseline)' '\(source)' $(pkg-config --cflags --libs xlsxwriter)"])
guard compiled.status == 0 else {
    print("cannot compile \(source): is libxlsxwriter-dev installed?")
    exit(1)
}

let rounds = 3
print("report-bench: \(rows) evidence rows × 11 columns, constant-memory mode; best of \(rounds) alternating runs")
let runs = [
    ("C, libxlsxwriter directly", [baseline, outDir + "/baseline.xlsx", String(rows)], outDir + "/baseline.xlsx"),
    ("Swift, SheetIO XLSXWriter", ["/proc/self/exe", "--child", outDir + "/wrapper.xlsx", String(rows)], outDir + "/wrapper.xlsx"),
]
var best = [(seconds: Double, cpu: Double, peak: Double)](repeating: (.infinity, .infinity, 0), count: runs.count)
for _ in 0..<rounds {
    for (k, (label, argv, _)) in runs.enumerated() {
        let run = measure(argv)
        guard run.status == 0 else {
            print("\(label): failed (exit \(run.status))")
            exit(1)
        }
        best[k] = (min(best[k].seconds, run.seconds), min(best[k].cpu, run.cpu), max(best[k].peak, run.peakMiB))
    }
}
for (k, (label, _, file)) in runs.enumerated() {
    var info = stat()
    stat(file, &info)
    let b = best[k]
    let speed = "(\(fixed(Double(rows) / b.seconds / 1000, 0))k rows/s)"
    print("\(label.padding(26))  wall \(fixed(b.seconds, 2)) s \(speed)  cpu \(fixed(b.cpu, 2)) s  peak \(fixed(b.peak, 1)) MiB"
        + "  file \(fixed(Double(info.st_size) / 1_048_576, 1)) MiB")
}
print("wrapper / C: wall \(fixed(best[1].seconds / best[0].seconds, 2))×, cpu \(fixed(best[1].cpu / best[0].cpu, 2))×")

// The whole Report on province-sized evidence, when the data is there.
if let data = args.dropFirst(2).first {
    let root = String(#filePath.dropLast("Benchmarks/report-bench/main.swift".count))
    let config = data + "/report-bench.yaml"
    let yaml = """
        county: 基准县
        template: \(root)templates/guangdong-2019.yaml
        cutoff: 2021-08-31
        population: {resident: 420000}
        inputs: {poor_registry: 建档立卡.xlsx, signins: [签到表_*.xlsx]}
        """
    guard let handle = fopen(config, "w") else { print("cannot write \(config)"); exit(1) }
    fputs(yaml, handle)
    fclose(handle)
    do {
        var t = now()
        let loaded = try Config.load(path: config)
        let evidence = Evidence.load(loaded.sources)
        let evaluation = Evaluator.evaluate(config: loaded, evidence: evidence)
        let readSeconds = now() - t
        let before = peakMiB()
        t = now()
        let out = outDir + "/自评表.xlsx"
        try EvaluationWorkbook.write(evaluation, evidence: evidence, to: out)
        let writeSeconds = now() - t
        let after = peakMiB()
        var info = stat()
        stat(out, &info)
        let a = evidence.attendance
        print("""
            Report on \(data): \(a.signinRows) sign-ins, \(a.persons.count) people, \(a.sessions.count) sessions, \(evidence.findings.count) findings
              read + evaluate   \(fixed(readSeconds, 2)) s, peak \(fixed(before, 0)) MiB
              write workbook    \(fixed(writeSeconds, 2)) s (9 sheets, \(fixed(Double(info.st_size) / 1_048_576, 1)) MiB), peak then \(fixed(after, 0)) MiB
            """)
    } catch {
        print("Report run failed: \(error)")
        exit(1)
    }
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if decimals == 0, text.hasSuffix(".0") { text.removeLast(2) }
    let parts = text.split(separator: ".")
    if decimals > 0 {
        let frac = parts.count > 1 ? String(parts[1]) : ""
        text = String(parts[0]) + "." + frac + String(repeating: "0", count: max(0, decimals - frac.count))
    }
    return text
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
