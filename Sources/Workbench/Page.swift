import Foundation

/// The page's files, embedded in the binary at build time (SwiftPM `embedInCode`): one
/// binary, no CDN, nothing fetched from the internet.
enum Page {
    static var indexHTML: [UInt8] { PackageResources.index_html }
    static var appJS: [UInt8] { PackageResources.app_js }
    static var appCSS: [UInt8] { PackageResources.app_css }

    /// The login form (served when a password is set): plain HTML, posting `password`.
    static func login(failed: Bool) -> String {
        """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>登录 · 考评工作台</title><link rel="stylesheet" href="/app.css"></head>
        <body class="login"><main class="login-box">
        <h1>考评工作台</h1>
        <p>此工作台设有密码。请输入启动工作台时密码文件中的密码。</p>
        \(failed ? "<p class=\"error\" role=\"alert\">密码不对，请重新输入。</p>" : "")
        <form method="post" action="/login">
        <label for="password">密码</label>
        <input id="password" name="password" type="password" autocomplete="current-password" autofocus required>
        <button type="submit">登录</button>
        </form></main></body></html>
        """
    }
}
