/// Spelling variants of the same given name or name particle that US lists and customers' records write
/// differently, beyond what a typing error or the transliteration skeleton covers ("Usama" / "Osama",
/// "ibn" / "bin", "Oleksandr" / "Alexander"). A query word of a class also matches the class's other spellings
/// (as alternatives, similarity 1); listed names are indexed as written.
///
/// Sources of the classes: the romanisation tables US lists follow — BGN/PCGN for Russian and Ukrainian — and
/// the variant spellings OFAC itself gives as aliases of Arabic names (USAMA BIN LADEN a.k.a. OSAMA BIN LADEN;
/// MUHAMMAD, MOHAMMED, MOHAMED across entries).
enum NameVariants {
    static let list: [[String]] = [
        [
            "muhammad", "mohammad", "mohammed", "muhammed", "mohamed", "mohamad", "muhamad", "mohamud", "mehmet",
            "mahomed", "mohd", "mhd",
        ],
        ["usama", "osama", "ousama", "oussama", "usamah"],
        ["bin", "ibn", "ben", "bn"],
        ["abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu"],
        ["abu", "abou", "abo"],
        ["ahmad", "ahmed", "ahmet", "ahmat"],
        ["husayn", "hussein", "husain", "hussain", "hossein", "hosein", "husein", "hussen"],
        ["hasan", "hassan"],
        ["mahmud", "mahmoud", "mahmood"],
        ["mustafa", "mostafa", "moustafa", "mustapha"],
        ["umar", "omar", "omer"],
        ["yusuf", "yousef", "youssef", "yusef", "yousif", "yousuf"],
        ["ibrahim", "ebrahim", "ibraheem"],
        ["abdallah", "abdullah", "abdulla", "abdalla"],
        ["alexander", "aleksandr", "alexandr", "aleksander", "oleksandr", "alexandre", "alessandro"],
        ["sergey", "sergei", "serguei", "serhiy", "serhii"],
        ["yuri", "yury", "yuriy", "iouri", "yurii"],
        ["dmitry", "dmitri", "dmitriy", "dmytro"],
        ["andrey", "andrei", "andriy", "andrii"],
        ["nikolay", "nikolai", "mykola"],
        ["mikhail", "michail", "mykhailo", "mikhael"],
        ["aleksey", "alexei", "alexey", "aleksei", "oleksiy", "oleksii"],
        ["yevgeny", "evgeny", "yevgeniy", "evgeniy", "yevhen"],
        ["vladimir", "volodymyr", "wladimir"],
    ]

    /// Every spelling to its class.
    static let classes: [String: [String]] = {
        var classes: [String: [String]] = [:]
        for variants in list {
            for variant in variants { classes[variant] = variants }
        }
        return classes
    }()
}
