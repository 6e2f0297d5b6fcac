/// Place names that prefix company names: Chinese provinces and large cities above all (most Entity List rows
/// are Chinese companies written "Hangzhou Hikvision …", "Zhejiang Dahua …"), and the capitals and commercial
/// cities that prefix names on the other lists.
///
/// A place is context, not identity: a place one side has and the other lacks costs little ("Hikvision" is
/// "Hangzhou Hikvision"), while two different places are evidence of two legal entities ("Shanghai SenseTime"
/// is not "Beijing SenseTime", though it may be an affiliate). See ``Token/Kind/place``.
enum Places {
    static let names: Set<String> = [
        // Chinese provinces, regions and municipalities
        "anhui", "beijing", "chongqing", "fujian", "gansu", "guangdong", "guangxi", "guizhou", "hainan", "hebei",
        "heilongjiang", "henan", "hubei", "hunan", "jiangsu", "jiangxi", "jilin", "liaoning", "ningxia", "qinghai",
        "shaanxi", "shandong", "shanghai", "shanxi", "sichuan", "tianjin", "xinjiang", "yunnan", "zhejiang",
        "tibet", "xizang", "mongolia", "macau", "macao",
        // Large Chinese cities
        "hangzhou", "shenzhen", "guangzhou", "wuhan", "nanjing", "xian", "harbin", "chengdu", "xiamen", "hefei",
        "changsha", "jinan", "qingdao", "dalian", "shenyang", "suzhou", "wuxi", "ningbo", "dongguan", "foshan",
        "zhuhai", "kunming", "urumqi", "fuzhou", "zhengzhou", "taiyuan", "shijiazhuang", "nanchang", "lanzhou",
        "changchun", "hohhot", "yinchuan", "xining", "haikou", "nanning", "guiyang", "lhasa", "mianyang",
        "chengde", "baotou", "luoyang", "changzhou", "nantong", "yantai", "zibo", "weihai", "shantou", "kashgar",
        "hotan", "aksu", "turpan", "korla",
        // Other cities that prefix listed names
        "moscow", "petersburg", "novosibirsk", "yekaterinburg", "kazan", "tehran", "isfahan", "dubai", "sharjah",
        "istanbul", "damascus", "beirut", "pyongyang", "minsk", "karachi", "lahore", "caracas", "singapore",
    ]
}
