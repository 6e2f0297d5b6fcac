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

/// `--format`: csl, ofac-csv or bis-dpl.
extension ListFormat: ExpressibleByArgument {}

/// `--role`: screener, reviewer or admin.
extension APIRole: ExpressibleByArgument {}
