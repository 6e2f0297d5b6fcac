public import Foundation
public import VetterCore

/// Whether BIS's Affiliates rule (the 50 percent rule of the EAR) applies on a day, with the Federal Register rule
/// that says so. A dated table: the rule took effect on 29 September 2025 (90 FR 47201), was suspended from
/// 10 November 2025 through 9 November 2026, and applies again from 10 November 2026 unless a new rule extends the
/// suspension — a change that ``AffiliatesRule/init(extraRows:)`` takes without a new build.
public struct AffiliatesRule: Sendable {
    public enum State: String, Sendable, Codable {
        /// Before the rule: ownership alone does not extend a listing under the EAR.
        case notInForce = "not_in_force"
        case inForce = "in_force"
        case suspended
    }

    /// One row: from `from` on, the rule is in `state`, as `citation` says.
    public struct Row: Sendable, Codable, Hashable {
        public var from: LocalDate
        public var state: State
        public var citation: String

        public init(from: LocalDate, state: State, citation: String) {
            self.from = from
            self.state = state
            self.citation = citation
        }
    }

    /// The rule's state on a day, and why.
    public struct Determination: Sendable, Codable, Hashable {
        public var state: State
        public var citation: String
        /// Set in the temporary general licence's window (TGL 7, through 28 November 2025).
        public var note: String?
    }

    public static let published: [Row] = [
        Row(
            from: LocalDate(year: 2025, month: 9, day: 29), state: .inForce,
            citation:
                "Expansion of End-User Controls To Cover Affiliates of Certain Listed Entities, 90 FR 47201 (30 September 2025), effective 29 September 2025"
        ),
        Row(
            from: LocalDate(year: 2025, month: 11, day: 10), state: .suspended,
            citation:
                "One Year Suspension of Expansion of End-User Controls for Affiliates of Certain Listed Entities, 90 FR No. 216 (12 November 2025): suspended 10 November 2025 through 9 November 2026"
        ),
        Row(
            from: LocalDate(year: 2026, month: 11, day: 10), state: .inForce,
            citation:
                "90 FR 47201, in force again from 10 November 2026 at the end of the one-year suspension (90 FR No. 216)"
        ),
    ]

    public let rows: [Row]

    /// The published table, with `extraRows` (a later Federal Register rule) merged in by date.
    public init(extraRows: [Row] = []) {
        rows = (Self.published + extraRows).sorted { $0.from < $1.from }
    }

    public func state(on day: LocalDate) -> Determination {
        guard let row = rows.last(where: { $0.from <= day }) else {
            return Determination(
                state: .notInForce, citation: "the Affiliates rule (90 FR 47201) took effect on 29 September 2025",
                note: nil)
        }
        let tgl =
            row.state == .inForce && day <= LocalDate(year: 2025, month: 11, day: 28)
            ? "Temporary General License (TGL 7) through 28 November 2025 may authorise some transactions (Country Groups A:5/A:6 affiliates, certain joint ventures)"
            : nil
        return Determination(state: row.state, citation: row.citation, note: tgl)
    }
}

extension AffiliatesRule {
    /// The variable naming a JSON file of rows to add to the published table.
    public static let environmentVariable = "VETTER_AFFILIATES_RULE"

    /// The table this process uses: the published rows, plus those of the JSON file `VETTER_AFFILIATES_RULE` names
    /// (`[{"from": "2026-11-10", "state": "suspended", "citation": "91 FR …"}]`), so that a new Federal Register
    /// rule — an extended suspension — takes effect without a new build. A bad file is an error naming the row and
    /// field, never ignored.
    public static func configured(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ListReadError) -> AffiliatesRule {
        guard let path = environment[environmentVariable], !path.isEmpty else { return AffiliatesRule() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ListReadError(.unreadable, file: path, "the file \(environmentVariable) names cannot be read")
        }
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw ListReadError(.invalidValue, file: path, "not a JSON array of {from, state, citation} rows")
        }
        var extra: [Row] = []
        for (index, item) in rows.enumerated() {
            let at = "[\(index)]"
            guard let row = item as? [String: Any] else {
                throw ListReadError(.invalidValue, file: path, field: at, "a row is an object")
            }
            guard let text = row["from"] as? String, let from = LocalDate(strict: text) else {
                throw ListReadError(.invalidValue, file: path, field: at + ".from", "a day (YYYY-MM-DD) is required")
            }
            guard let name = row["state"] as? String, let state = State(rawValue: name) else {
                throw ListReadError(
                    .invalidValue, file: path, field: at + ".state", "one of in_force, suspended, not_in_force")
            }
            guard let citation = (row["citation"] as? String)?.trimmed, !citation.isEmpty else {
                throw ListReadError(
                    .invalidValue, file: path, field: at + ".citation", "the Federal Register rule is required")
            }
            extra.append(Row(from: from, state: state, citation: citation))
        }
        return AffiliatesRule(extraRows: extra)
    }
}
