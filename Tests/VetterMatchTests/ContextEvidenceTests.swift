import Testing
import VetterCore

@testable import VetterMatch

/// A date of birth and identifiers beside the name, on real entries of the May 2022 CSL.
@Suite("Context evidence: dates of birth and identifiers")
struct ContextEvidenceTests {
    // SDN 12562, 'ABD AL-SALAM, Said Jan: born 1981-02-05 or 1972-01-01; passports 4117921 (PK), OR801168 (AF).
    static let saidJan = "12562"

    @Test("a date of birth that agrees with a listed one adds a little; one years away lowers; one year off is neither")
    func datesOfBirth() throws {
        let name = "Said Jan Abd al-Salam"
        let plain = Fixtures.score(name, Self.saidJan)
        func scored(_ date: String) throws -> ScreeningMatch {
            try #require(
                Fixtures.index.screen(ScreeningQuery(name: name, threshold: 0, limit: 50, dateOfBirth: date)).first {
                    $0.entry.id == Self.saidJan
                })
        }
        let parameters = MatchParameters()
        for agreeing in ["1981", "1981-02", "1981-02-05", "1972"] {
            let match = try scored(agreeing)
            #expect(abs(match.score - min(1, plain + parameters.birthDateMatchBonus)) < 0.002, "\(agreeing)")
            #expect(match.explanation.adjustments.contains { $0.contains("agrees with listed") })
        }
        let far = try scored("1995-03")
        #expect(abs(far.score - plain * parameters.birthDateConflict) < 0.002)
        #expect(
            far.explanation.adjustments.contains { $0.contains("more than a year from listed 1981-02-05, 1972-01-01") })
        // Lists give approximate years: one either way is no conflict; another day of the same year is no agreement.
        #expect(abs(try scored("1982").score - plain) < 0.002)
        #expect(abs(try scored("1981-03-01").score - plain) < 0.002)
    }

    @Test("a date of birth says nothing about an entry that lists none, or a company")
    func datesOfBirthWithoutListedDates() {
        let plain = Fixtures.matches("Hikvision")
        let dated = Fixtures.index.screen(ScreeningQuery(name: "Hikvision", limit: 50, dateOfBirth: "1950"))
        #expect(plain.map(\.entry.id) == dated.map(\.entry.id))
        #expect(plain.map(\.score) == dated.map(\.score))
    }

    @Test("an identifier the entry lists finds it whatever the name: a renamed vessel by its IMO number, a passport")
    func identifiers() throws {
        // SDN 25277, the vessel AAJ, IMO 8984484.
        let vessel = Fixtures.index.screen(
            ScreeningQuery(name: "Renamed Star", type: .vessel, identifiers: ["imo 8984484"]))
        let found = try #require(vessel.first)
        #expect(found.entry.id == "25277" && found.score >= MatchParameters().identifierFloor)
        #expect(found.explanation.adjustments.contains { $0.contains("Vessel Registration Identification") })
        #expect(
            Fixtures.index.screen(ScreeningQuery(name: "Renamed Star", identifiers: ["8984484"])).first?.entry.id
                == "25277")
        // A passport written with a space, and the name as well: above the name's own score.
        let passport = Fixtures.index.screen(
            ScreeningQuery(name: "Said Jan Abd al-Salam", threshold: 0, limit: 50, identifiers: ["OR 801168"]))
        let said = try #require(passport.first { $0.entry.id == Self.saidJan })
        let floor = MatchParameters().identifierFloor
        #expect(abs(said.score - (floor + (1 - floor) * Fixtures.score("Said Jan Abd al-Salam", Self.saidJan))) < 0.002)
        // A number no entry lists, and one too short to be evidence, change nothing.
        #expect(
            Fixtures.index.screen(ScreeningQuery(name: "Renamed Star", identifiers: ["IMO 1234567", "12"])).isEmpty)
    }

    @Test("evidence keeps a screen's answer independent of its threshold but for the cut")
    func thresholdOnlyCuts() {
        for (name, date) in [
            ("Said Jan Abd al-Salam", "1981"), ("Saed Jan Abdul Salam", "1972"), ("Jan Salam", "1981"),
        ] {
            let low = Fixtures.index.screen(ScreeningQuery(name: name, threshold: 0.3, limit: 500, dateOfBirth: date))
            for threshold in [0.6, 0.75, 0.85] {
                let high = Fixtures.index.screen(
                    ScreeningQuery(name: name, threshold: threshold, limit: 500, dateOfBirth: date))
                #expect(
                    Set(high.map { "\($0.entry.source.code) \($0.entry.id) \($0.score)" })
                        == Set(
                            low.filter { $0.score >= threshold }.map {
                                "\($0.entry.source.code) \($0.entry.id) \($0.score)"
                            }),
                    "\(name) at \(threshold)")
            }
        }
    }

    @Test("listed dates of birth as lists write them: days, months, years, ranges, circa")
    func listedDates() {
        #expect(BirthDate.listed("1962-08-06") == [BirthDate(year: 1962, month: 8, day: 6)])
        #expect(BirthDate.listed("1962") == [BirthDate(year: 1962, month: 0, day: 0)])
        #expect(BirthDate.listed("circa 1962").map(\.year) == [1962])
        #expect(BirthDate.listed("06 Aug 1962").map(\.year) == [1962])
        #expect(BirthDate.listed("1960 to 1962").map(\.year) == [1960, 1961, 1962])
        #expect(BirthDate.listed("unknown").isEmpty)
        #expect(BirthDate.query("1962-08") == BirthDate(year: 1962, month: 8, day: 0))
        #expect(BirthDate.query("62") == nil)
    }

    @Test(
        "identifiers compare without spacing, punctuation, case or an IMO prefix; text and short numbers are not identifiers"
    )
    func identifierKeys() {
        #expect(Identifier.key("IMO 9187629") == "9187629")
        #expect(Identifier.key("imo9187629") == "9187629")
        #expect(Identifier.key("K-475 336") == "K475336")
        #expect(Identifier.key("Male") == nil)
        #expect(Identifier.key("A12") == nil)
    }
}
