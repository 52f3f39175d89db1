#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file that appears complete or not at all.
///
/// Content goes to a hidden temporary file beside the target (same directory, so the final
/// `rename(2)` is atomic); `commit()` renames it over the target, and an output that is
/// dropped without `commit()` leaves the old target untouched.
public final class AtomicOutput {
    /// Where the output will finally be.
    public let path: String
    /// Where content is written until `commit()`.
    public let temporaryPath: String
    private var finished = false
    /// Where the temporary path is listed for removal if the program is interrupted.
    private var slot: Int?

    /// - Parameter inputs: paths the program read; writing over one of them is refused so an
    ///   input is never lost.
    public init(path: String, refusing inputs: [String] = []) throws {
        try AtomicOutput.refuse(path, ifAnyOf: inputs)
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = "\(dir).\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        slot = TemporaryFiles.register(temporaryPath)
        if let slash, !dir.isEmpty {
            var isDir = stat()
            if stat(String(path[..<slash]).isEmpty ? "/" : String(path[..<slash]), &isDir) != 0 {
                throw SheetError(.writeFailed, file: path, message: "输出目录不存在",
                                 advice: "请先创建目录「\(String(path[..<slash]))」或换一个输出路径")
            }
        }
    }

    /// Throws when `path` names the same file as one of `inputs` (through links or `..` too),
    /// so a program can refuse before doing the work that leads to the write.
    public static func refuse(_ path: String, ifAnyOf inputs: [String]) throws {
        let target = canonical(path)
        for input in inputs where canonical(input) == target {
            throw SheetError(.invalidArgument, file: path, message: "输出文件与输入文件是同一个文件，为防止覆盖原始数据已拒绝写入",
                             advice: "请为输出另选一个文件名")
        }
    }

    /// Moves the finished temporary file over the target.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        TemporaryFiles.unregister(slot)
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw SheetError(.writeFailed, file: path, message: "无法写入输出文件",
                             advice: "请检查该文件是否正被 Excel/WPS 打开，或目录是否可写", detail: reason)
        }
    }

    /// Removes the temporary file; the target keeps what it had.
    public func discard() {
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
        TemporaryFiles.unregister(slot)
    }

    deinit { discard() }

    /// The path with symbolic links and `..` resolved, or as given when it does not exist yet.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Temporary outputs still being written, removed if SIGINT, SIGTERM or SIGHUP ends the
/// program (Ctrl-C, a timeout's kill), so no half-written file is left beside the target.
///
/// The signal handler may only call async-signal-safe functions: the paths wait as C strings
/// in fixed slots, and the handler unlinks them, restores the default action and re-raises.
enum TemporaryFiles {
    static let capacity = 64
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            // Only where nobody else handles the signal (a server's graceful shutdown does).
            let previous = Glibc.signal(signal, removeTemporaryFilesAndExit)
            if unsafeBitCast(previous, to: Int.self) != 0 { Glibc.signal(signal, previous) }
        }
        return slots
    }()
    static let lock = SemaphoreLock()

    static func register(_ path: String) -> Int? {
        lock.wait()
        defer { lock.signal() }
        for i in 0..<capacity where slots[i] == nil {
            slots[i] = strdup(path)
            return i
        }
        return nil
    }

    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.wait()
        defer { lock.signal() }
        let path = slots[slot]
        slots[slot] = nil
        free(path)
    }
}

/// A tiny lock from a POSIX semaphore (SheetIO does not import Foundation or Dispatch).
final class SemaphoreLock: @unchecked Sendable {
    private var semaphore = sem_t()
    init() { sem_init(&semaphore, 0, 1) }
    func wait() { while sem_wait(&semaphore) != 0 && errno == EINTR {} }
    func signal() { sem_post(&semaphore) }
}

private func removeTemporaryFilesAndExit(_ signal: Int32) {
    let slots = TemporaryFiles.slots
    for i in 0..<TemporaryFiles.capacity {
        if let path = slots[i] { unlink(path) }
    }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}
