import Foundation
import Testing
import VetterCore
import VetterRules
import VetterTesting

/// Determinations written from the rule texts of real entries in the May 2022 snapshot: every distinct review
/// policy text, every kind of licence requirement, and every list's effect.
@Suite("Licence determinations on real entries")
struct DeterminationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var entryID: String
        var source: ListSource = .entityList
        var eccn: String
        var decision: Decision
        var policy: ReviewPolicy?
        var condition: String? = nil
        var exceptions: [String] = []
        var testDescription: String { "\(source.code) \(entryID.prefix(8)) × \(eccn) → \(decision.rawValue)" }
    }

    static let day = LocalDate(year: 2022, month: 5, day: 1)
    static let hikvision = "f095626c9f8becc70b5948507fb6de6e443b257a"

    static let cases: [Case] = [
        // Hikvision (84 FR 54002): case-by-case for the named ECCNs, presumption of denial for everything else.
        Case(entryID: hikvision, eccn: "1A004.c", decision: .licenseRequired, policy: .caseByCase),
        Case(entryID: hikvision, eccn: "1A004.c.1", decision: .licenseRequired, policy: .caseByCase),
        Case(entryID: hikvision, eccn: "2E983", decision: .licenseRequired, policy: .caseByCase),
        Case(entryID: hikvision, eccn: "5A992", decision: .licenseRequired, policy: .presumptionOfDenial),
        Case(entryID: hikvision, eccn: "1A004.a", decision: .licenseRequired, policy: .presumptionOfDenial),
        Case(
            entryID: hikvision, eccn: "EAR99", decision: .licenseRequired, policy: .presumptionOfDenial,
            condition: "Note to ECCN 1A995"),
        // The same policy with the published typing error "casa-by-case" (Beijing Liuhe BGI).
        Case(
            entryID: "83371067d3b28224a6f2ee41886dfded7f787d0b", eccn: "1D003", decision: .licenseRequired,
            policy: .caseByCase),
        Case(
            entryID: "83371067d3b28224a6f2ee41886dfded7f787d0b", eccn: "3A001", decision: .licenseRequired,
            policy: .presumptionOfDenial, condition: "infectious disease"),
        // Without the infectious-disease clause (Aksu Huafu Textiles).
        Case(
            entryID: "12dfa1d50d587bad992a4efae529a197102186c9", eccn: "3A001", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        // Aksu District Public Security Bureau: the same formula without the infectious-disease clause.
        Case(
            entryID: "5fc21662a514d69b2e63fee453d8626fffb5579b", eccn: "2A983", decision: .licenseRequired,
            policy: .caseByCase),
        Case(
            entryID: "5fc21662a514d69b2e63fee453d8626fffb5579b", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        // Infectious-disease clause then presumption of denial (AGCU Scientech; the "." variant: China National
        // Scientific Instruments; the DJI row with its UAV technology exception).
        Case(
            entryID: "6bde40efdf8b4d5c77e0f39cb87ab223bdc7772b", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial, condition: "infectious disease"),
        Case(
            entryID: "b346430427c98a2cebf7c4b65752874750b65cca", eccn: "9A012", decision: .licenseRequired,
            policy: .presumptionOfDenial, condition: "infectious disease"),
        Case(
            entryID: "dd722739c0ff9dc3e12072f69a95866d31623ed4", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        Case(
            entryID: "ce7140d470d19fe6e5aed2ae6ee74233ce0c2098", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial, condition: "unmanned aerial vehicles"),
        // Plain presumption of denial in its spellings.
        Case(
            entryID: "327175dd1247e04cf9bf2f4a9545704780ccafad", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        Case(
            entryID: "3456b80c275c6a8e265d70baf1310e9e26042292", eccn: "3A001", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        Case(
            entryID: "3bbe4c089303365bcda1d81e91cb00c2c12e28bb", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        Case(
            entryID: "f815c2f5d7df676ca06b13337af8d887fb71ef80", eccn: "5A002", decision: .licenseRequired,
            policy: .presumptionOfDenial),
        // Russia, 2022: policy of denial, foreign-direct-product footnote 3.
        Case(
            entryID: "4398d33e9e93c7477af39f1e0bfffc13ddd47bcc", eccn: "EAR99", decision: .licenseRequired,
            policy: .policyOfDenial),
        Case(
            entryID: "b684a215f3353d2f9a01d67e78daa74176ecbca7", eccn: "9A610", decision: .licenseRequired,
            policy: .policyOfDenial),
        // Except food or medicine designated EAR99: the requirement stands, the exception is a condition.
        Case(
            entryID: "b3187f907695bd0393268ca749da461e5e39d07f", eccn: "EAR99", decision: .licenseRequired,
            policy: .policyOfDenial, condition: "food or medicine"),
        Case(
            entryID: "b3187f907695bd0393268ca749da461e5e39d07f", eccn: "1C010", decision: .licenseRequired,
            policy: .policyOfDenial),
        // Except 5A992.c and 5D992.c unless for Russian government end users: a condition only the exporter knows.
        Case(
            entryID: "5bd9a4836cf03268ba48381258deb85e8439239c", eccn: "5A992.c", decision: .review,
            policy: .policyOfDenial, condition: "government end users"),
        Case(
            entryID: "5bd9a4836cf03268ba48381258deb85e8439239c", eccn: "5A992.a", decision: .licenseRequired,
            policy: .policyOfDenial),
        // The requirement that License Exception GOV may overcome.
        Case(
            entryID: "db5817859b28b75320082880f5d072e518ac324b", eccn: "EAR99", decision: .licenseRequired,
            policy: .policyOfDenial, exceptions: ["GOV"]),
        // Policy of denial, case-by-case for US Government space programs (JSC Element).
        Case(
            entryID: "1e97ed951eb5e6ec1753deb03c4fc19b8b4f1011", eccn: "9A515", decision: .licenseRequired,
            policy: .policyOfDenial, condition: "space programs"),
        // Case-by-case in its spellings.
        Case(
            entryID: "d6a68bd30aed352b043524ccacf9fc8551b786c2", eccn: "EAR99", decision: .licenseRequired,
            policy: .caseByCase),
        Case(
            entryID: "5a0861e4f826a3ea3a8785f910b70e4b6ad61e82", eccn: "0B001", decision: .licenseRequired,
            policy: .caseByCase),
        Case(
            entryID: "f1616d8cb524c9b4e6c1d5e6e4f2b0b72bca512e", eccn: "5E002", decision: .licenseRequired,
            policy: .caseByCase, condition: "standards organization"),
        // Case-by-case for the CCL, presumption of approval for EAR99 (Indian and Pakistani entries).
        Case(
            entryID: "4f97e92b4e9669c0835c2af6bd8c9b7f6cca142c", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfApproval),
        Case(
            entryID: "4f97e92b4e9669c0835c2af6bd8c9b7f6cca142c", eccn: "3A001", decision: .licenseRequired,
            policy: .caseByCase),
        Case(
            entryID: "8607092435e34eff39c1b644a6a890c3ba40c888", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfApproval),
        Case(
            entryID: "c95f59518619edbfcad2045bb753f03b15b57a28", eccn: "1C010", decision: .licenseRequired,
            policy: .caseByCase),
        Case(
            entryID: "c95f59518619edbfcad2045bb753f03b15b57a28", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfApproval),
        // SMIC's advanced-node condition: presumption of denial for those items, case-by-case for the rest.
        Case(
            entryID: "90273675549d962ebc2b2b0b280aae3d6b32a586", eccn: "3B001", decision: .licenseRequired,
            policy: .caseByCase, condition: "advanced technology nodes"),
        Case(
            entryID: "270e7950791e0073a8d28afcd854efd3a12766da", eccn: "EAR99", decision: .licenseRequired,
            policy: .caseByCase, condition: "advanced technology nodes"),
        Case(
            entryID: "731a2345ef049aadb423f27a523a2b9613374876", eccn: "3E001", decision: .licenseRequired,
            policy: .caseByCase, condition: "advanced technology nodes"),
        // Iran Air: case-by-case for the safety of civil aviation; nothing said for other items: conditional.
        Case(
            entryID: "00b7140b237ea458a3620655b939779a64e9bdf8", eccn: "9A991", decision: .licenseRequired,
            policy: .conditional, condition: "civil aviation"),
        // "See §744.x(d)": the policy is the cited section's.
        Case(
            entryID: "14b2dc922b62ff49cb9d3c6a18a8afb217f4d610", eccn: "1C350", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "a41440afeb21f071b4572a28c09b3dc4f69f3547", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "419bc80e836aa51529e42aa745ca4b323b0d4d29", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "42138e0b21b6f66831b121d9eb0897e6796b64fc", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "984b4389bf968cb0ce1c21488740e920150152c7", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "da8a8b220f40751cefdb3af603e0de193baf3a08", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "f930e92da2b86a5f8941989bcce1eb4c1f9b2d9d", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        Case(
            entryID: "6664b1ac6210de32e40e793110198289f2c0d157", eccn: "EAR99", decision: .licenseRequired,
            policy: .seeRegulation),
        // Only in projects specified in §746.5: the requirement itself turns on a fact the exporter knows; the policy
        // that applies if it does is still reported ("See §746.5(b) of the EAR").
        Case(
            entryID: "799f2096f550af93f1bb75a43752542eb29eacdd", eccn: "EAR99", decision: .review,
            policy: .seeRegulation, condition: "projects specified in §746.5"),
        Case(
            entryID: "3e6e2b573dd647a54b7193d1b8d2e891dffa6431", eccn: "0A998", decision: .review,
            policy: .seeRegulation, condition: "projects specified in §746.5"),
        // A requirement that states a policy: "For all items subject to the EAR, with case-by-case basis for items
        // listed on the CCL", policy column "Presumption of approval for EAR99 items".
        Case(
            entryID: "a0fe4369e5bbc7cb407c2afd7a9d55cadaa7146e", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfApproval),
        Case(
            entryID: "3bc22ef512915042d2b40c041eb7d58886c894b5", eccn: "3A001", decision: .licenseRequired,
            policy: .caseByCase),
        // A policy only for some items (Iran Air): conditional, the condition named.
        Case(
            entryID: "00b7140b237ea458a3620655b939779a64e9bdf8", eccn: "EAR99", decision: .licenseRequired,
            policy: .conditional, condition: "safety of civil aviation"),
        // Texts that cannot be read with certainty go to a person, never guessed.
        Case(
            entryID: "13e3844210a411df955d1bcbd084182f7b16caac", eccn: "EAR99", decision: .review, policy: nil,
            condition: "needs a person"),
        Case(
            entryID: "f05ddf061ebf1a6362c9574def3884d3e1cae991", eccn: "EAR99", decision: .review, policy: nil,
            condition: "needs a person"),
        // OFAC General License exception (FAU Glavgosekspertiza).
        Case(
            entryID: "067e0ae02dc8c49a53ef3c0f9399a0e4567d59a0", eccn: "EAR99", decision: .licenseRequired,
            policy: .presumptionOfDenial, condition: "General License"),
        // Military End User: only Supplement No. 2 items; GOV only.
        Case(
            entryID: "a115de6b0d2f889dc57c7b1bf35ca970436819f8", source: .militaryEndUser, eccn: "EAR99",
            decision: .noLicenseRequired, policy: nil, exceptions: ["GOV"]),
        Case(
            entryID: "a115de6b0d2f889dc57c7b1bf35ca970436819f8", source: .militaryEndUser, eccn: "9A991",
            decision: .review, policy: .seeRegulation, condition: "Supplement No. 2 to Part 744", exceptions: ["GOV"]),
        // The other lists' effects.
        Case(
            entryID: "deb7a1d5743a85c354ca1a2c7f2664e2104b32d7", source: .deniedPersons, eccn: "EAR99",
            decision: .prohibited, policy: nil),
        Case(
            entryID: "52c77849fea7a4b8a494fb73f19b88b5ec81545f", source: .itarDebarred, eccn: "EAR99",
            decision: .prohibited, policy: nil),
        Case(entryID: "26860", source: .sdn, eccn: "EAR99", decision: .prohibited, policy: nil),
        Case(entryID: "8124", source: .sdn, eccn: "5A992", decision: .prohibited, policy: nil),
        Case(entryID: "17526", source: .sanctionsEvaders, eccn: "EAR99", decision: .prohibited, policy: nil),
        Case(
            entryID: "9696", source: .palestinianLegislativeCouncil, eccn: "EAR99", decision: .prohibited, policy: nil),
        Case(
            entryID: "1ef5e3e12d352fe44c823c7af18d382680c493e0", source: .unverified, eccn: "EAR99", decision: .review,
            policy: nil),
        Case(
            entryID: "9d858bace976983934c359d72028d1b2750715f8", source: .nonproliferation, eccn: "EAR99",
            decision: .review, policy: nil),
        Case(
            entryID: "30902", source: .chineseMilitaryIndustrial, eccn: "9A001", decision: .noLicenseRequired,
            policy: nil),
        Case(entryID: "18792", source: .sectoral, eccn: "EAR99", decision: .noLicenseRequired, policy: nil),
        Case(entryID: "34616", source: .capta, eccn: "EAR99", decision: .noLicenseRequired, policy: nil),
        Case(entryID: "31695", source: .menuBased, eccn: "EAR99", decision: .noLicenseRequired, policy: nil),
    ]

    @Test("determinations", arguments: cases)
    func determination(_ testCase: Case) throws {
        let entry = try #require(
            try SharedData.fullCSL().entries.first { $0.id == testCase.entryID && $0.source == testCase.source })
        let result = try #require(LicenceDecider.determine(entry, item: try ECCN(testCase.eccn), on: Self.day))
        #expect(result.decision == testCase.decision)
        #expect(result.reviewPolicy == testCase.policy)
        #expect(result.licenseRequired == (testCase.decision == .licenseRequired) || testCase.decision == .prohibited)
        if let condition = testCase.condition {
            #expect(result.conditions.contains { $0.contains(condition) }, "\(result.conditions)")
        }
        #expect(result.licenseExceptions == testCase.exceptions)
        if entry.rawCitation != nil { #expect(!result.citations.isEmpty) }
    }

    @Test("the Russian policy-of-denial entries carry foreign-direct-product footnote 3")
    func footnote3() throws {
        let entry = try #require(
            try SharedData.fullCSL().entries.first { $0.id == "4398d33e9e93c7477af39f1e0bfffc13ddd47bcc" })
        let result = try #require(LicenceDecider.determine(entry, item: .ear99, on: Self.day))
        #expect(result.footnotes == [3])
        #expect(result.reasons.contains { $0.contains("footnote 3") })
    }

    @Test("SDGT designees also need an EAR licence; a Cuba-program SDN only the prohibition")
    func sdnEARPrograms() throws {
        let entries = try SharedData.fullCSL().entries
        let sdgt = try #require(entries.first { $0.id == "26860" && $0.source == .sdn })
        let cuba = try #require(entries.first { $0.id == "8124" && $0.source == .sdn })
        #expect(LicenceDecider.determine(sdgt, item: .ear99, on: Self.day)?.licenseRequired == true)
        #expect(LicenceDecider.determine(cuba, item: .ear99, on: Self.day)?.licenseRequired == false)
    }

    @Test("an entry does not apply before its start date")
    func beforeListing() throws {
        let entry = try #require(try SharedData.fullCSL().entries.first { $0.id == Self.hikvision })
        #expect(LicenceDecider.determine(entry, item: .ear99, on: LocalDate(year: 2019, month: 9, day: 30)) == nil)
        #expect(LicenceDecider.determine(entry, item: .ear99, on: LocalDate(year: 2019, month: 10, day: 9)) != nil)
    }

    @Test("every distinct policy text of the snapshot is covered by a case above or flagged")
    func everyPolicyTextCovered() throws {
        let entries = try SharedData.fullCSL().entries.filter { $0.source == .entityList }
        let covered = Set(Self.cases.compactMap { c in entries.first { $0.id == c.entryID }?.licensePolicy ?? "" })
        let all = Set(entries.map { $0.licensePolicy ?? "" })
        #expect(all.subtracting(covered).isEmpty, "\(all.subtracting(covered))")
        #expect(Self.cases.count >= 40)
    }
}

@Suite("ECCNs")
struct ECCNTests {
    @Test(
        "valid",
        arguments: ["EAR99", "ear99", "5A992", "5A992.c", "0Y521", "1A004.c", "3A001.a.1.b", "9A515", "5a992.C"])
    func valid(text: String) throws {
        let eccn = try ECCN(text)
        #expect(eccn.value == text.uppercased() || eccn.value.lowercased() == text.lowercased())
    }

    @Test(
        "invalid, with a message naming the value",
        arguments: ["", "5A99", "ABC", "5Z992", "5A992.", "55992", "EAR 99", "5A992.cccc"])
    func invalid(text: String) {
        #expect {
            _ = try ECCN(text)
        } throws: { error in
            (error as? RulesError)?.message.contains("'\(text)'") == true
        }
    }

    @Test("sub-paragraphs fall under their ECCN, not the other way round")
    func coverage() throws {
        #expect(try ECCN("1A004.c.1").isCovered(by: try ECCN("1A004.c")))
        #expect(try ECCN("5A992.c").isCovered(by: try ECCN("5A992")))
        #expect(!(try ECCN("5A992").isCovered(by: try ECCN("5A992.c"))))
        #expect(!(try ECCN("1A004.d").isCovered(by: try ECCN("1A004.c"))))
    }
}

@Suite("Rule texts")
struct RuleTextTests {
    @Test("every licence-requirement and review-policy text of the snapshot is parsed or flagged")
    func coverage() throws {
        let entries = try SharedData.fullCSL().entries.filter {
            $0.source == .entityList || $0.source == .militaryEndUser
        }
        let requirements = Set(entries.map { $0.licenseRequirement ?? "" })
        let policies = Set(entries.map { $0.licensePolicy ?? "" })
        var flaggedRequirements = 0, flaggedPolicies = 0
        for text in requirements {
            let rule = LicenceRequirementRule.parse(text)
            if rule.manualReview != nil { flaggedRequirements += 1 } else { #expect(rule.scope != .unknown, "\(text)") }
        }
        for text in policies {
            let rule = ReviewPolicyRule.parse(text)
            if rule.manualReview != nil { flaggedPolicies += 1 } else { #expect(!rule.clauses.isEmpty, "\(text)") }
        }
        #expect(requirements.count == 39)
        #expect(policies.count == 33)
        #expect(flaggedRequirements == 2)
        #expect(flaggedPolicies == 1)
    }

    @Test("a text with a clause nobody wrote a reading for is flagged, not guessed")
    func unknownClause() {
        let policy = ReviewPolicyRule.parse("Presumption of denial; favourable consideration for blue items.")
        #expect(policy.manualReview?.contains("favourable consideration") == true)
        let requirement = LicenceRequirementRule.parse("For all items subject to the EAR, unless the moon is full.")
        #expect(requirement.manualReview?.contains("moon") == true)
    }
}
