/// Chinese words that list names translate rather than romanise, with their English rendering.
///
/// Entity List rows give Chinese companies in English: "有限公司" is written "Co., Ltd.", "科技" "Technology",
/// "大学" "University", "公安局" "Public Security Bureau". A query in characters is read by translating these
/// words and romanising the rest (a brand such as 华为 is written as its pinyin, "Huawei"). The table is general
/// vocabulary of company, institution and government names — legal forms, sectors, institution types — not names
/// of particular companies. Longest words are matched first.
enum HanWords {
    static let table: [String: String] = [
        // Legal forms and company structure
        "股份有限公司": "co ltd", "有限责任公司": "co ltd", "有限公司": "co ltd", "责任公司": "co ltd",
        "公司": "company", "集团": "group", "控股": "holdings", "分公司": "branch", "总公司": "corporation",
        "子公司": "subsidiary", "厂": "factory", "工厂": "factory",
        // Sectors
        "科技": "technology", "技术": "technology", "高科技": "high technology", "信息": "information",
        "电子": "electronics", "微电子": "microelectronics", "光电": "optoelectronics", "通信": "communication",
        "通讯": "communications", "网络": "network", "软件": "software", "系统": "systems", "工程": "engineering",
        "工业": "industry", "实业": "industrial", "国际": "international", "贸易": "trading",
        "进出口": "import export", "航空": "aviation|aeronautics", "航天": "aerospace|astronautics", "开发": "development",
        "产业": "industry",
        "铁路": "railway", "网": "net|network", "船舶": "shipbuilding",
        "重工": "heavy industry", "机械": "machinery", "设备": "equipment", "仪器": "instrument",
        "半导体": "semiconductor", "集成电路": "integrated circuit", "材料": "materials", "化工": "chemical",
        "能源": "energy", "发展": "development", "投资": "investment", "物流": "logistics", "航运": "shipping",
        "海运": "shipping", "银行": "bank", "建设": "construction", "交通": "communications",
        "计算机": "computer", "智能": "intelligent", "数据": "data", "数字": "digital", "视觉": "vision",
        "安全": "security", "国防": "national defense", "军事": "military", "装备": "equipment",
        "制造": "manufacturing", "精密": "precision", "电气": "electric", "电力": "electric power",
        "生物": "biological", "医药": "pharmaceutical", "制药": "pharmaceutical", "基因": "gene",
        "石油": "petroleum", "天然气": "natural gas", "矿业": "mining", "钢铁": "steel", "汽车": "automobile",
        "电器": "electrical appliance", "光学": "optics", "激光": "laser", "雷达": "radar", "卫星": "satellite",
        "导弹": "missile", "核": "nuclear", "动力": "power", "研究": "research", "应用": "applied",
        "物理": "physics", "化学": "chemistry", "数学": "mathematics", "自动化": "automation",
        // Institutions and government
        "大学": "university", "学院": "institute", "研究所": "research institute", "研究院": "research institute",
        "研究中心": "research center", "中心": "center", "实验室": "laboratory", "科学院": "academy of sciences",
        "工程物理研究院": "academy of engineering physics", "公安局": "public security bureau",
        "厅": "department|bureau", "公安": "public security", "警察": "police", "监狱": "prison",
        "人民政府": "people's government", "政府": "government", "局": "bureau", "分局": "branch bureau",
        "部": "ministry", "委员会": "commission", "军区": "military region", "部队": "unit", "兵团": "corps",
        "生产建设兵团": "production and construction corps", "学校": "school", "医院": "hospital",
        // Places whose English name is not their pinyin, and common geographic words
        "中国": "china", "香港": "hong kong", "澳门": "macau", "西藏": "tibet", "内蒙古": "inner mongolia",
        "陕西": "shaanxi", "哈尔滨": "harbin", "西安": "xian", "厦门": "xiamen", "省": "province", "市": "city", "县": "county",
        "区": "district", "自治区": "autonomous region", "维吾尔": "uighur|uyghur|uygur",
    ]

    /// Administrative suffixes of place names (city, province, county), left out inside a name.
    static let administrative: Set<String> = ["市", "省", "县"]

    // A value "a|b" gives the usual translation first and others the matcher also accepts.

    /// The longest word in characters.
    static let longest: Int = table.keys.map(\.count).max() ?? 1

    /// The longest word, of `minimum` to `longest` characters, that starts at `index` and that `find` knows, with
    /// what `find` gives for it: tables of words are read longest word first.
    static func longestWord<Value>(
        _ characters: [Character], at index: Int, longest: Int, minimum: Int = 1, _ find: (String) -> Value?
    ) -> (length: Int, value: Value)? {
        let top = min(longest, characters.count - index)
        guard top >= minimum else { return nil }
        for length in stride(from: top, through: minimum, by: -1) {
            if let value = find(String(characters[index..<index + length])) { return (length, value) }
        }
        return nil
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0xF900...0xFAFF: true
        default: false
        }
    }
}
