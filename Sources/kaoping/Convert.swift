import ArgumentParser
import SheetIO

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "把 .xlsx / .xls / .csv 文件转换为 CSV 或 XLSX。")

    @Argument(help: "输入文件")
    var input: String

    @Argument(help: "输出文件（.csv 或 .xlsx）")
    var output: String

    func run() throws {
        throw CommandFailure(message: "convert 尚未实现")
    }
}
