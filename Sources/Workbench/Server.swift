import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// How `kaoping serve` runs.
public struct WorkbenchOptions: Sendable {
    /// The folder holding one folder per workspace.
    public var root: String
    public var host: String
    public var port: Int
    /// The secret every request must carry when set (required off loopback).
    public var password: String?
    public var maxFileBytes: Int64
    public var maxWorkspaceBytes: Int64

    public init(root: String, host: String = "127.0.0.1", port: Int = 8600, password: String? = nil,
                maxFileBytes: Int64 = 50 << 20, maxWorkspaceBytes: Int64 = 500 << 20) {
        self.root = root
        self.host = host
        self.port = port
        self.password = password
        self.maxFileBytes = maxFileBytes
        self.maxWorkspaceBytes = maxWorkspaceBytes
    }

    /// Loopback addresses: the only ones served without a password.
    public static func isLoopback(_ host: String) -> Bool {
        if ["localhost", "::1", "[::1]"].contains(host.lowercased()) { return true }
        // 127.x.y.z written as an address, not a name beginning so (127.0.0.1.evil.example).
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy {
            !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } && Int($0)! <= 255
        }
    }

    /// Why these options cannot start a server, in Chinese; nil when they can.
    public func refusal() -> String? {
        if !WorkbenchOptions.isLoopback(host) && (password ?? "").isEmpty {
            return "在 \(host) 上提供服务意味着局域网中的其他电脑也能访问，而材料中有身份证号等个人信息；请用 --password-file 指定一个保存密码的文件，或去掉 --host 只在本机（127.0.0.1）使用"
        }
        if let password, password.count < 8 {
            return "密码太短（至少 8 个字符），请在密码文件中写一个更长的密码"
        }
        if maxFileBytes <= 0 || maxWorkspaceBytes <= 0 { return "上传大小上限必须大于 0" }
        return nil
    }

    /// Reads a password file: its first line, without surrounding white space.
    public static func readPassword(file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw WorkbenchStartError(message: "无法读取密码文件「\(file)」，请检查路径")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !line.isEmpty else { throw WorkbenchStartError(message: "密码文件「\(file)」是空的，请在第一行写上密码") }
        return line
    }
}

public struct WorkbenchStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum WorkbenchServer {
    /// The application serving the workbench; `onRunning` gets the address once it listens.
    public static func application(_ options: WorkbenchOptions,
                                   onRunning: @escaping @Sendable (String) -> Void = { _ in }) throws -> some ApplicationProtocol {
        if let refusal = options.refusal() { throw WorkbenchStartError(message: refusal) }
        let store = try WorkspaceStore(root: options.root)
        let router = Routes.router(store: store, options: options)
        var logger = Logger(label: "kaoping-serve")
        logger.logLevel = .warning
        let host = options.host
        return Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "kaoping"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
                onRunning("http://\(shown):\(port)/")
            },
            logger: logger)
    }
}

// MARK: - Security

/// Sessions made by /login: random tokens held in memory (a restart logs everyone out).
final class Sessions: @unchecked Sendable {
    private var tokens: Set<String> = []
    private let lock = NSLock()

    func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        lock.withLock { _ = tokens.insert(token) }
        return token
    }

    func contains(_ token: String) -> Bool {
        lock.withLock { tokens.contains { Secret.equal($0, token) } }
    }

    func remove(_ token: String) { lock.withLock { _ = tokens.remove(token) } }
}

enum Secret {
    /// Compares in time that depends only on the lengths, not on where the texts differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0xFF)
        }
        return difference == 0
    }
}

/// Guards every request, in this order:
/// 1. without a password (loopback only), the Host header must name a loopback address, so
///    that a web page cannot reach the workbench by rebinding a domain name to 127.0.0.1;
/// 2. a state-changing request (POST, PUT, PATCH, DELETE) must not come from another site:
///    a browser's `Origin` must equal this server's, and `Sec-Fetch-Site` must be
///    same-origin or none; a request authenticated by the session cookie must carry `Origin`;
/// 3. with a password, everything but /login needs the session cookie or
///    `Authorization: Bearer <password>`; otherwise 401.
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let password: String?
    let sessions: Sessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        if password == nil {
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
            guard WorkbenchOptions.isLoopback(name) else {
                return Reply.error(.forbidden, "只接受本机地址（127.0.0.1 或 localhost）的访问")
            }
        }
        let changing = [.post, .put, .patch, .delete].contains(request.method)
        let origin = request.headers[.origin]
        if changing {
            if let origin, !Self.sameOrigin(origin, host: host) {
                return Reply.error(.forbidden, "拒绝来自其他网站（\(origin)）的修改请求")
            }
            if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
                return Reply.error(.forbidden, "拒绝来自其他网站的修改请求")
            }
        }
        guard let password else { return try await next(request, context) }
        let path = request.uri.path
        if path == "/login" || path == "/app.css" { return try await next(request, context) }
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            if Secret.equal(String(authorization.dropFirst(7)), password) { return try await next(request, context) }
            return unauthorized(path)
        }
        if let token = Self.cookie("kaoping_session", in: request), sessions.contains(token) {
            // A cookie rides along with cross-site requests; a changing one must show its origin.
            if changing && origin == nil && request.headers[HTTPField.Name("Sec-Fetch-Site")!] == nil {
                return Reply.error(.forbidden, "修改请求缺少来源（Origin）信息，已拒绝")
            }
            return try await next(request, context)
        }
        return unauthorized(path)
    }

    private func unauthorized(_ path: String) -> Response {
        if path.hasPrefix("/api/") {
            var response = Reply.error(.unauthorized, "需要登录：请在页面上登录，或在请求中加上 Authorization: Bearer <密码>")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"kaoping\""
            return response
        }
        var response = Reply.html(Page.login(failed: false), status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"kaoping\""
        return response
    }

    static func sameOrigin(_ origin: String, host: String) -> Bool {
        origin.lowercased() == "http://\(host.lowercased())" || origin.lowercased() == "https://\(host.lowercased())"
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }
}

// MARK: - Replies

enum Reply {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                           HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return json(String(decoding: data, as: UTF8.self), status: status)
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }

    static func error(_ error: WorkbenchError) -> Response {
        Reply.error(HTTPResponse.Status(code: error.status.rawValue), error.message)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                                           HTTPField.Name("X-Frame-Options")!: "DENY",
                                           HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; frame-ancestors 'none'"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func bytes(_ bytes: [UInt8], type: String, cache: String = "no-cache", filename: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: cache, HTTPField.Name("X-Content-Type-Options")!: "nosniff"]
        if let filename {
            let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download"
            headers[.contentDisposition] = "attachment; filename=\"\(Reply.asciiName(filename))\"; filename*=UTF-8''\(encoded)"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An ASCII stand-in for a Chinese file name, for old clients.
    static func asciiName(_ name: String) -> String {
        let ext = (name as NSString).pathExtension
        return "kaoping" + (ext.isEmpty ? "" : "." + ext)
    }
}
