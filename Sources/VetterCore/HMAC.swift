/// HMAC-SHA-256 (RFC 2104), to sign webhook bodies so that a receiver can trust them.
public enum HMAC {
    /// The hex HMAC-SHA-256 of `message` under `key`.
    public static func sha256(key: [UInt8], message: [UInt8]) -> String {
        var block = key.count > 64 ? bytes(ofHex: SHA256.hex(key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = bytes(ofHex: inner.finalizeHex())
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalizeHex()
    }

    static func bytes(ofHex hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        while let high = iterator.next(), let low = iterator.next() { result.append(nibble(high) << 4 | nibble(low)) }
        return result
    }
}
