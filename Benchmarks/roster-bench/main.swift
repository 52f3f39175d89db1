// Runs sign-in sheets and a registered-poor list through Roster — recognise, normalise,
// dedupe, tag — and prints each phase beside the bare SheetIO read of the same files, with
// rows/s and peak memory. `make bench` runs it on Benchmarks/make_roster_data.py's files.
import Roster
import BenchSupport
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

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

/// The real run, alone in its process so that its peak memory is its own.
func evidenceLoad() {
    let t = now()
    let cpu = cpuSeconds()
    var sources = EvidenceSources()
    sources.signins = signinFiles
    sources.registry = [registryFile]
    sources.province = "44"
    let evidence = Evidence.load(sources)
    let seconds = now() - t
    let rows = evidence.attendance.signinRows
    print(String(format: "  Evidence.load, all cores       %6.2f s  %9.0f sign-ins/s (%.2f s of processor time), peak %.0f MiB",
                 seconds, Double(rows) / seconds, cpuSeconds() - cpu, peakMiB()))
    print("  person-times \(evidence.attendance.personTimes), persons \(evidence.attendance.persons.count), "
          + "reviews \(evidence.attendance.reviews.count), findings \(evidence.findings.count), "
          + "poor labour population \(evidence.registry.laborPopulationCount), trained \(evidence.registry.trainedLabor.count)")
}

/// Each phase one after another, beside SheetIO reading the same sheets (the baseline).
func phases() throws {
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
    _ = PoorRegistry(people: people, attendance: attendance)
    let tagSeconds = now() - t
    let total = importSeconds + linkSeconds + tagSeconds
    let rows = attendance.signinRows
    print("Roster: \(signinFiles.count) sign-in files, \(imports.count) sheets, \(rows) sign-ins; registry \(people.count) people")
    print(String(format: "  SheetIO read only (baseline)   %6.2f s  %9.0f rows/s", readSeconds, Double(rawRows) / readSeconds))
    print(String(format: "  read + recognise + normalise   %6.2f s  %9.0f rows/s", importSeconds, Double(rows) / importSeconds))
    print(String(format: "  dedupe and link persons        %6.2f s", linkSeconds))
    print(String(format: "  registry read + poor tagging   %6.2f s", tagSeconds))
    print(String(format: "  phases one after another       %6.2f s  %9.0f sign-ins/s", total, Double(rows) / total))
}

do {
    if CommandLine.arguments.dropFirst(2).first == "load" {
        evidenceLoad()
    } else {
        try phases()
    }
} catch {
    print("\(error)")
    exit(1)
}
