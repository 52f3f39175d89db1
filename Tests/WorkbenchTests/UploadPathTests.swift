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
