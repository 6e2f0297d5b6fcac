import Foundation
import Testing
import VetterCore
import VetterLists
import VetterRules
import VetterTesting

/// What the US lists outside the CSL mean for an export, on their real entries: each its own effect and statute.
@Suite("The effect of 1260H, FCC, MIEU, INKSNA and the NDAA lists")
struct OtherListEffectTests {
    static let today = LocalDate(year: 2026, month: 11, day: 30)

    static func entry(_ file: String, _ name: String) throws -> ListEntry {
        let read = try ListReader.read(path: SharedData.path("other-us-lists/" + file))
        return try #require(read.entries.first { $0.name == name })
    }

    @Test("1260H and the FCC Covered List: a procurement restriction with its statute, no export licence")
    func procurement() throws {
        let cases = [
            (
                try Self.entry(
                    "dod_chinese_milcorps__sanctions.csv", "Hangzhou Hikvision Digital Technology Co., Ltd."),
                "Section 1260H of the FY2021 NDAA"
            ),
            (
                try Self.entry("fcc_covered_list__table.csv", "Huawei Technologies Company"),
                "47 U.S.C. 1601"
            ),
            (try Self.entry("special_leg__section_889.csv", "Dahua Technology Company"), "FAR 52.204-25"),
        ]
        for (entry, statute) in cases {
            for eccn in ["EAR99", "5A992"] {
                let result = try #require(
                    LicenceDecider.determine(entry, item: try ECCN(eccn), on: Self.today))
                #expect(result.effect == .procurementRestriction)
                #expect(result.decision == .noLicenseRequired)
                #expect(!result.licenseRequired)
                #expect(result.regulation.contains(statute), "\(result.regulation)")
                #expect(result.reasons.joined().contains("not an export licence requirement"))
            }
        }
    }

    @Test("MIEU: a licence for every item subject to the EAR, presumption of denial, no exceptions")
    func mieu() throws {
        let entry = try Self.entry("bis_mieu__mieu.csv", "Directorate of Military Intelligence")
        for eccn in ["EAR99", "3A001"] {
            let result = try #require(LicenceDecider.determine(entry, item: try ECCN(eccn), on: Self.today))
            #expect(result.decision == .licenseRequired)
            #expect(result.licenseRequired)
            #expect(result.reviewPolicy == .presumptionOfDenial)
            #expect(result.licenseExceptions.isEmpty)
            #expect(result.regulation.contains("744.22"))
        }
        // Listed from 16 March 2021: nothing before.
        #expect(
            LicenceDecider.determine(
                entry, item: try ECCN("EAR99"), on: LocalDate(year: 2021, month: 3, day: 1)) == nil)
    }

    @Test("INKSNA: a licence the EAR requires would be denied (review); EAR99 needs none; the measures end")
    func inksna() throws {
        let file = try ListReader.read(path: SharedData.path("other-us-lists/special_leg__inksna.csv"))
        let entry = try #require(file.entries.first { $0.endDate == LocalDate(year: 2028, month: 1, day: 22) })
        let controlled = try #require(
            LicenceDecider.determine(entry, item: try ECCN("3A001"), on: Self.today))
        #expect(controlled.decision == .review)
        #expect(controlled.conditions.first?.contains("will be denied") == true)
        let ear99 = try #require(LicenceDecider.determine(entry, item: try ECCN("EAR99"), on: Self.today))
        #expect(ear99.decision == .noLicenseRequired)
        #expect(ear99.regulation.contains("Pub. L. 106-178"))
        #expect(
            LicenceDecider.determine(
                entry, item: try ECCN("3A001"), on: LocalDate(year: 2028, month: 2, day: 1)) == nil)
    }

    @Test("Section 154 applies from 1 October 2027, not before")
    func batteries() throws {
        let entry = try Self.entry("special_leg__section_154.csv", "BYD Company, Limited")
        let item = try ECCN("EAR99")
        #expect(LicenceDecider.determine(entry, item: item, on: Self.today) == nil)
        let later = try #require(
            LicenceDecider.determine(entry, item: item, on: LocalDate(year: 2027, month: 10, day: 1)))
        #expect(later.effect == .procurementRestriction)
        #expect(later.regulation.contains("Section 154 of the FY2024 NDAA"))
    }
}
