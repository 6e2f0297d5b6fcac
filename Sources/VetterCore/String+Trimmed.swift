import Foundation

extension String {
    /// The string without leading and trailing whitespace and newlines.
    ///
    /// List files are millions of cells, nearly all already trimmed or padded with ASCII spaces; this answers
    /// those without Foundation's bridging, and defers to Foundation when non-ASCII whitespace may be involved.
    public var trimmed: String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        if !isSpace(first) && !isSpace(last) && first < 0x80 && last < 0x80 { return self }
        if first >= 0x80 || last >= 0x80 { return trimmingCharacters(in: .whitespacesAndNewlines) }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        let result = String(self[start..<end])
        if let head = result.utf8.first, let tail = result.utf8.last, head >= 0x80 || tail >= 0x80 {
            return result.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return result
    }

    /// The string trimmed, or nil when nothing is left: an optional field left blank.
    public var trimmedOrNil: String? {
        let text = trimmed
        return text.isEmpty ? nil : text
    }

    /// Splits on `separator` and trims each part, dropping empty ones: how lists join multiple values.
    public func splitList(_ separator: Character = ";") -> [String] {
        split(separator: separator, omittingEmptySubsequences: true).map { String($0).trimmed }.filter { !$0.isEmpty }
    }
}
