import ArgumentParser
import Foundation
import Roster
import Scoring

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "列出或显示考评模板。",
        discussion: "模板的查找顺序：环境变量 KAOPING_TEMPLATES 中的目录，配置文件旁的 templates/，安装目录的 share/kaoping/templates，程序所在目录往上的 templates/，当前目录的 templates/。",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出可用的考评模板。")

        func run() throws {
            let found = Template.available(configDirectory: nil)
            guard !found.isEmpty else {
                throw CommandFailure(message: "没有找到任何模板；可用环境变量 KAOPING_TEMPLATES 指定模板目录")
            }
            for (id, path) in found {
                do {
                    let template = try Template.load(path: path)
                    print("\(id)\t\(template.title)（\(template.leaves.count) 个评分项）\t\(path)")
                } catch {
                    print("\(id)\t（无法读取：\(error)）\t\(path)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示一个考评模板：工作任务、指标、评分项 id 和规则。")

        @Argument(help: "模板 id（如 guangdong-2019）或模板文件路径")
        var id: String

        func run() throws {
            let template = try Template.load(path: try Template.locate(id, configDirectory: nil))
            print("\(template.title)（\(template.id)）")
            for section in template.sections {
                print("")
                print("\(section.task)\(section.kind == .veto ? "" : "（\(section.points.plainText) 分）")")
                for row in section.rows {
                    let weight = row.weight.map { "，权重 \($0.plainText)" } ?? ""
                    if !row.name.isEmpty { print("  \(row.id) \(row.name)\(row.continuesPrevious ? "（续）" : "")\(weight)") }
                    if !row.criterion.isEmpty {
                        for line in row.criterion.split(separator: "\n") { print("    评分标准：\(line.trimmingCharacters(in: .whitespaces))") }
                    }
                    for leaf in row.leaves {
                        let max = leaf.rule == .veto(metric: nil, below: nil) || section.kind == .veto ? "" : "（\(leaf.max.plainText) 分）"
                        print("    [\(leaf.id)] \(leaf.name)\(max)：\(template.describe(leaf.rule))")
                    }
                }
            }
            print("")
            print("满分 \(template.fullMarks.plainText) 分；加分、扣分另计")
        }
    }
}
