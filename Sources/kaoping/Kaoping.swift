import ArgumentParser
import SheetIO
#if canImport(Glibc)
import Glibc
#endif

@main
struct Kaoping: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaoping",
        abstract: "Kaoping（考评）：把县里的签到表、站点清单、建档立卡名单整理成考评自评表。",
        subcommands: [Evaluate.self, Check.self, Init.self, TemplateCommand.self, Inspect.self, Convert.self, Serve.self])

    /// Exit codes are a contract (DESIGN §5): 0 done, 1 inputs prevent it, 2 usage errors.
    ///
    /// Every module's errors describe themselves in Chinese (`CustomStringConvertible`), so
    /// this needs no list of error types; ArgumentParser's own errors keep its exit codes.
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitForUsage(error)
        }
        do {
            try command.run()
        } catch {
            // Help and validation surface from run() too (ArgumentParser's help command).
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { exitForUsage(error) }
            Terminal.error((error as? CustomStringConvertible)?.description ?? "\(error)")
            Glibc.exit(1)
        }
    }

    /// ArgumentParser's help, version and usage errors, worded after our 错误： prefix.
    static func exitForUsage(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Glibc.exit(0)
        }
        // ArgumentParser starts its messages with "Error: ", which would follow our "错误：".
        var message = fullMessage(for: error)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        Terminal.error(message)
        Glibc.exit(code == .validationFailure ? 2 : code.rawValue == 1 ? 1 : 2)
    }
}

/// The county's config, the argument `evaluate` and `check` share.
struct ConfigFileArgument: ParsableArguments {
    @Argument(help: "配置文件（config.yaml）")
    var config: String
}

/// A failure the user must act on, already worded in Chinese.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum Terminal {
    static func error(_ text: String) {
        FileHandleStream.standardError.writeLines("错误：" + text + "\n")
    }

    static func note(_ text: String) {
        FileHandleStream.standardError.writeLines(text + "\n")
    }
}

/// Everything the command prints goes out as whole lines, one `write(2)` per line, on
/// standard output (here) or standard error (`Terminal`): when both go to one file, lines
/// never interleave mid-line and a UTF-8 character is never split. Shadows `Swift.print`
/// in this module, whose buffered output would be flushed in 4 KiB pieces.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    FileHandleStream.standardOutput.writeLines(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

/// Unbuffered writes to a file descriptor.
struct FileHandleStream: TextOutputStream {
    let descriptor: Int32
    static let standardOutput = FileHandleStream(descriptor: 1)
    static let standardError = FileHandleStream(descriptor: 2)

    /// Writes the text a line at a time, each line (with its newline) in one call.
    func writeLines(_ string: String) {
        var start = string.utf8.startIndex
        let bytes = string.utf8
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")).map { bytes.index(after: $0) } ?? bytes.endIndex
            write(Array(bytes[start..<end]))
            start = end
        }
    }

    func write(_ string: String) { write(Array(string.utf8)) }

    /// One `write(2)` for the bytes; a short write (a full pipe) continues where it stopped.
    func write(_ bytes: [UInt8]) {
        // Nothing sensible is left to do when the terminal itself cannot be written.
        bytes.withUnsafeBytes { _ = Descriptor.writeAll(descriptor, $0) }
    }
}
