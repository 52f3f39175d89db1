import Foundation

/// Helpers shared by the test targets: running real programs and finding files.
public enum TestSupport {
    /// The package root, found from this file's location (Tests/TestSupport/TestSupport.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public struct ProcessResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Standard output as bytes, for programs that write files to it.
        public var stdoutData: Data
    }

    /// Runs a program and waits for it: a path, or a name looked up on PATH.
    ///
    /// - Parameter stdin: bytes fed to the program's standard input (none: /dev/null).
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String]? = nil, currentDirectory: URL? = nil) throws -> ProcessResult {
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        // Feed and drain every pipe at once, so a chatty program cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        }
        if let input, let stdin {
            DispatchQueue.global().async(group: group) {
                input.fileHandleForWriting.write(stdin)
                try? input.fileHandleForWriting.close()
            }
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errBox.data, as: UTF8.self), stdoutData: outData)
    }

    /// `run` under the name the CLI tests use.
    @discardableResult
    public static func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try run(executable, arguments, stdin: stdin)
    }

    /// Runs a Python script from Tests/Scripts with arguments; fails loudly when it fails.
    public static func python(_ script: String, _ arguments: [String]) throws -> String {
        let path = packageRoot.appendingPathComponent("Tests/Scripts/\(script)").path
        let result = try run("python3", [path] + arguments)
        guard result.status == 0 else {
            throw TestFailure("\(script) failed (\(result.status)):\n\(result.stderr)")
        }
        return result.stdout
    }

    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ label: String = "kaoping") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The directory of files made by Tests/Fixtures/make_fixtures.py (openpyxl, XlsxWriter,
    /// LibreOffice; described in its expected.json) and make_hostile.py (hand-built packages).
    ///
    /// Made once per test process, and cached across runs in `.build-fixtures/<hash of the
    /// scripts>`: the scripts write into a fresh directory that is renamed into place only when
    /// both succeeded, so a concurrent run never sees half a set. A missing python3, Python
    /// package or LibreOffice is a failure naming what the script printed, never a skip.
    public static let fixtures: Result<URL, TestFailure> = {
        do {
            return .success(try FixtureCache.directory())
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("cannot make fixtures: \(error)"))
        }
    }()

    /// Path of a fixture file; throws (failing the test) when fixtures could not be made.
    public static func fixture(_ name: String) throws -> String {
        try fixtures.get().appendingPathComponent(name).path
    }

    /// The `kaoping` executable built beside the test bundle (or `$KAOPING_BINARY`).
    public static var kaopingBinary: URL {
        if let override = ProcessInfo.processInfo.environment["KAOPING_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        // The test runner sits in the build directory (…/debug/KaopingPackageTests.xctest).
        let runner = URL(fileURLWithPath: ProcessInfo.processInfo.arguments.first ?? "")
        for start in [runner.deletingLastPathComponent(), Bundle.main.bundleURL] {
            var dir = start
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("kaoping")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir.deleteLastPathComponent()
            }
        }
        return packageRoot.appendingPathComponent(".build/debug/kaoping")
    }
}

/// The fixture set under its public name: `Fixtures.directory`, `Fixtures.path`, `Fixtures.expected`.
public enum Fixtures {
    /// See `TestSupport.fixtures`.
    public static var directory: URL {
        get throws { try TestSupport.fixtures.get() }
    }

    public static func path(_ name: String) throws -> String {
        try directory.appendingPathComponent(name).path
    }

    /// expected.json, decoded once.
    public static var expected: ExpectedFixtures {
        get throws { try decodedExpectations.get() }
    }

    private static let decodedExpectations: Result<ExpectedFixtures, TestFailure> = {
        do {
            let data = try Data(contentsOf: try directory.appendingPathComponent("expected.json"))
            return .success(try JSONDecoder().decode(ExpectedFixtures.self, from: data))
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("cannot read expected.json: \(error)"))
        }
    }()
}

/// expected.json of make_fixtures.py: what a reader must find in each workbook.
public struct ExpectedFixtures: Decodable, Sendable {
    public var files: [String: ExpectedWorkbook]
    /// Files that must be refused, with the reason (`encrypted`).
    public var unreadable: [String: String]
}

public struct ExpectedWorkbook: Decodable, Sendable {
    public var format: String
    public var producer: String
    public var readBy: String
    public var date1904: Bool
    public var sheets: [ExpectedSheet]
    /// For LibreOffice's copies: what differs from the file it converted.
    public var lostFromSource: [String]?
}

public struct ExpectedSheet: Decodable, Sendable {
    public var name: String
    /// `visible`, `hidden` or `veryHidden`.
    public var visibility: String
    public var merged: [String]
    /// Every non-empty cell by A1 reference.
    public var cells: [String: ExpectedCell]
    /// Formulas the file stores no result for, by A1 reference: no cell to read.
    public var uncachedFormulas: [String: String]
}

public struct ExpectedCell: Decodable, Sendable, Equatable {
    /// `text`, `number`, `date`, `bool` or `error`.
    public var kind: String
    /// The cell's text by the rules of Cell.text.
    public var text: String
    /// The formula whose cached result this is ("" when unknown); nil for a plain value.
    public var formula: String?

    public init(kind: String, text: String, formula: String? = nil) {
        self.kind = kind
        self.text = text
        self.formula = formula
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The on-disk cache of fixture sets, keyed by the scripts that make them.
enum FixtureCache {
    static let scripts = ["make_fixtures.py", "make_hostile.py", "make_signins.py", "make_xls.py"]

    static func directory() throws -> URL {
        let fm = FileManager.default
        var hasher = FNV1a()
        for script in scripts {
            hasher.add(Array(script.utf8))
            hasher.add(Array(try Data(contentsOf: scriptURL(script))))
        }
        let root = TestSupport.packageRoot.appendingPathComponent(".build-fixtures")
        let final = root.appendingPathComponent(hasher.hex)
        if fm.fileExists(atPath: final.appendingPathComponent("expected.json").path) { return final }

        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let staging = root.appendingPathComponent("tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: staging) }
        for script in scripts {
            let result = try TestSupport.run("python3", [scriptURL(script).path, staging.path])
            guard result.status == 0 else {
                throw TestFailure("""
                    \(script) failed (exit \(result.status)); it needs python3 with openpyxl, XlsxWriter, \
                    python-calamine and msoffcrypto-tool, and LibreOffice (soffice): `make deps` installs them.
                    \(result.stderr)
                    """)
            }
        }
        // rename(2) is atomic; when a concurrent run got there first, its set is as good as ours.
        if rename(staging.path, final.path) != 0 && !fm.fileExists(atPath: final.appendingPathComponent("expected.json").path) {
            throw TestFailure("cannot move fixtures into \(final.path): \(String(cString: strerror(errno)))")
        }
        return final
    }

    static func scriptURL(_ name: String) -> URL {
        TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/\(name)")
    }
}

/// 64-bit FNV-1a: a cache key, not a security measure.
struct FNV1a {
    private var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
