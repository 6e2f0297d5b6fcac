import Foundation
import Testing
import VetterCore
import VetterOwnership

/// Ownership graphs built by hand, with the answers worked out by hand: OFAC FAQ 401's examples, aggregation,
/// chains, intermediaries that are not restricted, cycles, unknown shares, and the Affiliates rule's dates.
@Suite("Ownership: the 50 percent rules over ownership chains")
struct OwnershipTests {
    static func restricted(_ edges: [OwnershipEdge], listed: [String]) -> [String: Restriction] {
        OwnershipGraph(edges).restricted(listed: Dictionary(uniqueKeysWithValues: listed.map { ($0, "SDN \($0)") }))
    }

    @Test("FAQ 401: X owns 50 % of A, A owns 50 % of B: A and B are blocked")
    func chain() {
        let result = Self.restricted(
            [.init(owner: "X", owned: "A", percent: 50), .init(owner: "A", owned: "B", percent: 50)], listed: ["X"])
        #expect(result["A"] != nil)
        #expect(result["B"] != nil)
        #expect(result["B"]?.chain == ["SDN X", "X (50 %)", "A (50 %)"])
    }

    @Test("FAQ 401: A and B each 50 % owned by X, each owning 25 % of C: C is blocked (25 + 25)")
    func aggregateThroughTwo() {
        let result = Self.restricted(
            [
                .init(owner: "X", owned: "A", percent: 50), .init(owner: "X", owned: "B", percent: 50),
                .init(owner: "A", owned: "C", percent: 25), .init(owner: "B", owned: "C", percent: 25),
            ], listed: ["X"])
        guard case .owned(let share, let by)? = result["C"] else {
            Issue.record("C is not blocked")
            return
        }
        #expect(share == 50)
        #expect(Set(by.map(\.owner)) == ["A", "B"])
    }

    @Test("FAQ 401: X owns 50 % of A and 10 % of C, A owns 40 % of C: C is blocked (10 + 40)")
    func directPlusIndirect() {
        let result = Self.restricted(
            [
                .init(owner: "X", owned: "A", percent: 50), .init(owner: "X", owned: "C", percent: 10),
                .init(owner: "A", owned: "C", percent: 40),
            ], listed: ["X"])
        #expect(result["C"] != nil)
    }

    @Test("two blocked owners with 30 % and 25 %: blocked in the aggregate; 30 % and 19.9 % is not")
    func aggregation() {
        let owners = [
            OwnershipEdge(owner: "X", owned: "C", percent: 30), OwnershipEdge(owner: "Y", owned: "C", percent: 25),
        ]
        #expect(Self.restricted(owners, listed: ["X", "Y"])["C"] != nil)
        let fewer = [
            OwnershipEdge(owner: "X", owned: "C", percent: 30), OwnershipEdge(owner: "Y", owned: "C", percent: 19.9),
        ]
        #expect(Self.restricted(fewer, listed: ["X", "Y"])["C"] == nil)
        // One owner listed, the other not: only the listed share counts.
        #expect(Self.restricted(owners, listed: ["X"])["C"] == nil)
    }

    @Test("60 % of a company that a listed party owns 60 % of: restricted, because its owner is")
    func chained() {
        let result = Self.restricted(
            [.init(owner: "EL-1", owned: "P", percent: 60), .init(owner: "P", owned: "Q", percent: 60)],
            listed: ["EL-1"])
        #expect(result["Q"]?.chain == ["SDN EL-1", "EL-1 (60 %)", "P (60 %)"])
    }

    @Test("no attribution through an intermediary that is not itself restricted (40 % of A, A owns all of B)")
    func notThroughUnrestricted() {
        let result = Self.restricted(
            [.init(owner: "X", owned: "A", percent: 40), .init(owner: "A", owned: "B", percent: 100)], listed: ["X"])
        #expect(result["A"] == nil)
        #expect(result["B"] == nil)
    }

    @Test("a cycle is computed and reported, not looped on")
    func cycle() {
        let edges: [OwnershipEdge] = [
            .init(owner: "X", owned: "A", percent: 50), .init(owner: "A", owned: "B", percent: 60),
            .init(owner: "B", owned: "A", percent: 30), .init(owner: "C", owned: "C", percent: 10),
            .init(owner: "D", owned: "E", percent: 70), .init(owner: "E", owned: "D", percent: 70),
        ]
        let graph = OwnershipGraph(edges)
        let result = graph.restricted(listed: ["X": "SDN X"])
        #expect(result["A"] != nil && result["B"] != nil)
        #expect(result["D"] == nil && result["E"] == nil)
        #expect(graph.cycles() == [["A", "B"], ["C"], ["D", "E"]])
    }

    @Test("a listed owner with an unknown share raises Red Flag 29, unless known shares already restrict")
    func unknownShare() {
        let graph = OwnershipGraph([
            .init(owner: "X", owned: "A", percent: nil), .init(owner: "X", owned: "B", percent: nil),
            .init(owner: "Y", owned: "B", percent: 60),
        ])
        let restricted = graph.restricted(listed: ["X": "EL X", "Y": "EL Y"])
        let a = graph.finding(for: "A", rule: .affiliates, restricted: restricted)
        #expect(a.redFlag29)
        #expect(a.unknownShareOwners == ["X"])
        #expect(!a.isRestricted)
        let b = graph.finding(for: "B", rule: .affiliates, restricted: restricted)
        #expect(b.isRestricted)
        #expect(!b.redFlag29)
    }

    @Test("an indirect holding stated in the file counts, but not twice beside a direct one")
    func indirectStated() {
        let stated = Self.restricted(
            [.init(owner: "X", owned: "C", percent: 55, relationship: .indirect)], listed: ["X"])
        #expect(stated["C"] != nil)
        let both = Self.restricted(
            [
                .init(owner: "X", owned: "C", percent: 30),
                .init(owner: "X", owned: "C", percent: 30, relationship: .indirect),
            ], listed: ["X"])
        #expect(both["C"] == nil)
    }

    @Test("the Affiliates rule by date: in force 2025-10-15, suspended 2026-01-15, in force again 2026-11-15")
    func ruleState() {
        let rule = AffiliatesRule()
        #expect(rule.state(on: LocalDate(year: 2025, month: 9, day: 28)).state == .notInForce)
        let october = rule.state(on: LocalDate(year: 2025, month: 10, day: 15))
        #expect(october.state == .inForce)
        #expect(october.citation.contains("90 FR 47201"))
        #expect(october.note?.contains("TGL 7") == true)
        let january = rule.state(on: LocalDate(year: 2026, month: 1, day: 15))
        #expect(january.state == .suspended)
        #expect(january.citation.contains("90 FR No. 216"))
        #expect(rule.state(on: LocalDate(year: 2026, month: 11, day: 9)).state == .suspended)
        let november = rule.state(on: LocalDate(year: 2026, month: 11, day: 15))
        #expect(november.state == .inForce)
        #expect(november.note == nil)
        // A further suspension published later is a row of configuration, not a new build.
        let extended = AffiliatesRule(extraRows: [
            .init(from: LocalDate(year: 2026, month: 11, day: 10), state: .suspended, citation: "a later rule")
        ])
        #expect(extended.state(on: LocalDate(year: 2026, month: 11, day: 15)).state == .suspended)
    }

    @Test("VETTER_AFFILIATES_RULE adds rows from a JSON file; a bad row is refused by index and field")
    func configuredRule() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("rule.json").path
        try #"[{"from": "2026-11-10", "state": "suspended", "citation": "91 FR 1234: suspension extended"}]"#.write(
            toFile: good, atomically: true, encoding: .utf8)
        let rule = try AffiliatesRule.configured(environment: [AffiliatesRule.environmentVariable: good])
        let day = rule.state(on: LocalDate(year: 2026, month: 12, day: 1))
        #expect(day.state == .suspended && day.citation == "91 FR 1234: suspension extended")
        #expect(try AffiliatesRule.configured(environment: [:]).rows == AffiliatesRule.published)
        let bad = directory.appendingPathComponent("bad.json").path
        try #"[{"from": "2026-11-10", "state": "paused", "citation": "x"}]"#.write(
            toFile: bad, atomically: true, encoding: .utf8)
        #expect {
            try AffiliatesRule.configured(environment: [AffiliatesRule.environmentVariable: bad])
        } throws: { error in
            "\(error)".contains("bad.json") && "\(error)".contains("[0].state")
        }
    }
}
