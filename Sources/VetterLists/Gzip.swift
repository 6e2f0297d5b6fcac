import CZlib
public import VetterCore

/// Gzip decompression through the system zlib, so that `.csv.gz` files import as they are published.
package enum Gzip {
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }

    /// The most a file may inflate to, whatever its size: several times the largest list published.
    static let absoluteLimit = 1 << 30
    /// List files compress 4–8 times; a file inflating more than this many times is refused as a bomb.
    static let ratioLimit = 100
    /// A small file may always inflate to this much.
    static let floorLimit = 64 << 20

    /// How much `compressedSize` bytes may inflate to.
    static func limit(compressedSize: Int) -> Int {
        min(absoluteLimit, max(floorLimit, compressedSize.multipliedReportingOverflow(by: ratioLimit).partialValue))
    }

    /// The decompressed bytes; throws when the stream is damaged or cut short, or inflates past
    /// ``limit(compressedSize:)`` (checked while inflating, so a bomb never fills memory).
    ///
    /// With `raw`, the input is a bare deflate stream (a zip member) rather than a gzip or zlib one.
    package static func decompress(
        _ input: [UInt8], file: String, limit: Int? = nil, raw: Bool = false
    ) throws(ListReadError) -> [UInt8] {
        let limit = limit ?? Self.limit(compressedSize: input.count)
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers automatically; -15: no header at all.
        let windowBits: Int32 = raw ? -15 : 15 + 32
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ListReadError(.unreadable, file: file, "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, input.count * 6))
        var tooLarge = false
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        var mutableInput = input
        let inputCount = input.count
        mutableInput.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputCount)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunkBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit {
                    tooLarge = true
                    return
                }
                // Concatenated gzip members: start the next one.
                if !raw && status == Z_STREAM_END && stream.avail_in > 0 {
                    inflateReset(&stream)
                    status = Z_OK
                }
            } while status == Z_OK
        }
        if tooLarge {
            throw ListReadError(
                .unreadable, file: file,
                "the \(raw ? "zip member" : "gzip stream") inflates to more than \(limit >> 20) MiB (\(input.count) bytes compressed); refused as damaged or hostile"
            )
        }
        guard status == Z_STREAM_END else {
            throw ListReadError(
                .unreadable, file: file,
                "the \(raw ? "zip member" : "gzip stream") is damaged or cut short (zlib status \(status))")
        }
        return output
    }
}
