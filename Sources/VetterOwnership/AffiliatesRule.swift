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
