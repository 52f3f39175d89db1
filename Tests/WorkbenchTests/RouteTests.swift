import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Roster
import Testing
import TestSupport
@testable import Workbench

/// A workbench over a fresh workspaces folder, tested through HummingbirdTesting.
struct Bench {
    let root: String
    let options: WorkbenchOptions

    init(password: String? = nil, maxFileBytes: Int64 = 50 << 20, maxWorkspaceBytes: Int64 = 500 << 20) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-\(UUID().uuidString)").path
        options = WorkbenchOptions(root: root, password: password, maxFileBytes: maxFileBytes, maxWorkspaceBytes: maxWorkspaceBytes)
    }

    func app() throws -> some ApplicationProtocol {
        Application(router: Routes.router(store: try WorkspaceStore(root: root), options: options))
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app().test(.router, body)
    }
}

extension TestClientProtocol {
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, bytes: [UInt8]? = nil, text: String? = nil,
              headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        var body: ByteBuffer?
        if let json { body = ByteBuffer(string: json); headers[.contentType] = "application/json" }
        if let bytes { body = ByteBuffer(bytes: bytes) }
        if let text { body = ByteBuffer(string: text) }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    func create(_ county: String = "乐昌市") async throws -> String {
        let response = try await call(.post, "/api/workspaces", json: #"{"county":"\#(county)","template":"guangdong-2019","cutoff":"2021-08-31"}"#)
        #expect(response.status == .created)
        return try response.object()["id"] as! String
    }

    func upload(_ id: String, _ path: String, _ bytes: [UInt8]) async throws -> TestResponse {
        let encoded = path.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))! }
        return try await call(.put, "/api/workspaces/\(id)/files/" + encoded.joined(separator: "/"), bytes: bytes)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func object() throws -> [String: Any] { try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:] }
    func array() throws -> [[String: Any]] { try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? [] }
}

/// Sign-in CSVs with real check digits (IDNumber's own), written as Chinese Excel would.
enum Samples {
    static func id(_ body17: String) -> String { body17 + String(IDNumber.checkCharacter(body17)!) }

    static func signins(_ rows: [(String, String, String, String)], title: String = "培训时间：2020年7月15日") -> [UInt8] {
        var lines = [title, "序号,姓名,身份证号,联系电话,村"]
        for (n, row) in rows.enumerated() { lines.append("\(n + 1),\(row.0),\(row.1),\(row.2),\(row.3)") }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    static let villages: [UInt8] = Array("镇,村,是否省定贫困村\n坪石镇,水口村,是\n坪石镇,老坪石村,否\n坪石镇,坪石社区居委会,否\n".utf8)

    /// A zip made by Python's zipfile: entries as given (traversal names included, on purpose).
    static func zip(_ entries: [(String, String)]) throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("z-\(UUID().uuidString).zip").path
        let spec = try JSONSerialization.data(withJSONObject: entries.map { [$0.0, $0.1] })
        let script = "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\nfor n,t in json.loads(sys.stdin.read()): z.writestr(n,t)\nz.close()"
        let result = try TestSupport.run("python3", ["-c", script, out], stdin: spec)
        #expect(result.status == 0, "\(result.stderr)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        return [UInt8](try #require(FileManager.default.contents(atPath: out)))
    }
}

@Suite struct PageRouteTests {
    @Test func pageAndAssetsAreServedFromTheBinary() async throws {
        try await Bench().test { client in
            let page = try await client.call(.get, "/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-cache")
            #expect(page.text.contains("<html"))
            #expect(try await client.call(.get, "/app.js").headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(try await client.call(.get, "/app.css").headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await client.call(.get, "/nothing-here").status == .notFound)
            let templates = try await client.call(.get, "/api/templates").array()
            #expect(templates.first?["id"] as? String == "guangdong-2019")
            // Without a password there is nothing to log in to.
            #expect(try await client.call(.get, "/login").status == .seeOther)
        }
    }

    @Test func workspacesAreCreatedListedAndShown() async throws {
        let bench = try Bench()
        try await bench.test { client in
            let id = try await client.create()
            #expect(id.count == 26 && id.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
            let list = try await client.call(.get, "/api/workspaces").array()
            #expect(list.map { $0["id"] as? String } == [id])
            #expect(list[0]["county"] as? String == "乐昌市")
            let shown = try await client.call(.get, "/api/workspaces/\(id)").object()
            #expect(shown["cutoff"] as? String == "2021-08-31")
            #expect(shown["hasResult"] as? Bool == false)
            #expect((shown["files"] as? [Any])?.isEmpty == true)
            // Unknown and malformed ids: 404, never a path outside the store.
            for bad in ["aaaaaaaaaaaaaaaaaaaaaaaaaa", "..", "%2e%2e", "..%2F..%2Fetc"] {
                #expect(try await client.call(.get, "/api/workspaces/\(bad)").status == .notFound, "\(bad)")
                #expect(try await client.call(.post, "/api/workspaces/\(bad)/evaluate").status == .notFound, "\(bad)")
            }
            let missing = try await client.call(.post, "/api/workspaces", json: #"{"county":"","template":"guangdong-2019"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(try missing.object()["error"] as? String == "请填写县（市、区）名称，如“乐昌市”（不超过 40 个字，不含斜杠）")
            #expect(try await client.call(.post, "/api/workspaces", json: #"{"county":"x","template":"nope"}"#).status == .unprocessableContent)
            #expect(try await client.call(.post, "/api/workspaces", text: "not json").status == .badRequest)
        }
        // The workspace is a folder the command line reads: config.yaml names the county.
        let folders = try FileManager.default.contentsOfDirectory(atPath: bench.root)
        let config = try String(contentsOfFile: bench.root + "/" + folders[0] + "/config.yaml", encoding: .utf8)
        #expect(config.contains("county: \"乐昌市\""))
        #expect(config.contains("decisions: decisions.yaml"))
    }
}

@Suite struct UploadRouteTests {
    @Test func filesAreClassifiedWithTheirReasonAndListedInTheConfig() async throws {
        let bench = try Bench()
        try await bench.test { client in
            let id = try await client.create()
            let signins = try await client.upload(id, "签到/第一期.csv", Samples.signins([("张三", Samples.id("44028119900101123"), "13800001111", "水口村")]))
            #expect(signins.status == .created)
            let view = try signins.object()
            #expect(view["path"] as? String == "files/签到/第一期.csv")
            #expect(view["class"] as? String == "signins")
            #expect(view["reason"] as? String == "工作表「第一期」第 2 行表头有“姓名”“身份证号”“联系电话”“村”，是签到表的列")
            let villages = try await client.upload(id, "行政村.csv", Samples.villages).object()
            #expect(villages["class"] as? String == "villages")
            let notes = try await client.upload(id, "填表说明.docx", Array("说明".utf8)).object()
            #expect(notes["class"] as? String == "not_data")
            #expect(notes["reason"] as? String == "不是表格文件（.docx），不作为数据读取")

            // A class a person changes is saved into the config; exclusion too.
            let patched = try await client.call(.patch, "/api/workspaces/\(id)/files/%E8%A1%8C%E6%94%BF%E6%9D%91.csv", json: #"{"class":"stations"}"#)
            #expect(patched.status == .ok)
            #expect(try patched.object()["class"] as? String == "stations")
            let excluded = try await client.call(.patch, "/api/workspaces/\(id)/files/%E8%A1%8C%E6%94%BF%E6%9D%91.csv", json: #"{"excluded":true}"#)
            #expect(try excluded.object()["excluded"] as? Bool == true)
            let files = try await client.call(.get, "/api/workspaces/\(id)").object()["files"] as! [[String: Any]]
            #expect(files.map { $0["path"] as! String } == ["files/填表说明.docx", "files/签到/第一期.csv", "files/行政村.csv"])
            #expect(files.map { $0["class"] as! String } == ["not_data", "signins", "stations"])

            let config = try await client.call(.get, "/api/workspaces/\(id)/config").text
            #expect(config.contains("  signins:\n    - \"files/签到/第一期.csv\""))
            #expect(config.contains("excluded:\n  - \"files/填表说明.docx\"\n  - \"files/行政村.csv\""))

            #expect(try await client.call(.delete, "/api/workspaces/\(id)/files/%E7%AD%BE%E5%88%B0/%E7%AC%AC%E4%B8%80%E6%9C%9F.csv").status == .noContent)
            #expect(try await client.call(.delete, "/api/workspaces/\(id)/files/none.csv").status == .notFound)
            let after = try await client.call(.get, "/api/workspaces/\(id)/config").text
            #expect(!after.contains("第一期.csv"))
        }
    }

    @Test func namesLeavingTheWorkspaceAreRefusedInEveryEncoding() async throws {
        let bench = try Bench()
        try await bench.test { client in
            let id = try await client.create()
            for path in ["../escape.csv", "..%2Fescape.csv", "%2e%2e/escape.csv", "%2E%2E%2Fescape.csv", "%252e%252e%252fescape.csv",
                         "a/%2e%2e/%2e%2e/escape.csv", "..%5Cescape.csv", "a%5C..%5C..%5Cescape.csv", "x%00.csv", "x%0A.csv",
                         "%2Fetc%2Fpasswd", "C:%5Cescape.csv", "%EF%BC%8E%EF%BC%8E/escape.csv", ".hidden.csv"] {
                let response = try await client.call(.put, "/api/workspaces/\(id)/files/\(path)", bytes: Array("a,b\n".utf8))
                #expect(response.status == .badRequest, "\(path)")
                #expect(try response.object()["error"] as? String != nil)
            }
            let other = try await client.create("清新区")
            // One workspace never reaches another's files.
            #expect(try await client.call(.put, "/api/workspaces/\(id)/files/..%2F..%2F\(other)%2Fconfig.yaml", bytes: [1]).status == .badRequest)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/sheets?file=files/..%2F..%2F\(other)%2Fconfig.yaml").status == .badRequest)
        }
        let escaped = FileManager.default.fileExists(atPath: bench.root + "/escape.csv")
            || FileManager.default.fileExists(atPath: (bench.root as NSString).deletingLastPathComponent + "/escape.csv")
        #expect(!escaped)
    }

    @Test func oversizeUploadsGet413InChinese() async throws {
        let bench = try Bench(maxFileBytes: 2048, maxWorkspaceBytes: 3000)
        try await bench.test { client in
            let id = try await client.create()
            let big = try await client.upload(id, "大.csv", [UInt8](repeating: 0x41, count: 4096))
            #expect(big.status == .contentTooLarge)
            #expect(try big.object()["error"] as? String == "文件「大.csv」超过单个文件上限 2048 字节，未保存；如确需上传，请用 --max-file-mb 调高上限")
            #expect(try await client.upload(id, "a.csv", [UInt8](repeating: 0x41, count: 2000)).status == .created)
            let over = try await client.upload(id, "b.csv", [UInt8](repeating: 0x41, count: 2000))
            #expect(over.status == .contentTooLarge)
            #expect(try over.object()["error"] as? String == "工作区的文件合计将超过上限 3000 字节，「b.csv」未保存；请删除不用的文件，或用 --max-workspace-mb 调高上限")
        }
    }

    @Test func zipsAreUnpackedIntoAFolderAndTraversalEntriesRefuseTheArchive() async throws {
        let bench = try Bench()
        try await bench.test { client in
            let id = try await client.create()
            let good = try Samples.zip([("材料/签到/第一期.csv", String(decoding: Samples.signins([("李四", Samples.id("44028119850505002"), "", "水口村")]), as: UTF8.self)),
                                        ("材料/行政村.csv", String(decoding: Samples.villages, as: UTF8.self)),
                                        ("__MACOSX/材料/._行政村.csv", "junk")])
            let response = try await client.upload(id, "材料.zip", good)
            #expect(response.status == .created)
            let files = try response.object()["files"] as! [[String: Any]]
            #expect(files.map { $0["path"] as! String } == ["files/材料/签到/第一期.csv", "files/材料/行政村.csv"])
            #expect(files.map { $0["class"] as! String } == ["signins", "villages"])

            for evil in ["../evil.csv", "a/../../evil.csv", "/abs/evil.csv", "a\\..\\evil.csv"] {
                let bad = try Samples.zip([("ok.csv", "a,b"), (evil, "x")])
                let refused = try await client.upload(id, "bad.zip", bad)
                #expect(refused.status == .badRequest, "\(evil)")
                #expect((try refused.object()["error"] as? String)?.hasPrefix("压缩包中的条目：文件名") == true)
            }
            // Nothing of a refused archive stays.
            let listed = try await client.call(.get, "/api/workspaces/\(id)").object()["files"] as! [[String: Any]]
            #expect(listed.count == 2)
        }
        #expect(!FileManager.default.fileExists(atPath: bench.root + "/evil.csv"))
    }

    @Test func aZipFromChineseWindowsKeepsItsGBKNames() async throws {
        // Windows' "send to compressed folder" on a Chinese system stores GBK names without the
        // UTF-8 flag: written here byte by byte, as that zip looks.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gbk-\(UUID().uuidString).zip").path
        let script = """
            import struct, sys, zlib
            entries = [("材料/签到表.csv".encode("gbk"), "姓名,身份证号\\n张三,\\n".encode("utf-8"))]
            local, central, offset = b"", b"", 0
            for name, data in entries:
                crc = zlib.crc32(data) & 0xffffffff
                head = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name
                central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0, 0, 0, 0, 0, offset) + name
                local += head + data
                offset += len(head) + len(data)
            end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
            open(sys.argv[1], "wb").write(local + central + end)
            """
        let made = try TestSupport.run("python3", ["-c", script, out])
        #expect(made.status == 0, "\(made.stderr)")
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: out)))
        try await Bench().test { client in
            let id = try await client.create()
            let response = try await client.upload(id, "材料.zip", bytes)
            #expect(response.status == .created)
            let files = try response.object()["files"] as! [[String: Any]]
            #expect(files.map { $0["path"] as! String } == ["files/材料/签到表.csv"])
            #expect(files.map { $0["class"] as! String } == ["signins"])
        }
    }

    @Test func aZipBombIsRefused() async throws {
        let bench = try Bench(maxFileBytes: 50 << 20, maxWorkspaceBytes: 500 << 20)
        try await bench.test { client in
            let id = try await client.create()
            // 40 MB of zeros deflates about 1000:1: past the 100x guard.
            let bomb = try Samples.zip([("zeros.csv", String(repeating: "0", count: 40 << 20))])
            let response = try await client.upload(id, "bomb.zip", bomb)
            #expect(response.status == .contentTooLarge)
            #expect((try response.object()["error"] as? String)?.contains("疑似“压缩炸弹”") == true)
        }
    }
}

@Suite struct SecurityTests {
    @Test func withAPasswordEverythingButLoginNeedsTheBearerOrTheSession() async throws {
        try await Bench(password: "correct horse battery").test { client in
            #expect(try await client.call(.get, "/api/workspaces").status == .unauthorized)
            #expect(try await client.call(.get, "/").status == .unauthorized)
            #expect(try await client.call(.get, "/app.js").status == .unauthorized)
            #expect(try await client.call(.get, "/login").status == .ok)
            #expect(try await client.call(.get, "/api/workspaces", headers: [.authorization: "Bearer wrong"]).status == .unauthorized)
            #expect(try await client.call(.get, "/api/workspaces", headers: [.authorization: "Basic Y29ycmVjdA=="]).status == .unauthorized)
            #expect(try await client.call(.get, "/api/workspaces", headers: [.authorization: "Bearer correct horse battery"]).status == .ok)
            let created = try await client.call(.post, "/api/workspaces", json: #"{"county":"乐昌市"}"#, headers: [.authorization: "Bearer correct horse battery"])
            #expect(created.status == .created)

            let failed = try await client.call(.post, "/login", text: "password=nope", headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"])
            #expect(failed.status == .unauthorized)
            #expect(failed.headers[.setCookie] == nil)
            let login = try await client.call(.post, "/login", text: "password=correct+horse+battery",
                                              headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"])
            #expect(login.status == .seeOther)
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let session = String(cookie.split(separator: ";")[0])
            #expect(try await client.call(.get, "/", headers: [.cookie: session]).status == .ok)
            #expect(try await client.call(.get, "/api/workspaces", headers: [.cookie: session]).status == .ok)
            #expect(try await client.call(.get, "/api/workspaces", headers: [.cookie: "kaoping_session=forged"]).status == .unauthorized)
            // A cookie-borne change must show where it comes from.
            #expect(try await client.call(.post, "/api/workspaces", json: #"{"county":"x"}"#, headers: [.cookie: session]).status == .forbidden)
            #expect(try await client.call(.post, "/api/workspaces", json: #"{"county":"x"}"#, headers: [.cookie: session, .origin: "http://localhost"]).status == .created)
            let logout = try await client.call(.post, "/logout", headers: [.cookie: session, .origin: "http://localhost"])
            #expect(logout.status == .seeOther)
            #expect(try await client.call(.get, "/api/workspaces", headers: [.cookie: session]).status == .unauthorized)
        }
    }

    @Test func crossSiteChangesAreRefused() async throws {
        try await Bench().test { client in
            let id = try await client.create()
            let evil: [HTTPFields] = [[.origin: "http://evil.example"], [.origin: "http://localhost.evil.example"], [.origin: "null"],
                                      [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"], [HTTPField.Name("Sec-Fetch-Site")!: "same-site"]]
            for headers in evil {
                #expect(try await client.call(.post, "/api/workspaces", json: #"{"county":"x"}"#, headers: headers).status == .forbidden, "\(headers)")
                #expect(try await client.call(.put, "/api/workspaces/\(id)/config", text: "county: x\n", headers: headers).status == .forbidden)
                #expect(try await client.call(.post, "/api/workspaces/\(id)/evaluate", headers: headers).status == .forbidden)
            }
            let same = try await client.call(.post, "/api/workspaces", json: #"{"county":"x"}"#,
                                             headers: [.origin: "http://localhost", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(same.status == .created)
            // Reading is not a change: a GET carries no Origin check.
            #expect(try await client.call(.get, "/api/workspaces", headers: [.origin: "http://evil.example"]).status == .ok)
        }
    }

    @Test func startingOffLoopbackWithoutAPasswordIsRefusedWithTheReason() {
        let refusal = WorkbenchOptions(root: "/tmp/x", host: "0.0.0.0").refusal()
        #expect(refusal?.hasPrefix("在 0.0.0.0 上提供服务意味着局域网中的其他电脑也能访问") == true)
        #expect(WorkbenchOptions(root: "/tmp/x", host: "0.0.0.0", password: "long enough secret").refusal() == nil)
        #expect(WorkbenchOptions(root: "/tmp/x").refusal() == nil)
        #expect(throws: WorkbenchStartError.self) { try WorkbenchServer.application(WorkbenchOptions(root: "/tmp/x", host: "192.168.1.5")) }
        #expect(Secret.equal("abc", "abc") && !Secret.equal("abc", "abd") && !Secret.equal("abc", "abcd"))
        // Loopback means an address or localhost, not a name that starts like one.
        #expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].allSatisfy(WorkbenchOptions.isLoopback))
        #expect(!["127.0.0.1.evil.example", "127.evil", "0.0.0.0", "localhost.evil.example", "192.168.1.5", "127.0.0.256"].contains(where: WorkbenchOptions.isLoopback))
    }
}

@Suite struct HandWrittenConfigTests {
    /// A workspace made by hand, as `make serve` and a clerk's own folder are: files in data/,
    /// globs in the inputs, comments and keys the page does not manage.
    @Test func aHandWrittenConfigOpensAndKeepsItsOwnParts() async throws {
        let bench = try Bench()
        let dir = bench.root + "/county-1"
        try FileManager.default.createDirectory(atPath: dir + "/data/signins", withIntermediateDirectories: true)
        try Data(Samples.signins([("张三", Samples.id("44028119900101123"), "13800001111", "水口村")])).write(to: URL(fileURLWithPath: dir + "/data/signins/a.csv"))
        try Data(Samples.signins([("李四", Samples.id("44028119850505002"), "", "水口村")])).write(to: URL(fileURLWithPath: dir + "/data/signins/b.csv"))
        try Data(Samples.villages).write(to: URL(fileURLWithPath: dir + "/data/村.csv"))
        try Data("说明".utf8).write(to: URL(fileURLWithPath: dir + "/data/readme.txt"))
        let config = """
            # 手写的配置
            county: 乐昌市
            template: guangdong-2019
            inputs:
              signins: [data/signins/*.csv]   # 全部签到表
            poor: {exclude_migrant: true}     # 保留
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir + "/config.yaml"))
        try await bench.test { client in
            let shown = try await client.call(.get, "/api/workspaces/county-1").object()
            let files = shown["files"] as! [[String: Any]]
            #expect(files.map { $0["path"] as! String } == ["data/readme.txt", "data/signins/a.csv", "data/signins/b.csv", "data/村.csv"])
            #expect(files.map { $0["class"] as! String } == ["not_data", "signins", "signins", "villages"])
            // Not named by any input: shown as not read, with what its header suggests.
            #expect(files.map { $0["excluded"] as! Bool } == [true, false, false, true])
            #expect((files[3]["reason"] as? String)?.hasPrefix("配置的输入中没有这个文件，目前未读取；按表头看是行政村清单") == true)

            // Using it puts it in the inputs; taking b.csv out of the glob lists the rest by name.
            #expect(try await client.call(.patch, "/api/workspaces/county-1/files/data/%E6%9D%91.csv", json: #"{"excluded": false}"#).status == .ok)
            #expect(try await client.call(.patch, "/api/workspaces/county-1/files/data/signins/b.csv", json: #"{"excluded": true}"#).status == .ok)
            let text = try await client.call(.get, "/api/workspaces/county-1/config").text
            #expect(text.hasPrefix("# 手写的配置\ncounty: 乐昌市\ntemplate: guangdong-2019\n"))
            #expect(text.contains("poor: {exclude_migrant: true}     # 保留"))
            #expect(text.contains("  signins:\n    - \"data/signins/a.csv\"\n  villages:\n    - \"data/村.csv\""))
            #expect(text.contains("excluded:\n  - \"data/signins/b.csv\""))
            let json = try await client.call(.post, "/api/workspaces/county-1/evaluate").object()
            #expect((json["metrics"] as? [String: Any])?["training_person_times"] as? Int == 1)
            #expect((json["metrics"] as? [String: Any])?["admin_villages"] as? Int == 2)
        }
    }
}
