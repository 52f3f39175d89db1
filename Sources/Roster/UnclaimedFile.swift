/// A file in a folder the config reads from that no input takes (DESIGN §7: nothing is left
/// out silently).
public enum UnclaimedFile {
    /// Extensions Kaoping reads (any letter case).
    public static let readable: Set<String> = ["xlsx", "xls", "csv", "xlsm"]

    public static func finding(_ path: String) -> Finding {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
        let here = Provenance(file: path, sheet: "")
        if readable.contains(ext) {
            return Finding(.warning, .fileUnclaimed,
                "文件“\(name)”在材料文件夹中，但配置的材料文件清单没有读取它，其中的数据未计入；"
                    + "如是签到表或清单，请把它加入配置的材料文件清单的相应项，不是材料请移出该文件夹",
                at: here, remedy: .addToInputs)
        }
        return Finding(.warning, .fileUnclaimed,
            "文件“\(name)”在材料文件夹中，但不是可读取的表格（.xlsx、.xls、.csv），未读取；如其中有签到或名单数据，请用 Excel 或 WPS 另存为 .xlsx 并加入配置的材料文件清单",
            at: here, remedy: .addToInputs)
    }
}
