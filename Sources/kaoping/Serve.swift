import ArgumentParser
import Foundation
import Hummingbird
import Workbench

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "启动考评工作台（网页）：在浏览器中上传材料、核对表头、填写县情数据并计算自评表。",
        discussion: """
            每个考评是 WORKSPACES_DIR 下的一个文件夹（config.yaml、files/、out/），kaoping evaluate 可以直接读取。
            默认只在本机 127.0.0.1 提供服务；在其他地址上提供服务必须用 --password-file 设置密码。
            """)

    @Argument(help: "存放考评工作区的文件夹")
    var workspaces: String = "workspaces"

    @Option(name: .long, help: "监听的地址；默认只允许本机访问")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "端口")
    var port: Int = 8600

    @Option(name: .long, help: "保存密码的文件（第一行为密码）；在 127.0.0.1 以外的地址上必须提供")
    var passwordFile: String?

    @Option(name: .long, help: "单个上传文件的大小上限（MB）")
    var maxFileMb: Int = 50

    @Option(name: .long, help: "每个工作区的文件合计大小上限（MB）")
    var maxWorkspaceMb: Int = 500

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port 应在 0 到 65535 之间") }
        guard maxFileMb > 0, maxWorkspaceMb > 0 else { throw ValidationError("上传大小上限必须大于 0") }
    }

    func run() throws {
        let password = try passwordFile.map { file -> String in
            do { return try WorkbenchOptions.readPassword(file: file) } catch let error as WorkbenchStartError {
                throw CommandFailure(message: error.message)
            }
        }
        let options = WorkbenchOptions(root: workspaces, host: host, port: port, password: password,
                                       maxFileBytes: Int64(maxFileMb) << 20, maxWorkspaceBytes: Int64(maxWorkspaceMb) << 20)
        if let refusal = options.refusal() { throw CommandFailure(message: "工作台未启动：" + refusal) }
        let app: any ApplicationProtocol
        do {
            app = try WorkbenchServer.application(options) { address in
                Terminal.note("考评工作台已启动，请在浏览器中打开：\(address)\n工作区文件夹：\(options.root)\n按 Ctrl+C 停止。")
            }
        } catch {
            throw CommandFailure(message: "工作台未启动：\(error)")
        }
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do { try await app.runService() } catch { failure.set("\(error)") }
            done.signal()
        }
        done.wait()
        if let message = failure.get() { throw CommandFailure(message: "工作台无法在 \(host):\(port) 上运行：\(message)") }
    }
}

final class FailureBox: @unchecked Sendable {
    private var message: String?
    private let lock = NSLock()
    func set(_ text: String) { lock.withLock { message = text } }
    func get() -> String? { lock.withLock { message } }
}
