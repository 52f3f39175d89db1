import Foundation

/// A file name a client sends (URL path segments, zip entry names), checked before anything is
/// stored: it must stay inside the workspace's `files/` folder whatever its encoding.
enum UploadPath {
    /// Decodes percent-encoded URL segments and checks the result; throws a 400 in Chinese.
    static func fromURL(segments: [Substring]) throws -> String {
        guard !segments.isEmpty else { throw WorkbenchError(.badRequest, "缺少文件名") }
        var parts: [String] = []
        for segment in segments {
            // Decoding once is all a server may do; a segment that still holds an escape after
            // that (%252e%252e) was encoded twice to slip past a check, and is refused.
            guard let decoded = segment.removingPercentEncoding else {
                throw WorkbenchError(.badRequest, "文件名的编码不正确")
            }
            if decoded.contains("%") && decoded.removingPercentEncoding != decoded {
                throw WorkbenchError(.badRequest, "文件名「\(printable(decoded))」被重复编码，已拒绝")
            }
            parts += decoded.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        }
        return try check(parts.joined(separator: "/"))
    }

    /// Checks a relative path ("签到表/第一期.xlsx") and returns it normalised to NFC.
    static func check(_ path: String) throws -> String {
        func refuse(_ why: String) -> WorkbenchError {
            WorkbenchError(.badRequest, "文件名「\(printable(path))」\(why)，已拒绝；请只用文件夹和文件的名字")
        }
        guard !path.isEmpty else { throw refuse("为空") }
        guard path.utf8.count <= 1024 else { throw refuse("太长") }
        if path.hasPrefix("/") { throw refuse("是绝对路径") }
        if path.contains("\\") { throw refuse("含有反斜杠") }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            throw refuse("含有控制字符")
        }
        if path.count >= 2, path.dropFirst().first == ":" { throw refuse("带有盘符") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            if part.isEmpty { throw refuse("含有空的文件夹名") }
            if part == "." || part == ".." { throw refuse("试图离开工作区") }
            if part.utf8.count > 255 { throw refuse("中有过长的名字") }
            // Full-width dots and slashes fold to these under NFKC: refuse look-alikes too.
            let folded = part.precomposedStringWithCompatibilityMapping
            if folded == ".." || folded.contains("/") || folded.contains("\\") { throw refuse("含有形似“..”或斜杠的字符") }
            if part.hasPrefix(".") { throw refuse("以点开头（隐藏文件）") }
        }
        return path.precomposedStringWithCanonicalMapping
    }

    /// Zip entry names: folders of macOS metadata and Office lock files are left out; any
    /// other name is checked like a URL path (a name leaving the folder refuses the archive).
    static func zipEntry(_ name: String) throws -> String? {
        if name.hasPrefix("__MACOSX/") || name.split(separator: "/").last?.hasPrefix("~$") == true { return nil }
        if name.split(separator: "/").last.map({ $0 == ".DS_Store" || $0 == "Thumbs.db" }) == true { return nil }
        do {
            return try check(name)
        } catch let error as WorkbenchError {
            throw WorkbenchError(.badRequest, "压缩包中的条目：" + error.message)
        }
    }

    /// A name with control characters shown as \u{..}, so a message never carries them.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined().prefix(120))
    }
}
