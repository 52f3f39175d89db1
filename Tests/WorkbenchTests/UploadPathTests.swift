import Roster
import Testing
@testable import Workbench

@Suite struct UploadPathTests {
    @Test func namesThatLeaveTheWorkspaceAreRefused() {
        for raw in ["..", "../x.xlsx", "a/../../x", "%2e%2e/x", "%2E%2E%2Fx", "%252e%252e/x", "a%5c..%5cx", "a\\b.xlsx",
                    "x%00.xlsx", "/etc/passwd", "C:/x.xlsx", "a//b.xlsx", "．．/x", ".hidden", "a\u{7}b"] {
            let segments = raw.split(separator: "/", omittingEmptySubsequences: false)
            #expect(throws: WorkbenchError.self, "\(raw)") { try UploadPath.fromURL(segments: segments) }
        }
    }

    @Test func ordinaryNamesPassDecodedOnce() throws {
        #expect(try UploadPath.fromURL(segments: ["%E7%AD%BE%E5%88%B0", "%E7%AC%AC%E4%B8%80%E6%9C%9F.xlsx"]) == "签到/第一期.xlsx")
        #expect(try UploadPath.fromURL(segments: ["a b", "c%20d.csv"]) == "a b/c d.csv")
    }
}

/// The page tells a clerk where on the page a finding is fixed, never a config key to type.
@Suite struct PageAdviceTests {
    @Test(arguments: [
        (Finding.Remedy.villageAlias(town: "廊田镇", old: "同吉村"), "请在第 4 步“县情数据”的“村名对照”中写明廊田镇的“同吉村”是清单中的哪个村"),
        (.fixColumns, "请在第 3 步“核对表头”中指定表头行和各列"),
        (.sheetOptions, "可在第 3 步“核对表头”中改回"),
        (.addToInputs, "请在第 2 步“上传材料”中为这个文件选择类别"),
        (.acceptProbable, "页面上没有这项设置：可在考评文件夹的 config.yaml 中设置 poor.accept_probable"),
        (.removedStatusValues, "页面上没有这项设置：可在考评文件夹的 config.yaml 中设置 poor.removed_values"),
    ])
    func namesThePlaceOnThePage(remedy: Finding.Remedy, expected: String) {
        #expect(ResultView.pageAdvice(remedy) == expected)
    }
}
