import ArgumentParser
import Scoring
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
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as SheetError {
            Terminal.error(error.description)
            Glibc.exit(1)
        } catch let error as ConfigError {
            Terminal.error(error.description)
            Glibc.exit(1)
        } catch let error as ConfigErrors {
            Terminal.error("配置有 \(error.errors.count) 处问题：\n" + error.description)
            Glibc.exit(1)
        } catch let error as CommandFailure {
            Terminal.error(error.message)
            Glibc.exit(1)
        } catch {
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
}

/// A failure the user must act on, already worded in Chinese.
struct CommandFailure: Error {
    var message: String
}

enum Terminal {
    static func error(_ text: String) {
        FileHandleStream.standardError.write("错误：" + text + "\n")
    }

    static func note(_ text: String) {
        FileHandleStream.standardError.write(text + "\n")
    }
}

/// Unbuffered writes to a file descriptor, so stderr messages interleave correctly.
struct FileHandleStream: TextOutputStream {
    let descriptor: Int32
    static let standardError = FileHandleStream(descriptor: 2)

    func write(_ string: String) {
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}
