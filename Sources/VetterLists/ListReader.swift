import Foundation
public import VetterCore

/// Reads any supported list file into ``ListEntry`` values, detecting the format when not told.
///
/// Reading never touches a store: it either returns every entry of the file, or throws a ``ListReadError``
/// naming the place at fault, so that an import can be all or nothing.
public enum ListReader {
    /// Reads the file or OFAC directory at `path`.
    ///
    /// - Parameters:
    ///   - format: the format, or `nil` to detect it from the path and the first bytes.
    ///   - options: relaxations of strictness, each off by default.
    public static func read(
        path: String, format: ListFormat? = nil, options: ReadOptions = ReadOptions()
    )
        throws(ListReadError) -> ListFile
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ListReadError(.unreadable, file: path, "no such file or directory")
        }
        if isDirectory.boolValue {
            guard format == nil || format == .ofacLegacyCSV, let set = OFACLegacyReader.fileSet(at: path) else {
                throw ListReadError(
                    .unknownFormat, file: path,
                    "a directory must hold OFAC's sdn.csv or cons_prim.csv set")
            }
            return try OFACLegacyReader.read(
                set: set, load: { (file) throws(ListReadError) in try load(file) }, options: options)
        }
        let bytes = try load(path)
        if Zip.isZip(bytes) { return try read(zip: bytes, file: path, format: format, options: options) }
        let detected = try chosen(format, options: options, bytes: bytes, path: path)
        let name = (path as NSString).lastPathComponent
        if detected == .ofacLegacyCSV, name == "sdn.csv" || name == "cons_prim.csv",
            let set = OFACLegacyReader.fileSet(at: path)
        {
            return try OFACLegacyReader.read(
                set: set, load: { (file) throws(ListReadError) in try load(file) }, options: options)
        }
        return try read(decompressed: bytes, file: path, format: detected, options: options)
    }

    /// Reads one file's bytes (gzip or not), as ``read(path:format:options:)`` reads a file: an OFAC primary
    /// file is read without companions. `file` names it in errors.
    public static func read(
        bytes input: [UInt8], file: String, format: ListFormat? = nil, options: ReadOptions = ReadOptions()
    ) throws(ListReadError) -> ListFile {
        if input.isEmpty { throw ListReadError(.empty, file: file, line: 1, "the file is empty") }
        let bytes = Gzip.isGzip(input) ? try Gzip.decompress(input, file: file) : input
        if Zip.isZip(bytes) { return try read(zip: bytes, file: file, format: format, options: options) }
        let detected = try chosen(format, options: options, bytes: bytes, path: file)
        return try read(decompressed: bytes, file: file, format: detected, options: options)
    }

    /// The format to read: an in-house list when named, else the one given, else the one detected.
    static func chosen(
        _ format: ListFormat?, options: ReadOptions, bytes: [UInt8], path: String
    ) throws(ListReadError) -> ListFormat {
        if options.inHouseList != nil { return .inHouse }
        if let format { return format }
        return try detect(bytes: bytes, path: path)
    }

    /// Never inlined, like ``read(zip:file:format:options:)``: Swift 6.3's optimiser (CopyPropagation) crashes on
    /// the typed-throws closures of both once they are inlined into ``read(bytes:file:format:options:)``.
    @inline(never)
    static func read(
        decompressed bytes: [UInt8], file: String, format: ListFormat, options: ReadOptions
    ) throws(ListReadError) -> ListFile {
        switch format {
        case .csl:
            return try CSLReader.read(bytes: bytes, file: file, options: options)
        case .bisDPL:
            return try DPLReader.read(bytes: bytes, file: file, options: options)
        case .ofacLegacyCSV:
            let name = (file as NSString).lastPathComponent
            let set = OFACLegacyReader.FileSet(primary: file, isNonSDN: name.hasPrefix("cons"))
            return try OFACLegacyReader.read(set: set, load: { _ throws(ListReadError) in bytes }, options: options)
        case .bisMIEU, .dod1260H, .fccCoveredList, .usStatuteLists:
            return try OtherUSListsReader.read(bytes: bytes, file: file, format: format, options: options)
        case .ofacXML, .ofacConsolidatedXML:
            return try OFACXMLReader.read(bytes: bytes, file: file, format: format)
        case .inHouse:
            guard let list = options.inHouseList else {
                throw ListReadError(
                    .unknownFormat, file: file, line: 1,
                    "an in-house list needs its name: vetter import --as NAME FILE (POST /v1/imports?as=NAME)")
            }
            return try InHouseListReader.read(bytes: bytes, file: file, list: list, options: options)
        }
    }

    /// Reads a zip archive holding one list file (OFAC's Enhanced XML is published so) or one OFAC CSV set.
    /// Members are named `archive.zip!member` in errors. Never inlined: Swift 6.3's optimiser (CopyPropagation)
    /// crashes on this function's typed-throws closure once inlined into ``read(bytes:file:format:options:)``.
    @inline(never)
    static func read(
        zip bytes: [UInt8], file: String, format: ListFormat?, options: ReadOptions
    ) throws(ListReadError) -> ListFile {
        let members = try Zip.members(bytes, file: file)
        var byName: [String: [UInt8]] = [:]
        for member in members {
            byName[(member.name as NSString).lastPathComponent.lowercased()] = member.bytes
        }
        for (primary, isNonSDN) in [("sdn.csv", false), ("cons_prim.csv", true)] where byName[primary] != nil {
            func named(_ name: String) -> String? { byName[name] == nil ? nil : "\(file)!\(name)" }
            let set = OFACLegacyReader.FileSet(
                primary: "\(file)!\(primary)", addresses: named(isNonSDN ? "cons_add.csv" : "add.csv"),
                aliases: named(isNonSDN ? "cons_alt.csv" : "alt.csv"),
                comments: named(isNonSDN ? "cons_comments.csv" : "sdn_comments.csv"), isNonSDN: isNonSDN)
            return try OFACLegacyReader.read(
                set: set,
                load: { (path) throws(ListReadError) -> [UInt8] in
                    let name = String(path.split(separator: "!").last ?? "")
                    guard let member = byName[name] else {
                        throw ListReadError(.unreadable, file: path, "not in the archive")
                    }
                    return member
                }, options: options)
        }
        guard members.count == 1, let member = members.first else {
            throw ListReadError(
                .unknownFormat, file: file,
                "the zip archive holds \(members.count) files (\(members.prefix(5).map(\.name).joined(separator: ", "))); it must hold one list file or one OFAC CSV set"
            )
        }
        let name = "\(file)!\(member.name)"
        if member.bytes.isEmpty { throw ListReadError(.empty, file: name, line: 1, "the file is empty") }
        let inner = Gzip.isGzip(member.bytes) ? try Gzip.decompress(member.bytes, file: name) : member.bytes
        if Zip.isZip(inner) {
            throw ListReadError(.unknownFormat, file: name, "a zip archive inside a zip archive is not read")
        }
        let detected: ListFormat
        if let format { detected = format } else { detected = try detect(bytes: inner, path: name) }
        return try read(decompressed: inner, file: name, format: detected, options: options)
    }

    /// Reads a file's bytes, decompressing gzip transparently.
    static func load(_ path: String) throws(ListReadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ListReadError(.unreadable, file: path, "the file cannot be read")
        }
        let bytes = [UInt8](data)
        if bytes.isEmpty { throw ListReadError(.empty, file: path, line: 1, "the file is empty") }
        return Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, file: path) : bytes
    }

    /// Detects the format from the first line.
    static func detect(bytes: [UInt8], path: String) throws(ListReadError) -> ListFormat {
        // Cut at the byte: in a String, "\r\n" is one character that a split on "\n" does not see.
        let firstLine = String(decoding: bytes.prefix(600).prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let header = firstLine.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: ",", omittingEmptySubsequences: false
        ).map(String.init)
        if let format = OtherUSListsReader.format(header: header) { return format }
        if InHouseListReader.looksLikeInHouse(header: header) { return .inHouse }
        if firstLine.hasPrefix("<?xml") || firstLine.hasPrefix("<") || firstLine.hasPrefix("\u{FEFF}<") {
            let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
            if head.contains("<sanctionsData") { return .ofacXML }
            if head.contains("<sdnList") {
                return OFACXMLReader.isConsolidated(path: path, bytes: bytes) ? .ofacConsolidatedXML : .ofacXML
            }
        }
        if firstLine.contains("source") && firstLine.contains("name") && firstLine.contains(",") { return .csl }
        if firstLine.contains("\"Name\"\t") || firstLine.hasPrefix("Name\t") { return .bisDPL }
        let fields = firstLine.split(separator: ",", omittingEmptySubsequences: false)
        if let first = fields.first, !first.isEmpty, first.allSatisfy(\.isNumber), fields.count >= 12 {
            return .ofacLegacyCSV
        }
        throw ListReadError(
            .unknownFormat, file: path, line: 1,
            "cannot tell the format from the first line; name it with --format (\(ListFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
        )
    }
}
