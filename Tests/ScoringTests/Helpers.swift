import Foundation
import Roster
import TestSupport
@testable import Scoring

/// A county made at test time: a directory with a config and its CSV inputs.
struct County {
    let directory: URL

    init(_ label: String = "scoring") throws {
        directory = try TestSupport.temporaryDirectory(label)
    }

    static let guangdong = TestSupport.packageRoot.appendingPathComponent("templates/guangdong-2019.yaml").path

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes config.yaml (the template line is added when the text has none) and loads it.
    func config(_ yaml: String, template: String = County.guangdong) throws -> Config {
        let text = yaml.contains("template:") ? yaml : "template: \(template)\n" + yaml
        return try Config.load(path: try write("config.yaml", text))
    }

    /// Loads config, template and evidence, and evaluates.
    func evaluate(_ yaml: String, template: String = County.guangdong) throws -> Evaluation {
        let config = try self.config(yaml, template: template)
        return Evaluator.evaluate(config: config, evidence: Evidence.load(config.sources))
    }
}

/// Inputs as CSV text, with valid ID numbers and plausible Chinese names.
enum Inputs {
    /// A valid 18-digit ID number for person `n` (distinct for distinct n).
    static func id(_ n: Int) -> String {
        let day = n % 28 + 1, month = (n / 28) % 12 + 1, year = 1960 + (n / 336) % 40, serial = 100 + (n / 13_440) % 900
        let body = String(format: "440281%04d%02d%02d%03d", year, month, day, serial)
        return body + String(IDNumber.checkCharacter(body)!)
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红")

    /// A two- or three-character name for person `n`.
    static func name(_ n: Int) -> String {
        let s = surnames[n % surnames.count]
        let g1 = given[(n / surnames.count) % given.count]
        let g2 = given[(n / (surnames.count * given.count)) % given.count]
        return n < surnames.count * given.count ? "\(s)\(g1)" : "\(s)\(g1)\(g2)"
    }

    /// One session's sign-in sheet: a title row with the date, a header, one row per person.
    static func signins(day: Int, persons: [Int]) -> String {
        var text = "培训时间：2020年7月\(day)日\n序号,姓名,身份证号,联系电话\n"
        for (i, p) in persons.enumerated() {
            text += "\(i + 1),\(name(p)),\(id(p)),\(String(format: "139%08d", p))\n"
        }
        return text
    }

    /// `count` 行政村 in one town, the first `poor` of them 省定贫困村.
    static func villages(_ count: Int, poor: Int = 0) -> String {
        var text = "镇,村,是否省定贫困村\n"
        for i in 0..<count { text += "坪石镇,\(villageName(i)),\(i < poor ? "是" : "否")\n" }
        return text
    }

    static func villageName(_ i: Int) -> String { "第\(i + 1)村" }

    /// One station in each of the given villages.
    static func stations(in villages: [Int]) -> String {
        var text = "站点名称,镇,村\n"
        for i in villages { text += "\(villageName(i))电商服务站,坪石镇,\(villageName(i))\n" }
        return text
    }

    /// Registered-poor persons: `labor` able to work (普通劳动力) and `other` not (丧失劳动力),
    /// numbered from `first`.
    static func registry(labor: Range<Int>, other: Range<Int> = 0..<0) -> String {
        var text = "户编号,姓名,证件号码,与户主关系,劳动技能,务工状况\n"
        for p in labor { text += "H\(p),\(name(p)),\(id(p)),户主,普通劳动力,乡（镇）内务工\n" }
        for p in other { text += "H\(p),\(name(p)),\(id(p)),户主,丧失劳动力,\n" }
        return text
    }
}

extension Decimal {
    init(_ text: String) { self = Decimal(string: text)! }
}
