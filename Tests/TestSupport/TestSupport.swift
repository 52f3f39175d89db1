import Foundation

/// Helpers shared by the test targets: running real programs and finding files.
public enum TestSupport {
    /// The package root, found from this file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public struct ProcessResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs a program found on PATH and waits for it.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                           currentDirectory: URL? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a chatty program cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errBox.data, as: UTF8.self))
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

    /// Files made once per test run by Tests/Fixtures/make_fixtures.py with openpyxl,
    /// XlsxWriter and LibreOffice, plus the hand-built ones of make_hostile.py.
    public static let fixtures: Result<URL, TestFailure> = {
        do {
            let dir = try temporaryDirectory("kaoping-fixtures")
            for script in ["make_fixtures.py", "make_hostile.py"] {
                let path = packageRoot.appendingPathComponent("Tests/Fixtures/\(script)").path
                let result = try run("python3", [path, dir.path])
                guard result.status == 0 else {
                    return .failure(TestFailure("\(script) failed (\(result.status)); run `make test` so its install step provides python3, openpyxl, XlsxWriter and LibreOffice:\n\(result.stderr)"))
                }
            }
            return .success(dir)
        } catch {
            return .failure(TestFailure("cannot make fixtures: \(error)"))
        }
    }()

    /// Path of a fixture file; throws (failing the test) when fixtures could not be made.
    public static func fixture(_ name: String) throws -> String {
        try fixtures.get().appendingPathComponent(name).path
    }

    /// The `kaoping` executable built beside the test bundle.
    public static var kaopingBinary: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("kaoping")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/kaoping")
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
