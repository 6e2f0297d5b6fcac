import FuzzSupport
import VetterCore
import VetterLists

/// A batch or watch-list CSV, fed in two pieces split at the input's first byte: the rows must be the same as
/// when fed whole, and every row holds a checked party.
runFuzzer { data, size in
    let bytes = bytes(data, size)
    let whole = Result { () throws(ListReadError) in try PartyCSVReader.rows(bytes, file: "parties.csv") }
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var reader = PartyCSVReader(file: "parties.csv")
    var rows: [PartyRow] = []
    let pieces = Result { () throws(ListReadError) in
        try reader.feed(bytes[..<split]) { rows.append($0) }
        try reader.feed(bytes[split...]) { rows.append($0) }
        try reader.finish { rows.append($0) }
        return rows
    }
    switch (whole, pieces) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "the same rows whatever the chunks")
        for row in a {
            precondition(!row.name.isEmpty && row.name.unicodeScalars.count <= PartyInput.maximumNameLength)
            precondition(row.line >= 2)
        }
    case (.failure(let a), .failure(let b)):
        precondition(a == b, "the same error whatever the chunks")
    default:
        preconditionFailure("whole and in pieces disagree")
    }
    return 0
}
