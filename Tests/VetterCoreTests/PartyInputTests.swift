import Testing
import VetterCore

@Suite("Party input and days as people give them")
struct PartyInputTests {
    @Test("countries: assigned codes in any case, names, UK; not any two letters")
    func countries() throws {
        #expect(try PartyInput.country("cn") == "CN")
        #expect(try PartyInput.country("China") == "CN")
        #expect(try PartyInput.country("UK") == "GB")
        #expect(try PartyInput.country("XK") == "XK")
        #expect(try PartyInput.country("  ") == nil)
        for bad in ["QQ", "ZZ", "Narnia", "C"] {
            #expect(throws: PartyInputError.self) { try PartyInput.country(bad) }
        }
        #expect(Countries.assigned.count == 250)
    }

    @Test("names: trimmed, not empty, at most 1,000 characters, no control character")
    func names() throws {
        #expect(try PartyInput.name("  Hikvision ") == "Hikvision")
        #expect(try PartyInput.name(String(repeating: "海", count: 1_000)).count == 1_000)
        for bad in ["", "   ", String(repeating: "a", count: 1_001), "Hik\u{0}vision", "Kim\nJong Un", "a\u{1B}[2J"] {
            #expect(throws: PartyInputError.self) { try PartyInput.name(bad) }
        }
        #expect(throws: PartyInputError.self) { try PartyInput.type("robot") }
        #expect(try PartyInput.type("Individual") == .individual)
    }

    @Test("dates of birth: YYYY, YYYY-MM or a day of the calendar, written exactly; identifiers: at most 20 of 100")
    func evidence() throws {
        for good in ["1962", "1962-08", "1962-08-06", "2000-02-29"] {
            #expect(try PartyInput.dateOfBirth(good) == good)
        }
        #expect(try PartyInput.dateOfBirth(nil) == nil)
        for bad in ["", " 1962", "62", "1962-8", "1962-13", "2001-02-29", "1962-+1", "1800", "1962-08-06x", "١٩٦٢"] {
            #expect(throws: PartyInputError.self, "\(bad)") { try PartyInput.dateOfBirth(bad) }
        }
        #expect(try PartyInput.identifiers([" K475336 ", "", "IMO 9187629"]) == ["K475336", "IMO 9187629"])
        #expect(try PartyInput.identifiers(nil) == [])
        for bad in [Array(repeating: "A12345", count: 21), [String(repeating: "1", count: 101)], ["K47\n5336"]] {
            #expect(throws: PartyInputError.self) { try PartyInput.identifiers(bad) }
        }
    }

    @Test("days: YYYY-MM-DD and a day the calendar has")
    func days() {
        #expect(LocalDate(strict: "2024-02-29") == LocalDate(year: 2024, month: 2, day: 29))
        for bad in [
            "2019-02-30", "2023-02-29", "1900-02-29", "2019-13-01", "1/1/1", "2019-1-1", "2019-01-01x", "0000-01-01",
        ] {
            #expect(LocalDate(strict: bad) == nil, "\(bad)")
        }
        #expect(LocalDate(strict: "2000-02-29") != nil)
    }

    @Test("control characters are escaped, line breaks kept only where asked")
    func escaping() {
        #expect("a\nb\u{1B}c\u{85}".escapingControlCharacters == #"a\u{A}b\u{1B}c\u{85}"#)
        #expect("a\nb\tc\u{7F}".escapingControlCharactersButLineBreaks == "a\nb\tc\\u{7F}")
        #expect("海康威视 Hikvision".escapingControlCharacters == "海康威视 Hikvision")
    }
}
