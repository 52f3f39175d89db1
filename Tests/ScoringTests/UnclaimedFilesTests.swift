import Foundation
import Testing
import TestSupport
@testable import Scoring

/// Issue 11 item 2: every file in the inputs' folders that no input takes is named.
@Suite struct UnclaimedFilesTests {
    @Test func filesNoInputTakesAreNamedIncludingSubfoldersButNotTheOutput() throws {
        let county = try County("unclaimed")
        try county.write("data/signins/第1期.xlsx", "x")
        try county.write("data/signins/第2期.XLSX", "x")
        try county.write("data/signins/第3期.xls", "x")
        try county.write("data/signins/第4期.csv", "a,b\n")
        try county.write("data/signins/8月/第5期.xlsx", "x")
        try county.write("data/signins/说明.docx", "x")
        try county.write("data/signins/~$第1期.xlsx", "lock")
        try county.write("data/signins/.DS_Store", "x")
        try county.write("data/villages.xlsx", "x")
        try county.write("data/旧清单.xls", "x")
        try county.write("data/notes.md", "x")
        try county.write("out/自评表.xlsx", "x")
        let config = try county.config("""
            county: 测试县
            inputs:
              villages: data/villages.xlsx
              signins: [data/signins/*.xlsx, data/signins/*.csv]
            output: out/自评表.xlsx
            """)
        let root = county.directory.standardizedFileURL.path
        #expect(config.sources.signins == ["\(root)/data/signins/第1期.xlsx", "\(root)/data/signins/第2期.XLSX", "\(root)/data/signins/第4期.csv"],
                "patterns ignore letter case, as Windows does")
        #expect(config.sources.unclaimed == ["\(root)/data/signins/8月/第5期.xlsx", "\(root)/data/signins/第3期.xls",
                                             "\(root)/data/signins/说明.docx", "\(root)/data/旧清单.xls"])

        // A pattern may match nothing when the input as a whole matches something.
        let mixed = try county.config("""
            county: 测试县
            inputs: {signins: [data/signins/*.xlsx, data/signins/*.xlsm]}
            """)
        #expect(mixed.sources.signins.count == 2)
    }
}
