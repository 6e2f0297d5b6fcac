import Foundation

/// Country names as US lists write them, mapped to ISO 3166-1 alpha-2.
///
/// OFAC's legacy files and BIS's Denied Persons file spell countries out ("Iran", "Korea, North"); screening
/// compares ISO codes, so readers map names through this table and keep the raw text when it is unknown.
public enum Countries {
    /// The ISO code for a country name or code, or `nil` when unknown.
    public static func code(for text: String) -> String? {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if key.count == 2, key.allSatisfy({ $0.isLetter }) { return key }
        return byName[key]
    }

    /// The ISO code for a country as a person or a party file gives it: an assigned ISO 3166-1 alpha-2 code
    /// (and XK, Kosovo, as US agencies use it) or a country name of the table; `nil` for anything else. Strict,
    /// unlike ``code(for:)``, which list readers use to keep the codes the agencies wrote.
    public static func isoCode(for text: String) -> String? {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if key.count == 2, assigned.contains(key) { return key }
        return byName[key]  // names, and the two-letter names people use: UK, for GB
    }

    /// Every officially assigned ISO 3166-1 alpha-2 code (Debian's iso-codes, 249 codes), and XK.
    public static let assigned: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
        BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
        FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
        IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
        ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
        PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
        TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        XK
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    static let byName: [String: String] = {
        var table: [String: String] = [:]
        for line in names.split(separator: "\n") {
            let parts = line.split(separator: "|")
            guard parts.count == 2 else { continue }
            for name in parts[1].split(separator: ";") { table[name.uppercased()] = String(parts[0]) }
        }
        return table
    }()

    private static let names = """
        AF|Afghanistan
        AL|Albania
        DZ|Algeria
        AO|Angola
        AR|Argentina
        AM|Armenia
        AU|Australia
        AT|Austria
        AZ|Azerbaijan
        BH|Bahrain
        BD|Bangladesh
        BY|Belarus
        BE|Belgium
        BZ|Belize
        BA|Bosnia and Herzegovina;Bosnia-Herzegovina
        BR|Brazil
        BG|Bulgaria
        MM|Burma;Myanmar
        BI|Burundi
        KH|Cambodia
        CM|Cameroon
        CA|Canada
        CF|Central African Republic
        TD|Chad
        CL|Chile
        CN|China;China, People's Republic of;People's Republic of China
        CO|Colombia
        KM|Comoros
        CD|Congo, Democratic Republic of the;Democratic Republic of the Congo
        CG|Congo, Republic of the;Congo
        CR|Costa Rica
        CI|Cote d'Ivoire;Cote d Ivoire
        HR|Croatia
        CU|Cuba
        CY|Cyprus
        CZ|Czech Republic;Czechia
        DK|Denmark
        DJ|Djibouti
        DO|Dominican Republic
        EC|Ecuador
        EG|Egypt
        SV|El Salvador
        ER|Eritrea
        EE|Estonia
        ET|Ethiopia
        FI|Finland
        FR|France
        GM|Gambia;The Gambia
        GE|Georgia
        DE|Germany
        GH|Ghana
        GR|Greece
        GT|Guatemala
        GN|Guinea
        GW|Guinea-Bissau
        HT|Haiti
        HN|Honduras
        HK|Hong Kong
        HU|Hungary
        IN|India
        ID|Indonesia
        IR|Iran
        IQ|Iraq
        IE|Ireland
        IL|Israel
        IT|Italy
        JM|Jamaica
        JP|Japan
        JO|Jordan
        KZ|Kazakhstan
        KE|Kenya
        KP|Korea, North;North Korea;Korea, Democratic People's Republic of;Democratic People's Republic of Korea;DPRK
        KR|Korea, South;South Korea;Korea, Republic of;Republic of Korea;ROK
        XK|Kosovo
        KW|Kuwait
        KG|Kyrgyzstan
        LA|Laos
        LV|Latvia
        LB|Lebanon
        LR|Liberia
        LY|Libya
        LI|Liechtenstein
        LT|Lithuania
        LU|Luxembourg
        MK|Macedonia;North Macedonia
        MY|Malaysia
        MV|Maldives
        ML|Mali
        MT|Malta
        MH|Marshall Islands
        MR|Mauritania
        MU|Mauritius
        MX|Mexico
        MD|Moldova
        MN|Mongolia
        ME|Montenegro
        MA|Morocco
        MZ|Mozambique
        NA|Namibia
        NP|Nepal
        NL|Netherlands
        NZ|New Zealand
        NI|Nicaragua
        NE|Niger
        NG|Nigeria
        NO|Norway
        OM|Oman
        PK|Pakistan
        PS|Palestinian;Palestinian Territories;West Bank;Gaza
        PA|Panama
        PY|Paraguay
        PE|Peru
        PH|Philippines
        PL|Poland
        PT|Portugal
        QA|Qatar
        RO|Romania
        RU|Russia;Russian Federation
        RW|Rwanda
        SA|Saudi Arabia
        SN|Senegal
        RS|Serbia
        SC|Seychelles
        SL|Sierra Leone
        SG|Singapore
        SK|Slovakia
        SI|Slovenia
        SO|Somalia
        ZA|South Africa
        SS|South Sudan
        ES|Spain
        LK|Sri Lanka
        SD|Sudan
        SE|Sweden
        CH|Switzerland
        SY|Syria;Syrian Arab Republic
        TW|Taiwan
        TJ|Tajikistan
        TZ|Tanzania
        TH|Thailand
        TG|Togo
        TT|Trinidad and Tobago
        TN|Tunisia
        TR|Turkey;Turkiye
        TM|Turkmenistan
        UG|Uganda
        UA|Ukraine;Crimea region of Ukraine
        AE|United Arab Emirates;UAE
        GB|United Kingdom;UK
        US|United States;USA
        UY|Uruguay
        UZ|Uzbekistan
        VU|Vanuatu
        VE|Venezuela
        VN|Vietnam;Viet Nam
        VG|Virgin Islands, British;British Virgin Islands
        YE|Yemen
        ZM|Zambia
        ZW|Zimbabwe
        """
}
