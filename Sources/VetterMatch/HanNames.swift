/// Chinese names of listed organisations whose English names are not their pinyin, each with where the name
/// comes from (the organisation's own listing documents). ``HanWords`` translates general vocabulary and pinyin
/// reads the rest; a brand ("海康威视" is "Hikvision", not "Haikang Weishi") needs this table. It complements the
/// dictionary, it does not replace it: only names whose source is cited here are in it.
enum HanNames {
    struct Row {
        var characters: String
        var english: String
        var source: String
    }

    static let rows: [Row] = [
        Row(
            characters: "海康威视", english: "hikvision",
            source: "杭州海康威视数字技术股份有限公司, Shenzhen Stock Exchange 002415, annual reports"),
        Row(
            characters: "大华", english: "dahua",
            source: "浙江大华技术股份有限公司, Shenzhen Stock Exchange 002236, annual reports"),
        Row(
            characters: "科大讯飞", english: "iflytek",
            source: "科大讯飞股份有限公司 (iFLYTEK Co., Ltd.), Shenzhen Stock Exchange 002230, annual reports"),
        Row(
            characters: "讯飞", english: "iflytek",
            source: "科大讯飞股份有限公司 (iFLYTEK Co., Ltd.), Shenzhen Stock Exchange 002230, annual reports"),
        Row(
            characters: "美亚柏科", english: "meiya pico",
            source: "厦门市美亚柏科信息股份有限公司 (Xiamen Meiya Pico Information Co., Ltd.), Shenzhen Stock Exchange 300188"),
        Row(
            characters: "商汤", english: "sensetime",
            source: "商汤集团股份有限公司 (SenseTime Group Inc.), Hong Kong Stock Exchange 0020, prospectus of 2021"),
        Row(
            characters: "旷视", english: "megvii",
            source: "北京旷视科技有限公司 (Megvii Technology), Hong Kong listing application of 2019"),
        Row(
            characters: "依图", english: "yitu",
            source: "上海依图网络科技有限公司 (Shanghai Yitu Network Technology), the company's site yitutech.com"),
        Row(
            characters: "浪潮", english: "inspur",
            source: "浪潮电子信息产业股份有限公司 (Inspur Electronic Information Industry), Shenzhen Stock Exchange 000977"),
        Row(
            characters: "中兴", english: "zte",
            source: "中兴通讯股份有限公司 (ZTE Corporation), Shenzhen Stock Exchange 000063"),
    ]

    static let table: [String: String] = Dictionary(
        rows.map { ($0.characters, $0.english) }, uniquingKeysWith: { a, _ in a })

    static let longest: Int = rows.map(\.characters.count).max() ?? 1
}
