/// Traditional and variant forms of characters common in names, with their simplified forms.
///
/// Only ever a review signal (DOMAIN §2, cases 21 and 22): 峯 and 峰 may be two registered
/// names, so a name is never folded for matching, but a clerk should look at 劉德華 beside a
/// registry's 刘德华. The table holds the surnames and given-name characters that most often
/// differ between a hand-written sheet and the registry; it is not a full conversion table.
enum VariantCharacters {
    static let simplified: [Character: Character] = {
        let pairs = [
            // Surnames.
            "劉刘", "陳陈", "張张", "黃黄", "楊杨", "趙赵", "吳吴", "鄭郑", "謝谢", "羅罗", "馮冯", "葉叶",
            "鄧邓", "蘇苏", "盧卢", "蔣蒋", "賈贾", "閻阎", "餘余", "鍾钟", "範范", "譚谭", "鄒邹", "陸陆",
            "顧顾", "龍龙", "萬万", "錢钱", "湯汤", "喬乔", "賀贺", "賴赖", "龔龚", "溫温", "孫孙", "許许",
            "韓韩", "馬马", "蕭萧", "歐欧", "區区", "莊庄", "嚴严", "魯鲁", "韋韦", "鄺邝", "關关",
            "鮑鲍", "嶽岳", "塗涂", "鄔邬", "駱骆", "聶聂", "甯宁", "勞劳", "盤盘", "藍蓝", "衛卫",
            // Given-name characters.
            "華华", "國国", "偉伟", "東东", "紅红", "軍军", "麗丽", "強强", "峯峰", "昇升", "輝辉",
            "鳳凤", "蘭兰", "愛爱", "齊齐", "興兴", "滿满", "貴贵", "財财", "寶宝", "勝胜", "學学", "開开",
            "長长", "發发", "廣广", "雲云", "豐丰", "歡欢", "濤涛", "鵬鹏", "傑杰", "禮礼", "義义",
            "嬌娇", "鳴鸣", "兒儿", "榮荣", "瓊琼", "靜静", "賢贤", "儀仪", "綺绮",
            "順顺", "飛飞", "鋒锋", "鐵铁", "銀银", "錦锦", "亞亚", "進进", "達达", "運运", "連连", "遠远",
            "權权", "維维", "紹绍", "經经", "緒绪", "乾干", "後后", "於于", "裏里", "灣湾",
        ]
        var table: [Character: Character] = [:]
        for pair in pairs {
            let characters = Array(pair)
            table[characters[0]] = characters[1]
        }
        return table
    }()

    /// The name with every known traditional or variant form simplified; nil when nothing changed.
    static func folded(_ name: String) -> String? {
        var changed = false
        let result = String(name.map { character -> Character in
            guard let simple = simplified[character] else { return character }
            changed = true
            return simple
        })
        return changed ? result : nil
    }
}

extension PersonName {
    /// The key with traditional and variant forms simplified: for a review hint only, never
    /// for matching.
    public var variantKey: String { VariantCharacters.folded(key) ?? key }
}
