public import Foundation
import VetterCore

/// A built ``ScreeningIndex`` written to bytes and read back, so that a command-line screen does not rebuild
/// the index on every run.
///
/// The snapshot keeps what screening needs: the indexed names and words, their weights, the deletion
/// neighbourhood, and a summary of each entry (id, list, type, names, countries, dates of birth, identity
/// documents). Full entries stay in the store; ``ScreeningIndex/isSummary`` tells a caller to fetch them for the
/// matches it shows. A snapshot names the key it was built for (the list versions and parameters); it is only read
/// back for the same key and the same ``formatVersion``.
public enum IndexSnapshot {
    /// Bumped whenever normalisation, weighting or the layout changes: older snapshots are then rebuilt.
    public static let formatVersion: UInt32 = 11
    static let magic = Array("VTIX".utf8)

    /// The bytes of `index`, for `key`.
    public static func write(_ index: ScreeningIndex, key: String) -> Data {
        var out = Writer()
        out.bytes(magic)
        out.integer(UInt64(formatVersion))
        out.string(key)
        out.integer(UInt64(index.entries.count))
        for entry in index.entries {
            out.string(entry.id)
            out.string(entry.source.code)
            out.string(entry.type.rawValue)
            out.string(entry.name)
            out.string(entry.countries.joined(separator: ","))
            // The context the scorer reads: dates of birth and identity documents.
            out.integer(UInt64(entry.datesOfBirth.count))
            for date in entry.datesOfBirth { out.string(date) }
            out.integer(UInt64(entry.identityDocuments.count))
            for document in entry.identityDocuments {
                out.string(document.type)
                out.string(document.number)
            }
            out.integer(UInt64(entry.aliases.count))
            for alias in entry.aliases {
                out.string(alias.name)
                out.string(alias.kind.rawValue)
                out.integer(alias.isWeak ? 1 : 0)
            }
        }
        out.array(index.names)
        out.array(index.nameTokens)
        out.array(index.nameKinds.map(code))
        out.integer(UInt64(index.tokenBytes.count))
        for bytes in index.tokenBytes {
            out.integer(UInt64(bytes.count))
            out.bytes(bytes)
        }
        out.array(index.weights)
        out.array(index.deletionSlots)
        out.array(index.deletionStarts)
        out.array(index.deletionCounts)
        out.array(index.deletionTokens)
        out.array([index.unknownWordWeight])
        return Data(out.buffer)
    }

    /// How many bytes at the start of a snapshot say what it is for: enough to tell with ``isSnapshot(_:for:)``.
    public static func headerLength(for key: String) -> Int { magic.count + 16 + key.utf8.count }

    /// Whether `prefix` (the first ``headerLength(for:)`` bytes of a file) starts a snapshot of this format for
    /// `key`: a reader waiting for another process's snapshot checks this instead of reading the whole file.
    public static func isSnapshot(_ prefix: Data, for key: String) -> Bool {
        prefix.withUnsafeBytes { raw in
            var input = Reader(raw: raw)
            return input.bytes(magic.count) == magic && input.integer() == UInt64(formatVersion)
                && input.string() == key
        }
    }

    /// The index in `data`, or `nil` when the data is not a snapshot of this format for `key` (or is damaged).
    public static func read(_ data: Data, key: String, parameters: MatchParameters) -> ScreeningIndex? {
        let start = Date()
        return data.withUnsafeBytes { raw -> ScreeningIndex? in
            var input = Reader(raw: raw)
            guard input.bytes(magic.count) == magic, input.integer() == UInt64(formatVersion),
                input.string() == key, let entryCount = input.integer()
            else { return nil }
            var entries: [ListEntry] = []
            entries.reserveCapacity(Int(entryCount))
            for _ in 0..<entryCount {
                guard let id = input.string(), let code = input.string(), let source = ListSource(rawValue: code),
                    let type = input.string(), let name = input.string(), let countries = input.string(),
                    let dateCount = input.integer()
                else { return nil }
                var dates: [String] = []
                for _ in 0..<dateCount {
                    guard let date = input.string() else { return nil }
                    dates.append(date)
                }
                guard let documentCount = input.integer() else { return nil }
                var documents: [IdentityDocument] = []
                for _ in 0..<documentCount {
                    guard let documentType = input.string(), let number = input.string() else { return nil }
                    documents.append(IdentityDocument(type: documentType, number: number))
                }
                guard let aliasCount = input.integer() else { return nil }
                var aliases: [Alias] = []
                for _ in 0..<aliasCount {
                    guard let aliasName = input.string(), let kind = input.string().flatMap(Alias.Kind.init),
                        let weak = input.integer()
                    else { return nil }
                    aliases.append(Alias(name: aliasName, kind: kind, isWeak: weak == 1))
                }
                entries.append(
                    ListEntry(
                        id: id, source: source, type: PartyType(rawValue: type) ?? .unknown, name: name,
                        aliases: aliases,
                        countries: countries.isEmpty ? [] : countries.split(separator: ",").map(String.init),
                        identityDocuments: documents, datesOfBirth: dates))
            }
            guard let names: [ScreeningIndex.NameRecord] = input.array(),
                let nameTokens: [Int32] = input.array(),
                let kindCodes: [UInt8] = input.array(),
                let tokenCount = input.integer()
            else { return nil }
            var tokenTexts: [String] = []
            tokenTexts.reserveCapacity(Int(tokenCount))
            for _ in 0..<tokenCount {
                guard let length = input.integer(), let bytes = input.bytes(Int(length)) else { return nil }
                tokenTexts.append(String(decoding: bytes, as: UTF8.self))
            }
            guard let weights: [Double] = input.array(), let slots: [UInt64] = input.array(),
                let starts: [Int32] = input.array(), let counts: [Int32] = input.array(),
                let deletionTokens: [Int32] = input.array(), let unknown: [Double] = input.array(),
                unknown.count == 1, input.isAtEnd
            else { return nil }
            let kinds = kindCodes.map(kind)
            let core = ScreeningIndex.Core(
                entries: entries, names: names, nameTokens: nameTokens, nameKinds: kinds, tokenTexts: tokenTexts,
                weights: weights, deletionSlots: slots, deletionStarts: starts, deletionCounts: counts,
                deletionTokens: deletionTokens, unknownWordWeight: unknown[0])
            return ScreeningIndex(core: core, parameters: parameters, since: start, isSummary: true)
        }
    }

    static func code(_ kind: Token.Kind) -> UInt8 {
        switch kind {
        case .word: 0
        case .legalForm: 1
        case .stopWord: 2
        case .place: 3
        case .patronymic: 4
        }
    }

    static func kind(_ code: UInt8) -> Token.Kind {
        switch code {
        case 1: .legalForm
        case 2: .stopWord
        case 3: .place
        case 4: .patronymic
        default: .word
        }
    }

    struct Writer {
        var buffer: [UInt8] = []

        mutating func bytes(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

        mutating func integer(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        }

        mutating func string(_ text: String) {
            let utf8 = Array(text.utf8)
            integer(UInt64(utf8.count))
            buffer.append(contentsOf: utf8)
        }

        /// A count, then the elements' raw bytes (plain-data element types only).
        mutating func array<T: BitwiseCopyable>(_ values: [T]) {
            integer(UInt64(values.count))
            values.withUnsafeBytes { buffer.append(contentsOf: $0) }
        }
    }

    struct Reader {
        let raw: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == raw.count }

        mutating func bytes(_ count: Int) -> [UInt8]? {
            guard count >= 0, offset + count <= raw.count else { return nil }
            defer { offset += count }
            return Array(raw[offset..<offset + count])
        }

        mutating func integer() -> UInt64? {
            guard offset + 8 <= raw.count else { return nil }
            defer { offset += 8 }
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        mutating func string() -> String? {
            guard let length = integer().flatMap({ Int(exactly: $0) }), let bytes = bytes(length) else { return nil }
            return String(validating: bytes, as: UTF8.self)
        }

        mutating func array<T: BitwiseCopyable>() -> [T]? {
            guard let count = integer().flatMap({ Int(exactly: $0) }) else { return nil }
            let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
            guard !overflow, size >= 0, size <= raw.count - offset else { return nil }
            defer { offset += size }
            return [T](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + size]))
                initialized = Int(count)
            }
        }
    }
}
