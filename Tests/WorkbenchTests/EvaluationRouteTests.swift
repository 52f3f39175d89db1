import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Roster
import Testing
import TestSupport
@testable import Workbench

/// The 乐昌市 example, as a clerk would bring it: its data folder zipped, the county figures and
/// manual scores typed into the form, the hand-written parts (poor settings, renamed villages)
/// put into the config.
enum Lechang {
    static let example = TestSupport.packageRoot.appendingPathComponent("examples/lechang")

    static func zip() throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lechang-\(UUID().uuidString).zip").path
        let script = "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED)\nfor d,_,fs in os.walk(sys.argv[1]):\n for f in sorted(fs):\n  p=os.path.join(d,f); z.write(p, os.path.join('乐昌市', os.path.relpath(p, sys.argv[1])))\nz.close()"
        let result = try TestSupport.run("python3", ["-c", script, example.appendingPathComponent("data").path, out])
        #expect(result.status == 0, "\(result.stderr)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        return [UInt8](try #require(FileManager.default.contents(atPath: out)))
    }

    static let form = """
        {"population": 420000, "funds": {"allocated": 5000000, "disbursed": 4167785.00},
         "facts": {"center_opened": "2021-03-26", "park_enterprises": 20, "park_enterprise_types": 3, "logistics_villages": 195,
                   "online_retail": {"previous": 186000000, "current": 244700000}, "media": {"provincial": 1, "municipal": 0, "county": 1}},
         "manual": {"1.1": 2, "1.2": 2, "1.3": 2, "1.4.a": 2, "1.4.b": 2, "2.1.a": 2, "2.1.c": 2, "2.1.d": 1, "2.1.e": 0, "2.1.f": 1,
           "2.1.g": 0, "2.1.h": 2, "2.2.a": 2, "2.2.b": 2, "2.2.c": 1, "2.2.e": 1, "3.1.a": 2, "3.1.b": 2, "3.2.a": 3, "3.2.b": 3,
           "4.1": 0, "5.1": 5, "5.2": 4, "5.3": 5, "B.2": 0, "V.1": false, "V.2": false, "V.3": false}}
        """

    static let handWritten = """
        poor:
          labor_values: [普通劳动力, 技能劳动力, 弱劳动力或半劳动力]
          migrant_values: [县外省内务工, 省外务工]
          exclude_migrant: true
        aliases:                                      # 村名改过：站点清单仍写旧名
          廊田镇: {同吉村: 同吉店村}
          长来镇: {和平村: 和村}

        """

    /// A ready 乐昌市 workspace; returns its id.
    static func prepare(_ client: any TestClientProtocol) async throws -> String {
        let id = try await client.create()
        let upload = try await client.upload(id, "乐昌市.zip", try zip())
        #expect(upload.status == .created)
        let files = try upload.object()["files"] as! [[String: Any]]
        #expect(files.count == 35)
        #expect(files.filter { $0["class"] as? String == "signins" }.count == 32)
        #expect(Set(files.compactMap { $0["class"] as? String }) == ["signins", "villages", "stations", "poor_registry"])
        #expect(try await client.call(.patch, "/api/workspaces/\(id)/form", json: form).status == .ok)
        let config = try await client.call(.get, "/api/workspaces/\(id)/config").text
        #expect(try await client.call(.put, "/api/workspaces/\(id)/config", text: config + handWritten).status == .ok)
        return id
    }
}

@Suite(.serialized) struct EvaluationRouteTests {
    @Test func lechangUploadedThroughTheAPIEvaluatesTo89AsTheCommandLineDoes() async throws {
        let bench = try Bench()
        let id = ManagedID()
        try await bench.test { client in
            let workspace = try await Lechang.prepare(client)
            id.value = workspace
            let response = try await client.call(.post, "/api/workspaces/\(workspace)/evaluate")
            #expect(response.status == .ok)
            let json = try response.object()
            #expect(json["total"] as? Int == 89)
            #expect((json["metrics"] as? [String: Any])?["training_person_times"] as? Int == 4385)
            id.json = response.text

            let progress = try await client.call(.get, "/api/workspaces/\(workspace)/progress").object()
            #expect(progress["running"] as? Bool == false)
            #expect(progress["phase"] as? String == "完成")
            #expect(progress["done"] as? Int == 35 && progress["total"] as? Int == 35)

            let result = try await client.call(.get, "/api/workspaces/\(workspace)/result").object()
            #expect((result["json"] as? [String: Any])?["total"] as? Int == 89)
            let items = result["items"] as! [[String: Any]]
            let coverage = try #require(items.first { $0["id"] as? String == "2.3.a" })
            #expect(coverage["score"] as? Int == 10 && coverage["basis"] as? String == "computed")
            let metric = try #require((result["metrics"] as! [[String: Any]]).first { $0["key"] as? String == "training_person_times" })
            #expect(metric["value"] as? Int == 4385)
            let findings = result["findings"] as! [[String: Any]]
            #expect(!findings.isEmpty)
            // No whole ID number or phone anywhere on the page's answers.
            for text in [try await client.call(.get, "/api/workspaces/\(workspace)/result").text,
                         try await client.call(.get, "/api/workspaces/\(workspace)/review").text] {
                #expect(text.range(of: #"(?<![\d.])(\d{17}[\dXx]|1[3-9]\d{9})(?![\d])"#, options: .regularExpression) == nil)
            }
            // A finding's row, masked.
            let onRow = try #require(findings.first { $0["row"] is Int && ($0["file"] as? String)?.hasSuffix(".xlsx") == true })
            let row = try await client.call(.get, "/api/workspaces/\(workspace)/findings/\(onRow["n"] as! Int)/row")
            #expect(row.status == .ok)
            let cells = try row.object()["cells"] as! [[String: Any]]
            #expect(!cells.isEmpty)
            #expect(row.text.range(of: #"(?<![\d.])(\d{17}[\dXx]|1[3-9]\d{9})(?![\d])"#, options: .regularExpression) == nil)
            #expect(try await client.call(.get, "/api/workspaces/\(workspace)/findings/99999/row").status == .notFound)

            let workbook = try await client.call(.get, "/api/workspaces/\(workspace)/workbook")
            #expect(workbook.status == .ok)
            #expect(workbook.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(Array(workbook.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            #expect(workbook.headers[.contentDisposition]?.contains("filename*=UTF-8''") == true)
            #expect(try await client.call(.get, "/api/workspaces/\(workspace)/workbook?masked=1").status == .ok)
            let download = try await client.call(.get, "/api/workspaces/\(workspace)/json")
            #expect(download.text == response.text)
        }
        // The same workspace through the command line: the same JSON, byte for byte.
        let config = bench.root + "/" + id.value + "/config.yaml"
        let cli = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", config, "--json", "-"])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout == id.json)
        // The 公开版 beside the workbook holds masked numbers only.
        let masked = bench.root + "/" + id.value + "/out/乐昌市-自评表-公开版.xlsx"
        #expect(FileManager.default.fileExists(atPath: masked))
    }

    @Test func twoEvaluationsAtOnceBothFinish() async throws {
        try await Bench().test { client in
            let a = try await Lechang.prepare(client)
            let b = try await Lechang.prepare(client)
            async let first = client.call(.post, "/api/workspaces/\(a)/evaluate")
            async let second = client.call(.post, "/api/workspaces/\(b)/evaluate")
            // Other requests are answered meanwhile.
            #expect(try await client.call(.get, "/api/workspaces").status == .ok)
            let (x, y) = try await (first, second)
            #expect(x.status == .ok && y.status == .ok)
            #expect(try x.object()["total"] as? Int == 89)
            #expect(try y.object()["total"] as? Int == 89)
        }
    }

    @Test func aBadConfigIs422WithItsLineAndEvaluateSaysWhatTheCommandLineSays() async throws {
        let bench = try Bench()
        let holder = ManagedID()
        try await bench.test { client in
            let id = try await client.create()
            holder.value = id
            let bad = "county: 乐昌市\ntemplate: guangdong-2019\npopulaton: {resident: 420000}\nmanual:\n  \"1.1\": 7\n"
            let response = try await client.call(.put, "/api/workspaces/\(id)/config", text: bad)
            #expect(response.status == .unprocessableContent)
            let errors = try response.object()["errors"] as! [[String: Any]]
            #expect(errors.map { $0["line"] as? Int } == [3, 5])
            #expect(errors[0]["message"] as? String == "配置文件「config.yaml」第 3 行：未知的配置项“populaton”，是否应为“population”？")
            // A config may not reach outside its workspace.
            let other = try await client.create("清新区")
            for escape in ["output: /tmp/elsewhere.xlsx\n", "output: ../\(other)/out/x.xlsx\n", "inputs: {signins: [../\(other)/config.yaml]}\n",
                           "decisions: ../../decisions.yaml\n", "template: /etc/passwd.yaml\n"] {
                let refused = try await client.call(.put, "/api/workspaces/\(id)/config", text: "county: 乐昌市\n" + escape)
                #expect(refused.status == .unprocessableContent, "\(escape)")
            }
            let outside = try await client.call(.put, "/api/workspaces/\(id)/config", text: "county: 乐昌市\noutput: /tmp/elsewhere.xlsx\n")
            #expect((try outside.object()["errors"] as! [[String: Any]])[0]["message"] as? String == "配置中的输出文件「/tmp/elsewhere.xlsx」不在这个工作区中；请写作 out/ 下的文件名")
            let syntax = try await client.call(.put, "/api/workspaces/\(id)/config", text: "county: [乐昌市\n")
            #expect(syntax.status == .unprocessableContent)
            #expect((try syntax.object()["errors"] as! [[String: Any]])[0]["line"] as? Int != nil)

            // A config with a missing input file: the evaluation fails with the CLI's message.
            let config = try await client.call(.get, "/api/workspaces/\(id)/config").text
            let broken = config.replacingOccurrences(of: "  signins: []", with: "  signins: [files/没有这个文件.xlsx]")
            try Data(broken.utf8).write(to: URL(fileURLWithPath: bench.root + "/" + id + "/config.yaml"))
            let failed = try await client.call(.post, "/api/workspaces/\(id)/evaluate")
            #expect(failed.status == .unprocessableContent)
            holder.json = try failed.object()["error"] as! String
            #expect(holder.json.contains("inputs.signins 的文件不存在：files/没有这个文件.xlsx"))
        }
        let cli = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", bench.root + "/" + holder.value + "/config.yaml"])
        #expect(cli.status == 1)
        #expect(cli.stderr == "错误：" + holder.json + "\n")
    }

    @Test func reviewDecisionsAreKeptAndUsedByTheNextEvaluation() async throws {
        let bench = try Bench()
        let holder = ManagedID()
        try await bench.test { client in
            let id = try await client.create()
            holder.value = id
            // 王五 of 水口村 signs once with a phone and once with nothing: R3 review.
            _ = try await client.upload(id, "第一期.csv", Samples.signins([("王五", "", "13800002222", "水口村")], title: "培训时间：2020年7月15日"))
            _ = try await client.upload(id, "第二期.csv", Samples.signins([("王五", "", "", "水口村")], title: "培训时间：2020年8月15日"))
            let first = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((first["people"] as? [String: Any])?["distinct_persons"] as? Int == 2)
            let review = try await client.call(.get, "/api/workspaces/\(id)/review").array()
            #expect(review.count == 1)
            let key = review[0]["key"] as! String
            #expect(review[0]["kind"] as? String == "name_village")
            #expect(review[0]["decision"] is NSNull)
            let records = review[0]["records"] as! [[String: Any]]
            #expect(records.map { $0["phone"] as? String } == ["138****2222", nil])

            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/\(key)", json: #"{"decision":"maybe"}"#).status == .unprocessableContent)
            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/r3-zzzz", json: #"{"decision":"same"}"#).status == .notFound)
            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/\(key)", json: #"{"decision":"same"}"#).status == .ok)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/review").array()[0]["decision"] as? String == "same")
            let merged = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((merged["people"] as? [String: Any])?["distinct_persons"] as? Int == 1)

            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/\(key)", json: #"{"decision":"different"}"#).status == .ok)
            let apart = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((apart["people"] as? [String: Any])?["distinct_persons"] as? Int == 2)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/review").array()[0]["decision"] as? String == "different")
            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/\(key)", json: #"{"decision":"same"}"#).status == .ok)
        }
        // decisions.yaml is named by the config and read by the command line too.
        let dir = bench.root + "/" + holder.value
        let decisions = try String(contentsOfFile: dir + "/decisions.yaml", encoding: .utf8)
        #expect(decisions.contains(": same\n"))
        let out = dir + "/cli.xlsx"
        let cli = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", dir + "/config.yaml", "-o", out, "--json", "-"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as! [String: Any]
        #expect((json["people"] as? [String: Any])?["distinct_persons"] as? Int == 1)
        // The workbook's 待核查 sheet says which link a person confirmed.
        let script = "import openpyxl,sys\nws=openpyxl.load_workbook(sys.argv[1])['待核查']\nprint('\\n'.join(str(c.value) for r in ws.iter_rows() for c in r if c.value))"
        let sheet = try TestSupport.run("python3", ["-c", script, out])
        #expect(sheet.status == 0, "\(sheet.stderr)")
        #expect(sheet.stdout.contains("已人工确认为同一人，已合并计算"))
    }
}

/// Values carried out of a test client's closure.
final class ManagedID: @unchecked Sendable {
    var value = ""
    var json = ""
}

@Suite struct SheetAndFormRouteTests {
    @Test func sheetsShowColumnsAndAMaskedPreviewAndFixesGoIntoTheConfig() async throws {
        let bench = try Bench()
        let holder = ManagedID()
        try await bench.test { client in
            let id = try await client.create()
            holder.value = id
            let person = Samples.id("44028119900101123")
            _ = try await client.upload(id, "签到.csv", Samples.signins([("张三", person, "13800001111", "水口村")]))
            let sheets = try await client.call(.get, "/api/workspaces/\(id)/sheets?file=files/%E7%AD%BE%E5%88%B0.csv").array()
            #expect(sheets.count == 1)
            #expect(sheets[0]["headerRow"] as? Int == 2)
            #expect(sheets[0]["skipped"] as? Bool == false)
            #expect(sheets[0]["formExport"] as? Bool == false)
            let columns = sheets[0]["columns"] as! [[String: Any]]
            #expect(columns.map { $0["role"] as! String } == ["serial", "name", "idNumber", "phone", "village"])
            #expect(columns[2]["letter"] as? String == "C")
            #expect(columns[2]["reason"] as? String == "表头就是“身份证号”")
            let preview = sheets[0]["preview"] as! [[String: Any]]
            #expect(preview.map { $0["row"] as! Int } == [1, 2, 3])
            #expect((preview[2]["cells"] as! [String]) == ["1", "张三", String(person.prefix(6)) + "********" + String(person.suffix(4)), "138****1111", "水口村"])

            let fix = try await client.call(.patch, "/api/workspaces/\(id)/sheets?file=files/%E7%AD%BE%E5%88%B0.csv&sheet=%E7%AD%BE%E5%88%B0",
                                            json: #"{"headerRow": 2, "columns": {"phone": null, "town": "E"}, "skip": true}"#)
            #expect(fix.status == .ok)
            let config = try await client.call(.get, "/api/workspaces/\(id)/config").text
            #expect(config.contains("columns:\n  \"files/签到.csv\":\n    header_row: 2\n    serial: \"A\"\n    name: \"B\"\n    idNumber: \"C\"\n    town: \"E\"\n    village: \"E\""))
            #expect(config.contains("sheets:\n  \"files/签到.csv\":\n    \"签到\":\n      skip: true"))
            let after = try await client.call(.get, "/api/workspaces/\(id)/sheets?file=files/%E7%AD%BE%E5%88%B0.csv").array()
            #expect(after[0]["skipped"] as? Bool == true && after[0]["fixed"] as? Bool == true)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/sheets?file=files/none.csv").status == .notFound)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/sheets").status == .badRequest)
        }
        // The command line reads what the page saved: the skipped sheet is named, not read.
        let check = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", bench.root + "/" + holder.value + "/config.yaml", "--json", "-"])
        #expect(check.status == 0, "\(check.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as! [String: Any]
        #expect((json["people"] as? [String: Any])?["signin_rows"] as? Int == 0)
    }

    @Test func aFormExportIsSplitIntoSessionsBySubmissionDate() async throws {
        try await Bench().test { client in
            let id = try await client.create()
            let person = Samples.id("44028119900101123")
            let export = "序号,提交答卷时间,所用时间,1、您的姓名：,2、您的身份证号码：\n1,2021/05/24 09:01:21,60秒,张三,\(person)\n2,2021/05/25 10:02:00,50秒,张三,\(person)\n"
            #expect(try await client.upload(id, "报名.csv", Array(export.utf8)).status == .created)
            let sheetsURL = "/api/workspaces/\(id)/sheets?file=files/%E6%8A%A5%E5%90%8D.csv"
            let before = try await client.call(.get, sheetsURL).array()
            #expect(before[0]["formExport"] as? Bool == true)
            #expect(before[0]["splitByDate"] as? Bool == true, "an export is split by submission date by default")
            #expect((before[0]["columns"] as! [[String: Any]]).contains { $0["role"] as? String == "submittedAt" && $0["letter"] as? String == "B" })
            let split = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((split["metrics"] as? [String: Any])?["training_person_times"] as? Int == 2)

            // Kept as one session on the clerk's word: the second sign-in is a repeat.
            let one = try await client.call(.patch, sheetsURL + "&sheet=%E6%8A%A5%E5%90%8D", json: #"{"splitByDate": false}"#)
            #expect(one.status == .ok)
            #expect(try await client.call(.get, sheetsURL).array()[0]["splitByDate"] as? Bool == false)
            let json = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((json["metrics"] as? [String: Any])?["training_person_times"] as? Int == 1)
            #expect((json["people"] as? [String: Any])?["duplicate_signins"] as? Int == 1)
            #expect(try await client.call(.patch, sheetsURL + "&sheet=%E6%8A%A5%E5%90%8D", json: #"{"splitByDate": true}"#).status == .ok)
            #expect(try await client.call(.get, sheetsURL).array()[0]["splitByDate"] as? Bool == true)
        }
    }

    @Test func theFormOffersAllowedValuesAndChecksWhatEachFactMeasures() async throws {
        try await Bench().test { client in
            let id = try await client.create()
            _ = try await client.upload(id, "行政村.csv", Samples.villages)
            let form = try await client.call(.get, "/api/workspaces/\(id)/form").object()
            let manual = form["manual"] as! [[String: Any]]
            let leadership = try #require(manual.first { $0["id"] as? String == "1.1" })
            #expect(leadership["allowed"] as? [Int] == [0, 1, 2])
            #expect((leadership["criterion"] as? String)?.hasPrefix("由县(市、区)政府主要领导牵头") == true)
            #expect(manual.first { $0["id"] as? String == "V.1" }?["veto"] as? Bool == true)
            let facts = form["facts"] as! [[String: Any]]
            #expect(Dictionary(uniqueKeysWithValues: facts.map { ($0["key"] as! String, $0["kind"] as! String) }) == [
                "center_opened": "date", "park_enterprises": "count", "park_enterprise_types": "count", "logistics_villages": "count",
                "online_retail": "money", "progress": "rate", "media": "counts", "poor.confirmed_labor_population": "count"])

            let wrong = try await client.call(.post, "/api/workspaces/\(id)/form/check", json: #"{"manual": {"1.1": 1.5, "V.1": 3}, "facts": {"progress": 120, "park_enterprises": 2.5}, "population": "42万"}"#)
            #expect(wrong.status == .unprocessableContent)
            let errors = try wrong.object()["errors"] as! [[String: Any]]
            #expect(Set(errors.map { $0["field"] as! String }) == ["manual.1.1", "manual.V.1", "facts.progress", "facts.park_enterprises", "population"])
            #expect(errors.first { $0["field"] as? String == "manual.1.1" }?["message"] as? String == "评分项 1.1（组织领导）不能评 1.5 分，可选：0、1、2")

            // After an evaluation the number of 行政村 bounds logistics_villages.
            #expect(try await client.call(.post, "/api/workspaces/\(id)/evaluate").status == .ok)
            let counted = try await client.call(.post, "/api/workspaces/\(id)/form/check", json: #"{"facts": {"logistics_villages": 100}}"#)
            #expect(counted.status == .unprocessableContent)
            #expect((try counted.object()["errors"] as! [[String: Any]])[0]["message"] as? String == "是个数，不能超过行政村数 2；如填的是比例，请换算成个数")

            let good = #"{"population": 420000, "funds": {"allocated": 5000000, "disbursed": 4167785}, "facts": {"logistics_villages": 2, "progress": "85%"}, "manual": {"1.1": 2, "V.1": false}}"#
            #expect(try await client.call(.post, "/api/workspaces/\(id)/form/check", json: good).status == .ok)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/form").object()["population"] is NSNull)
            #expect(try await client.call(.patch, "/api/workspaces/\(id)/form", json: good).status == .ok)
            let saved = try await client.call(.get, "/api/workspaces/\(id)/form").object()
            #expect(saved["population"] as? Int == 420000)
            let config = try await client.call(.get, "/api/workspaces/\(id)/config").text
            #expect(config.contains("manual:\n  \"1.1\": 2\n  \"V.1\": false"))
            #expect(config.contains("progress: \"85%\""))
            // The confirmed labour population goes into poor:, beside the settings written by hand.
            let handWritten = config + "poor:\n  exclude_migrant: true\n"
            #expect(try await client.call(.put, "/api/workspaces/\(id)/config", text: handWritten).status == .ok)
            #expect(try await client.call(.patch, "/api/workspaces/\(id)/form", json: #"{"facts": {"poor.confirmed_labor_population": 12466}}"#).status == .ok)
            let withPoor = try await client.call(.get, "/api/workspaces/\(id)/config").text
            #expect(withPoor.contains("poor:\n  confirmed_labor_population: 12466\n  exclude_migrant: true"))
            let shown = try await client.call(.get, "/api/workspaces/\(id)/form").object()["facts"] as! [[String: Any]]
            #expect(shown.first { $0["key"] as? String == "poor.confirmed_labor_population" }?["value"] as? Int == 12466)
        }
    }
}

@Suite struct ServeCommandTests {
    @Test func servingOffLoopbackWithoutAPasswordRefusesToStartAndSaysWhy() throws {
        let result = try TestSupport.run(TestSupport.kaopingBinary.path, ["serve", "/tmp/kaoping-no-start", "--host", "0.0.0.0", "--port", "0"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("错误：工作台未启动：在 0.0.0.0 上提供服务意味着局域网中的其他电脑也能访问"))
        #expect(result.stderr.contains("--password-file"))
        let short = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)").path
        try Data("abc\n".utf8).write(to: URL(fileURLWithPath: short))
        let weak = try TestSupport.run(TestSupport.kaopingBinary.path, ["serve", "/tmp/kaoping-no-start", "--host", "0.0.0.0", "--password-file", short])
        #expect(weak.status == 1)
        #expect(weak.stderr == "错误：工作台未启动：密码太短（至少 8 个字符），请在密码文件中写一个更长的密码\n")
    }
}

/// The same routes over a real socket (HummingbirdTesting's live framework).
@Suite struct LiveServerTests {
    @Test func uploadsAndEvaluationWorkOverHTTP() async throws {
        let bench = try Bench()
        try await bench.app().test(.live) { client in
            let id = try await client.create()
            let upload = try await client.upload(id, "签到/第一期.csv", Samples.signins([("张三", Samples.id("44028119900101123"), "13800001111", "水口村")]))
            #expect(upload.status == .created)
            #expect(try upload.object()["class"] as? String == "signins")
            let json = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((json["metrics"] as? [String: Any])?["training_person_times"] as? Int == 1)
            #expect(try await client.call(.get, "/api/workspaces/\(id)/files/..%2F..%2Fx").status == .notFound)
            #expect(try await client.call(.put, "/api/workspaces/\(id)/files/..%2Fx.csv", bytes: [65]).status == .badRequest)
        }
    }
}

/// R6 (one ID written with two names) and R7 (one phone under three names) decided over the
/// routes; the next evaluation, the command line and the workbook follow the decisions.
@Suite struct ConflictReviewRouteTests {
    static let x = Samples.id("44028119800101101")

    @Test func idAndPhoneConflictsAreDecidedOnThePage() async throws {
        let bench = try Bench()
        let holder = ManagedID()
        try await bench.test { client in
            let id = try await client.create()
            holder.value = id
            // 张三 writes X twice, 李四 once; 甲, 乙 and 丙 share one phone.
            _ = try await client.upload(id, "第一期.csv", Samples.signins([("张三", Self.x, "", "水口村"), ("李四", Self.x, "", "水口村"),
                                                                         ("甲", "", "13900000009", "水口村"), ("乙", "", "13900000009", "水口村"),
                                                                         ("丙", "", "13900000009", "水口村")]))
            _ = try await client.upload(id, "第二期.csv", Samples.signins([("张三", Self.x, "", "水口村")], title: "培训时间：2020年8月15日"))
            let first = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((first["people"] as? [String: Any])?["distinct_persons"] as? Int == 4, "张三 and 李四 one by R1, 甲 乙 丙 three")
            let warnings = try #require((first["issues"] as? [String: Any])?["warnings"] as? Int)

            let review = try await client.call(.get, "/api/workspaces/\(id)/review").array()
            #expect(review.map { $0["kind"] as? String } == ["id_two_names", "shared_phone"])
            #expect(review.map { $0["rule"] as? String } == ["R6", "R7"])
            #expect(review[0]["owner"] as? String == "张三")
            #expect(review[1]["owner"] is NSNull)
            #expect(review[0]["reason"] as? String == "身份证号 440281********1017 写了 2 个姓名（“张三”2 行、“李四”1 行），按此号算作一人；"
                + "如不是同一人，此号归“张三”（写得最多），“李四”的记录不再按此号比对")
            let idRecords = try #require(review[0]["records"] as? [[String: Any]])
            #expect(idRecords.map { $0["name"] as? String } == ["张三", "李四"])
            #expect(idRecords.map { $0["id"] as? String } == ["440281********1017", "440281********1017"])
            #expect(idRecords.map { $0["row"] as? Int } == [3, 4])
            let phoneRecords = try #require(review[1]["records"] as? [[String: Any]])
            #expect(phoneRecords.map { $0["name"] as? String } == ["甲", "乙", "丙"])
            #expect(phoneRecords.map { $0["phone"] as? String } == ["139****0009", "139****0009", "139****0009"])
            let body = try await client.call(.get, "/api/workspaces/\(id)/review").text
            #expect(!body.contains(Self.x) && !body.contains("13900000009"), "nothing whole on the page")

            let (idKey, phoneKey) = (review[0]["key"] as! String, review[1]["key"] as! String)
            #expect(idKey.hasPrefix("r6-") && phoneKey.hasPrefix("r7-"))
            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/\(idKey)", json: #"{"decision":"different"}"#).status == .ok)
            #expect(try await client.call(.put, "/api/workspaces/\(id)/review/\(phoneKey)", json: #"{"decision":"same"}"#).status == .ok)
            let decided = try await client.call(.post, "/api/workspaces/\(id)/evaluate").object()
            #expect((decided["people"] as? [String: Any])?["distinct_persons"] as? Int == 3, "李四 apart; 甲 乙 丙 one person")
            #expect((decided["people"] as? [String: Any])?["duplicate_signins"] as? Int == 2, "甲 乙 丙 at one session: one person-time")
            // The two conflict warnings are settled; the row to correct is one warning.
            #expect((decided["issues"] as? [String: Any])?["warnings"] as? Int == warnings - 1)
            let result = try await client.call(.get, "/api/workspaces/\(id)/result").object()
            let findings = try #require(result["findings"] as? [[String: Any]])
            let fix = findings.filter { $0["code"] as? String == "link.id_two_names" }
            #expect(fix.count == 1)
            #expect(fix.first?["row"] as? Int == 4)
            #expect((fix.first?["message"] as? String)?.hasSuffix("请在源表中改正此行的身份证号") == true)
            #expect(!findings.contains { $0["code"] as? String == "link.phone_many_names" })
            let after = try await client.call(.get, "/api/workspaces/\(id)/review").array()
            #expect(after.map { $0["decision"] as? String } == ["same", "different"], "confirmed first, then the separated")
            #expect(after.map { $0["rule"] as? String } == ["R7", "R6"])

            // An unscored judgment item points the clerk to the page's form, not to the config.
            let items = try #require(result["items"] as? [[String: Any]])
            let unscored = try #require(items.first { $0["id"] as? String == "1.1" })
            #expect(unscored["explanation"] as? String == "未评分：请在第 4 步“县情数据”中选择此项的分数")
        }
        // The command line reads the same decisions; the workbook says what was decided.
        let dir = bench.root + "/" + holder.value
        let out = dir + "/cli.xlsx"
        let cli = try TestSupport.run(TestSupport.kaopingBinary.path, ["evaluate", dir + "/config.yaml", "-o", out, "--json", "-"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as! [String: Any]
        #expect((json["people"] as? [String: Any])?["distinct_persons"] as? Int == 3)
        let script = "import openpyxl,sys\nws=openpyxl.load_workbook(sys.argv[1])['待核查']\n"
            + "for r in ws.iter_rows(min_row=2, values_only=True):\n if r[0]: print('|'.join(str(v) for v in (r[1], r[3], r[-1])))"
        let sheet = try TestSupport.run("python3", ["-c", script, out])
        #expect(sheet.status == 0, "\(sheet.stderr)")
        let lines = sheet.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("R") }
        #expect(lines.count == 5, "\(sheet.stdout)")
        #expect(lines.filter { $0.hasPrefix("R7 多个姓名共用手机号|") }.allSatisfy { $0.contains("|已人工确认为同一人，已合并计算（r7-") })
        #expect(lines.contains { $0.hasPrefix("R6 一个身份证号多个姓名|张三|已人工确认不是同一人：身份证号归此人（r6-") })
        #expect(lines.contains { $0.hasPrefix("R6 一个身份证号多个姓名|李四|已人工确认不是同一人：此行身份证号填错，未按此号比对，须在源表中改正（r6-") })
        // 学员名单 does not give 李四 the ID that is 张三's.
        let trainees = "import openpyxl,sys\nws=openpyxl.load_workbook(sys.argv[1])['学员名单']\n"
            + "for r in ws.iter_rows(values_only=True):\n if r[1] in ('张三', '李四'): print(r[1], r[2])"
        let listed = try TestSupport.run("python3", ["-c", trainees, out])
        #expect(listed.stdout == "张三 \(Self.x)\n李四 None\n", "\(listed.stdout)\(listed.stderr)")
    }
}
