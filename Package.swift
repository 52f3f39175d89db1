// swift-tools-version:6.0
import PackageDescription

let package = Package(
    // Linux only: the code calls Glibc and links Debian's libxlsxwriter and libzip
    // (Sources/SheetIO/Platform.swift stops a build elsewhere with that reason).
    name: "Kaoping",
    products: [
        .library(name: "SheetIO", targets: ["SheetIO"]),
        .library(name: "Roster", targets: ["Roster"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Workbench", targets: ["Workbench"]),
        .executable(name: "kaoping", targets: ["kaoping"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, nothing else.
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter",
                       providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(name: "CZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"])]),

        .target(name: "SheetIO", dependencies: ["CXlsxWriter", "CZip"]),
        .target(name: "Roster", dependencies: ["SheetIO"]),
        .target(name: "Scoring", dependencies: ["Roster", "Yams"]),
        .target(name: "Report", dependencies: ["Scoring", "Roster", "SheetIO"]),
        .target(name: "Workbench", dependencies: [
            "SheetIO", "Roster", "Scoring", "Report", "Yams",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], resources: [
            .embedInCode("Page/index.html"), .embedInCode("Page/app.js"), .embedInCode("Page/app.css"),
        ]),
        .executableTarget(name: "kaoping", dependencies: [
            "SheetIO", "Roster", "Scoring", "Report", "Workbench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport"),
        .executableTarget(name: "sheetio-bench", dependencies: ["SheetIO", "BenchSupport"], path: "Benchmarks/sheetio-bench"),
        .executableTarget(name: "roster-bench", dependencies: ["Roster", "SheetIO", "BenchSupport"], path: "Benchmarks/roster-bench"),
        .executableTarget(name: "report-bench", dependencies: ["Report", "Scoring", "Roster", "SheetIO", "BenchSupport"], path: "Benchmarks/report-bench",
                          exclude: ["baseline.c"]),

        // libFuzzer harnesses (`make fuzz`); built as usual they replay the files they are given.
        .target(name: "FuzzSupport", dependencies: ["SheetIO"], path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "fuzz-xlsx", dependencies: ["FuzzSupport"], path: "Fuzz/fuzz-xlsx"),
        .executableTarget(name: "fuzz-xls", dependencies: ["FuzzSupport"], path: "Fuzz/fuzz-xls"),
        .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport"], path: "Fuzz/fuzz-csv"),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SheetIOTests", dependencies: ["SheetIO", "TestSupport"]),
        .testTarget(name: "RosterTests", dependencies: ["Roster", "SheetIO", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Roster", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Scoring", "Roster", "SheetIO", "TestSupport"]),
        .testTarget(name: "KaopingCLITests", dependencies: ["Roster", "TestSupport"]),
        .testTarget(name: "WorkbenchTests", dependencies: [
            "Workbench", "Scoring", "Roster", "SheetIO", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
