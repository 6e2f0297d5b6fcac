import VetterCore

/// Reads the members of a zip archive (stored or deflated), as OFAC publishes its Enhanced XML and as users bundle
/// a set of list files. Encrypted members and ZIP64 archives are refused with a message; every size is checked
/// against the archive's own bounds, and inflation is limited as for gzip.
package enum Zip {
    struct Member {
        var name: String
        var bytes: [UInt8]
    }

    static func isZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4b && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    /// Every file member (folders left out), in the order of the central directory.
    static func members(_ bytes: [UInt8], file: String) throws(ListReadError) -> [Member] {
        func fail(_ message: String) -> ListReadError { ListReadError(.unreadable, file: file, message) }
        func u16(_ at: Int) throws(ListReadError) -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw fail("the zip archive is cut short") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws(ListReadError) -> Int {
            guard at >= 0, at + 4 <= bytes.count else { throw fail("the zip archive is cut short") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
        var end = -1
        var position = bytes.count - 22
        while position >= max(0, bytes.count - 22 - 65_535) {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4b, bytes[position + 2] == 0x05,
                bytes[position + 3] == 0x06
            {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { throw fail("no end of central directory: the zip archive is damaged or cut short") }
        let count = try u16(end + 10)
        let directorySize = try u32(end + 12)
        let directoryStart = try u32(end + 16)
        if count == 0xFFFF || directoryStart == 0xFFFF_FFFF {
            throw fail("ZIP64 archives are not read; unzip it and import the files")
        }
        guard directoryStart + directorySize <= end else { throw fail("the zip central directory is out of bounds") }
        var members: [Member] = []
        var entry = directoryStart
        for _ in 0..<count {
            guard try u32(entry) == 0x0201_4b50 else { throw fail("a zip central directory entry is damaged") }
            let flags = try u16(entry + 8)
            let method = try u16(entry + 10)
            let compressed = try u32(entry + 20)
            let size = try u32(entry + 24)
            let nameLength = try u16(entry + 28)
            let extraLength = try u16(entry + 30)
            let commentLength = try u16(entry + 32)
            let local = try u32(entry + 42)
            guard entry + 46 + nameLength <= bytes.count else { throw fail("the zip archive is cut short") }
            let name = String(decoding: bytes[(entry + 46)..<(entry + 46 + nameLength)], as: UTF8.self)
            entry += 46 + nameLength + extraLength + commentLength
            if name.hasSuffix("/") { continue }
            if flags & 1 != 0 { throw fail("\(name) in the zip archive is encrypted") }
            guard try u32(local) == 0x0403_4b50 else { throw fail("the zip entry of \(name) is damaged") }
            let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard compressed >= 0, start + compressed <= directoryStart else {
                throw fail("the data of \(name) lies outside the zip archive")
            }
            let data = Array(bytes[start..<(start + compressed)])
            let where_ = "\(file)!\(name)"
            switch method {
            case 0:
                members.append(Member(name: name, bytes: data))
            case 8:
                let inflated = try Gzip.decompress(data, file: where_, raw: true)
                guard inflated.count == size else {
                    throw ListReadError(
                        .unreadable, file: where_, "inflates to \(inflated.count) bytes, the archive says \(size)")
                }
                members.append(Member(name: name, bytes: inflated))
            default:
                throw ListReadError(
                    .unreadable, file: where_, "compression method \(method) is not read (only stored and deflate)")
            }
        }
        return members
    }
}
