public import ArgumentParser
public import VetterCore
public import VetterServer

// The enums the options take, parsed by ArgumentParser: a value outside the set is a usage error naming the
// option and every accepted value.

/// `--type`: individual, entity, vessel or aircraft, read as ``PartyInput/type(_:)`` reads it everywhere else.
extension PartyType: ExpressibleByArgument {
    public init?(argument: String) {
        guard let type = try? PartyInput.type(argument) else { return nil }
        self = type
    }

    public static var allValueStrings: [String] { ["individual", "entity", "vessel", "aircraft"] }
}

/// `--source` of `versions` and `diff`: a list's code (EL, SDN, NS-MBS …), in any case, or its name.
extension ListSource: ExpressibleByArgument {
    public init?(argument: String) { self.init(lenient: argument) }

    public static var allValueStrings: [String] { allCases.map(\.code) }
}

/// `--format`: one of ``ListFormat``'s names (csl, ofac-csv, ofac-xml, ofac-cons-xml, bis-dpl, bis-mieu, dod-1260h, fcc-covered, us-statute).
extension ListFormat: ExpressibleByArgument {}

/// `--role`: screener, reviewer or admin.
extension APIRole: ExpressibleByArgument {}

/// `--reason` of `case clear`: one of the documented reason codes.
extension ClearReason: ExpressibleByArgument {}

/// `--state` of `cases`.
extension CaseState: ExpressibleByArgument {}

/// A span of time written `90s`, `30m`, `6h`, `2d` or a number of seconds (`45`, `0.5`).
struct Interval: ExpressibleByArgument, Sendable {
    var seconds: Double

    init?(argument: String) {
        let text = argument.trimmed.lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var number = Substring(text)
        var unit = 1.0
        if let last = text.last, let factor = units[last] {
            number = text.dropLast()
            unit = factor
        }
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        seconds = value * unit
    }

    init(seconds: Double) { self.seconds = seconds }

    var duration: Duration { .milliseconds(Int((seconds * 1000).rounded())) }

    static var defaultCompletionKind: CompletionKind { .default }
}
