public import VetterCore

/// A strict RFC 4180 reader over bytes that remembers the line each record starts on.
///
/// It reads incrementally (``feed(_:emit:)`` then ``finish(emit:)``), so a batch file of any size streams
/// through in constant memory, and list files are read the same way in one call (``records(allowCutLastRecord:)``).
/// Strictness is the point: a quote left open, or bytes that are not UTF-8, are an error naming the line, never
/// a silently shortened record.
public struct CSVParser {
    public struct Record: Sendable {
        /// 1-based physical line where the record starts.
        public var line: Int
        public var fields: [String]
    }

    let file: String
    let separator: UInt8
    private var bytes: [UInt8] = []
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var line = 1
    private var recordLine = 1
    private var inQuotes = false
    private var quoteOpenedOnLine = 0
    private var fieldWasQuoted = false
    private var pendingQuote = false
    private var atStart = true
    /// The first bytes, held until there are enough to tell a byte-order mark.
    private var head: [UInt8] = []
    /// The line of a DOS end-of-file byte (0x1A) that began a record: the input must end there.
    private var endMarkLine: Int?

    public init(file: String, separator: UInt8 = UInt8(ascii: ",")) {
        self.file = file
        self.separator = separator
    }

    init(bytes: [UInt8], file: String, separator: UInt8 = UInt8(ascii: ",")) {
        self.init(file: file, separator: separator)
        self.bytes = bytes
    }

    /// All records of the bytes given at creation. A DOS end-of-file mark (0x1A) at the start of the last line,
    /// which OFAC's files carry, ends the input; anything but line breaks after it is an error, never a silently
    /// shortened file.
    /// - Parameter allowCutLastRecord: when the file ends inside a quoted field, return the records before it
    ///   instead of throwing (the caller then drops the cut record, and says so).
    func records(allowCutLastRecord: Bool = false) throws(ListReadError) -> [Record] {
        var parser = CSVParser(file: file, separator: separator)
        var records: [Record] = []
        try parser.feed(bytes) { records.append($0) }
        if allowCutLastRecord && parser.inQuotes { return records }
        try parser.finish { records.append($0) }
        return records
    }

    /// Parses more bytes, emitting every record completed by them.
    public mutating func feed(
        _ chunk: some Collection<UInt8>, emit: (Record) throws(ListReadError) -> Void
    )
        throws(ListReadError)
    {
        if atStart {
            // The first six bytes decide on byte-order marks, however the input is split into chunks.
            head.append(contentsOf: chunk)
            if head.count < 6 { return }
            try consumeHead(emit: emit)
            return
        }
        try consume(chunk, emit: emit)
    }

    /// Strips one byte-order mark, refuses a second, then parses what was held back.
    private mutating func consumeHead(emit: (Record) throws(ListReadError) -> Void) throws(ListReadError) {
        atStart = false
        var input = head[...]
        head = []
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw ListReadError(
                .invalidValue, file: file, line: 1, field: "#1",
                "the file starts with two byte-order marks (U+FEFF): it was converted twice; save it as UTF-8 once")
        }
        try consume(input, emit: emit)
    }

    private mutating func consume(
        _ input: some Collection<UInt8>, emit: (Record) throws(ListReadError) -> Void
    ) throws(ListReadError) {
        for byte in input {
            if let endMarkLine {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == 0x1A { continue }
                throw ListReadError(
                    .invalidValue, file: file, line: endMarkLine, field: "#1",
                    "an end-of-file byte (0x1A) starts this line but data follows it: the file is damaged")
            }
            if pendingQuote {
                pendingQuote = false
                if byte == UInt8(ascii: "\"") {
                    field.append(byte)
                    continue
                }
                inQuotes = false
            }
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    pendingQuote = true
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if field.isEmpty && !fieldWasQuoted {
                    inQuotes = true
                    fieldWasQuoted = true
                    quoteOpenedOnLine = line
                } else {
                    field.append(byte)  // a stray quote inside an unquoted field is kept as text
                }
            case separator:
                try finishField()
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                try finishField()
                let record = Record(line: recordLine, fields: fields)
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
                // Blank lines carry no record.
                if !(record.fields.count == 1 && record.fields[0].isEmpty) { try emit(record) }
            case 0x1A where fields.isEmpty && field.isEmpty && !fieldWasQuoted:
                endMarkLine = line
            default:
                field.append(byte)
            }
        }
    }

    /// Ends the input: emits a last record without a final newline, or throws if a quote is still open.
    public mutating func finish(emit: (Record) throws(ListReadError) -> Void) throws(ListReadError) {
        if atStart { try consumeHead(emit: emit) }
        if pendingQuote {
            pendingQuote = false
            inQuotes = false
        }
        if inQuotes {
            throw ListReadError(
                .unterminatedQuote, file: file, line: quoteOpenedOnLine,
                field: "#\(fields.count + 1)", "a quoted field opened here is never closed (the file is cut short?)")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            try finishField()
            let record = Record(line: recordLine, fields: fields)
            fields.removeAll()
            if !(record.fields.count == 1 && record.fields[0].isEmpty) { try emit(record) }
        }
    }

    private mutating func finishField() throws(ListReadError) {
        guard let text = String(validating: field, as: UTF8.self) else {
            throw ListReadError(
                .invalidUTF8, file: file, line: recordLine, field: "#\(fields.count + 1)",
                "the bytes of field \(fields.count + 1) are not valid UTF-8")
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
    }
}
