import Roster

/// The config's own spelling of the settings Roster's findings name: Roster says what to change
/// in Chinese (`Finding.remedy`), Scoring, which owns the config, says which key that is.
extension Finding.Remedy {
    /// The config key to change, with an example where the key alone says too little.
    public var configKey: String {
        switch self {
        case .villageAlias(let town, let old): return "aliases: {\(town): {\(old): 清单中的村名}}"
        case .removedStatusValues: return "poor.removed_values"
        case .acceptProbable: return "poor.accept_probable"
        case .addToInputs: return "inputs，如 signins: [data/signins/*.xlsx, data/signins/*.xls, data/signins/*.csv]"
        case .fixColumns: return "columns"
        case .sheetOptions: return "sheets 中的 skip"
        }
    }
}

extension Finding {
    /// The message with the config key its remedy changes: what the command line, the workbook
    /// and the workbench show.
    public var advisedMessage: String {
        remedy.map { message + "（配置项 \($0.configKey)）" } ?? message
    }

    /// `description` with the config key: file, sheet, row and the advised message.
    public var advisedDescription: String { "\(provenance)：\(advisedMessage)" }
}
