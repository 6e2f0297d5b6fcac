/// A strict RFC 4180 reader over bytes that remembers the line each record starts on.
///
/// List files are read whole (the largest is a few megabytes) and parsed in one pass without copying fields
/// until they are needed. Strictness is the point: a quote left open, or a byte sequence that is not UTF-8, is an
/// error naming the line, never a silently shortened record.
struct CSVParser {
    struct Record {
        /// 1-based physical line where the record starts.
        var line: Int
        var fields: [String]
    }

    let bytes: [UInt8]
    let file: String
    let separator: UInt8

    init(bytes: [UInt8], file: String, separator: UInt8 = UInt8(ascii: ",")) {
        // A UTF-8 byte-order mark is not part of the first field.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            self.bytes = Array(bytes.dropFirst(3))
        } else {
            self.bytes = bytes
        }
        self.file = file
        self.separator = separator
    }

    /// All records. A trailing DOS end-of-file mark (0x1A), which OFAC's files carry, ends the input.
    /// - Parameter allowCutLastRecord: when the file ends inside a quoted field, return the records before it
    ///   instead of throwing (the caller then drops the cut record, and says so).
    func records(allowCutLastRecord: Bool = false) throws(ListReadError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteOpenedOnLine = 0
        var index = 0
        let count = bytes.count
        var fieldWasQuoted = false

        func finishField() throws(ListReadError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw ListReadError(.invalidUTF8, file: file, line: recordLine, field: "#\(fields.count + 1)",
                    "the bytes of field \(fields.count + 1) are not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }

        while index < count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                index += 1
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
                records.append(Record(line: recordLine, fields: fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            case 0x1A where fields.isEmpty && field.isEmpty:
                index = count
                continue
            default:
                field.append(byte)
            }
            index += 1
        }
        if inQuotes && allowCutLastRecord {
            return records
        }
        if inQuotes {
            throw ListReadError(.unterminatedQuote, file: file, line: quoteOpenedOnLine,
                field: "#\(fields.count + 1)", "a quoted field opened here is never closed (the file is cut short?)")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            try finishField()
            records.append(Record(line: recordLine, fields: fields))
        }
        // Blank lines carry no record.
        return records.filter { !($0.fields.count == 1 && $0.fields[0].isEmpty) }
    }
}
