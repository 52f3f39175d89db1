import Foundation

/// What a column of a county spreadsheet holds.
public enum ColumnRole: String, CaseIterable, Sendable, Codable {
    case serial, name, sex, idNumber, phone, town, village, naturalVillage, isPoor, signature
    case date, topic, place
    case householdID, personID, relation, laborSkill, workStatus, workPlace, workMonths
    case stationName, address, contact, isPoorVillage
    /// A registry person's state: 正常, 死亡, 注销.
    case personStatus
    /// Metadata columns of online-form exports (问卷星, 腾讯问卷, 金数据).
    case formMetadata
    /// When an online form was submitted (问卷星 提交答卷时间, 腾讯问卷 结束答题时间, 金数据 提交时间):
    /// each row's session date unless the sheet has a date column of its own.
    case submittedAt

    /// The Chinese name shown to the clerk.
    public var label: String {
        switch self {
        case .serial: return "序号"
        case .name: return "姓名"
        case .sex: return "性别"
        case .idNumber: return "身份证号"
        case .phone: return "联系电话"
        case .town: return "镇（乡、街道）"
        case .village: return "村（行政村）"
        case .naturalVillage: return "自然村"
        case .isPoor: return "是否贫困户"
        case .signature: return "签名"
        case .date: return "培训日期"
        case .topic: return "培训主题"
        case .place: return "培训地点"
        case .householdID: return "户编号"
        case .personID: return "人编号"
        case .relation: return "与户主关系"
        case .laborSkill: return "劳动技能"
        case .workStatus: return "务工状况"
        case .workPlace: return "务工所在地"
        case .workMonths: return "务工时间"
        case .stationName: return "站点名称"
        case .address: return "地址"
        case .contact: return "联系人"
        case .isPoorVillage: return "是否贫困村"
        case .personStatus: return "人员状态"
        case .formMetadata: return "问卷系统字段"
        case .submittedAt: return "提交时间"
        }
    }

    /// Header texts, after `HeaderText.normalise`, that name each role exactly.
    static let aliases: [ColumnRole: [String]] = [
        .serial: ["序号", "编号", "序", "no", "no.", "编码"],
        .name: ["姓名", "学员姓名", "您的姓名", "参训人员", "参训人员姓名", "学员", "名字", "户主姓名", "成员姓名", "真实姓名", "请输入您的姓名"],
        .sex: ["性别", "您的性别"],
        .idNumber: ["身份证号", "身份证号码", "证件号码", "公民身份号码", "身份证", "证件号", "您的身份证号", "您的身份证号码", "身份证号码(18位)"],
        .phone: ["联系电话", "手机", "手机号", "手机号码", "电话", "电话号码", "联系方式", "您的手机号", "您的手机号码", "户联系电话", "人联系电话", "成员联系电话"],
        .town: ["镇", "乡镇", "乡(镇)", "镇街", "所在镇", "所属镇", "镇(街道)", "乡镇(街道)", "所在乡镇", "镇名", "乡镇名称", "街道"],
        .village: ["村", "村委会", "所在村", "行政村", "村(社区)", "村委", "所属村", "村名", "村居", "行政村名称", "村(居)委会", "所在村(居)"],
        .naturalVillage: ["自然村", "村小组", "组"],
        .isPoor: ["是否贫困户", "是否建档立卡贫困户", "贫困户", "是否贫困人口", "是否建档立卡", "户类型"],
        .signature: ["签名", "本人签名", "签到", "学员签名", "签字"],
        .date: ["培训日期", "培训时间", "日期", "时间", "签到时间"],
        .topic: ["培训主题", "培训内容", "课程", "课程名称", "培训课程", "主题"],
        .place: ["培训地点", "地点", "上课地点"],
        .householdID: ["户编号"],
        .personID: ["人编号", "人口编号", "成员编号"],
        .relation: ["与户主关系"],
        .laborSkill: ["劳动技能", "劳动能力"],
        .workStatus: ["务工状况", "务工情况", "外出务工情况", "务工状态"],
        .workPlace: ["务工所在地", "务工地点"],
        .workMonths: ["务工时间(月)", "务工时间", "务工时长"],
        .stationName: ["站点名称", "服务站名称", "服务站点名称", "站点", "电商服务站"],
        .address: ["地址", "站点地址", "详细地址"],
        .contact: ["联系人", "负责人", "站长"],
        .isPoorVillage: ["是否贫困村", "是否省定贫困村", "省定贫困村", "贫困村"],
        // Registers write removals (死亡, 注销, 自然减少…) under many headers.
        .personStatus: ["人员状态", "人口状态", "状态", "是否死亡", "是否注销", "注销状态", "成员状态", "减少原因", "人口减少原因",
                        "变动情况", "变动类型", "人员变动情况", "人口变动情况", "销户原因", "退出原因", "户状态", "贫困户状态", "是否自然减少"],
        .formMetadata: ["所用时间", "来源", "来源详情", "来自ip", "开始答题时间", "答题时长",
                        "ip", "提交人", "修改时间", "填写设备", "操作系统", "浏览器", "填写时长", "填写地区", "ua", "referrer",
                        "总分", "用户标识", "清洗数据结果", "语言", "用户类型", "自定义字段", "微信昵称", "微信openid"],
        .submittedAt: ["提交答卷时间", "提交时间", "结束答题时间", "提交日期", "填写时间", "答卷时间"],
    ]

    /// Exact lookup table built from `aliases`.
    static let byAlias: [String: ColumnRole] = {
        var table: [String: ColumnRole] = [:]
        for (role, names) in aliases {
            for name in names { table[HeaderText.normalise(name)] = role }
        }
        return table
    }()

    /// Key words for headers no alias names exactly ("学员身份证号码（必填）"), most specific first.
    static let keywords: [(word: String, role: ColumnRole)] = [
        ("身份证", .idNumber), ("证件号", .idNumber), ("手机", .phone), ("电话", .phone), ("姓名", .name),
        ("性别", .sex), ("贫困村", .isPoorVillage), ("贫困", .isPoor), ("签名", .signature), ("签字", .signature),
        ("自然村", .naturalVillage), ("村", .village), ("镇", .town), ("乡", .town), ("街道", .town),
        ("日期", .date), ("主题", .topic), ("课程", .topic), ("地点", .place), ("劳动", .laborSkill), ("务工状况", .workStatus),
        ("务工状态", .workStatus), ("减少", .personStatus), ("注销", .personStatus), ("死亡", .personStatus), ("状态", .personStatus),
    ]
}

/// Normalises header cell text so that spelling variants meet.
enum HeaderText {
    /// NFKC (full-width brackets and letters fold), lowercase, no white space; a question
    /// number prefix (`1、` `3.` `Q2:`), a trailing colon and notes such as （必填） go.
    static func normalise(_ text: String) -> String {
        // Only CJK ideographs (most headers, and every name below them): nothing to fold.
        if text.unicodeScalars.allSatisfy({ (0x4E00...0x9FFF).contains($0.value) }) { return text }
        var s = text.precomposedStringWithCompatibilityMapping.lowercased()
        s.removeAll { $0.isWhitespace || $0 == "\u{FEFF}" || $0 == "\u{200B}" || $0 == "*" || $0 == "＊" }
        // Question numbering of online forms: "1、姓名", "3.您的姓名", "q2:姓名".
        if let first = s.utf8.first, first == UInt8(ascii: "q") || first &- 48 < 10,
           let range = s.range(of: #"^(q)?\d{1,3}[、.:．:)]"#, options: .regularExpression) {
            s.removeSubrange(range)
        }
        for note in ["(必填)", "(选填)", "(请填写)"] { s = s.replacingOccurrences(of: note, with: "") }
        while let last = s.last, last == ":" || last == "：" || last == "?" || last == "？" { s.removeLast() }
        return s
    }
}
