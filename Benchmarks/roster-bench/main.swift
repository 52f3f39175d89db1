// Runs sign-in sheets and a registered-poor list through Roster — recognise, normalise,
// dedupe, tag — and prints each phase beside the bare SheetIO read of the same files, with
// rows/s and peak memory. `make bench` runs it on Benchmarks/make_roster_data.py's files.
import Roster
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Processor time of this process (user + system), to tell our work from a busy machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func peakMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func files(in dir: String) -> [String] {
    guard let handle = opendir(dir) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name.hasSuffix(".xlsx") { names.append(dir + "/" + name) }
    }
    return names.sorted()
}

let dir = CommandLine.arguments.dropFirst().first ?? ".build-bench/roster"
let all = files(in: dir)
let signinFiles = all.filter { !$0.hasSuffix("建档立卡.xlsx") }
guard let registryFile = all.first(where: { $0.hasSuffix("建档立卡.xlsx") }), !signinFiles.isEmpty else {
    print("no data in \(dir): run Benchmarks/make_roster_data.py first")
    exit(2)
}

do {
    // Baseline: SheetIO alone reading the same sheets into memory.
    var t = now()
    var rawRows = 0
    for file in signinFiles {
        let workbook = try Workbook.open(file)
        for sheet in workbook.sheets { rawRows += try workbook.read(sheet).rows.count }
    }
    let readSeconds = now() - t

    t = now()
    var imports: [SigninImport] = []
    for file in signinFiles {
        let workbook = try Workbook.open(file)
        for sheet in workbook.sheets { imports.append(SigninImporter.read(try workbook.read(sheet), file: file)) }
    }
    let importSeconds = now() - t
    t = now()
    let attendance = Attendance(imports: imports)
    let linkSeconds = now() - t
    t = now()
    let registryBook = try Workbook.open(registryFile)
    let people = RegistryImporter.read(try registryBook.read(registryBook.sheets[0]), file: registryFile).people
    let poor = PoorRegistry(people: people, attendance: attendance)
    let tagSeconds = now() - t
    let phases = importSeconds + linkSeconds + tagSeconds

    // The real run: Evidence.load reads the sign-in workbooks on every core.
    t = now()
    let cpu = cpuSeconds()
    var sources = EvidenceSources()
    sources.signins = signinFiles
    sources.registry = [registryFile]
    sources.province = "44"
    let evidence = Evidence.load(sources)
    let total = now() - t
    let totalCPU = cpuSeconds() - cpu
    let rows = attendance.signinRows
    print("Roster: \(signinFiles.count) sign-in files, \(imports.count) sheets, \(rows) sign-ins; registry \(people.count) people")
    print(String(format: "  SheetIO read only (baseline)   %6.2f s  %9.0f rows/s", readSeconds, Double(rawRows) / readSeconds))
    print(String(format: "  read + recognise + normalise   %6.2f s  %9.0f rows/s", importSeconds, Double(rows) / importSeconds))
    print(String(format: "  dedupe and link persons        %6.2f s", linkSeconds))
    print(String(format: "  registry read + poor tagging   %6.2f s", tagSeconds))
    print(String(format: "  phases one after another       %6.2f s  %9.0f sign-ins/s", phases, Double(rows) / phases))
    print(String(format: "  Evidence.load, all cores       %6.2f s  %9.0f sign-ins/s (%.2f s of processor time), %d findings", total,
                 Double(evidence.attendance.signinRows) / total, totalCPU, evidence.findings.count))
    print(String(format: "  peak memory                    %6.0f MiB", peakMiB()))
    print("  person-times \(attendance.personTimes), persons \(attendance.persons.count), reviews \(attendance.reviews.count), "
          + "poor labour population \(poor.laborPopulationCount), trained \(poor.trainedLabor.count)")
} catch {
    print("\(error)")
    exit(1)
}
