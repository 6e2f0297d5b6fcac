import Foundation
import FuzzSupport
import VetterCore
import VetterRules

/// A transaction as `vetter check --transaction` and `POST /v1/check` read it: parsed, or refused naming a field.
runFuzzer { data, size in
    do {
        let transaction = try Transaction.parse(Data(bytes(data, size)))
        precondition(!transaction.parties.isEmpty && transaction.parties.count <= Transaction.maximumParties)
        precondition(!transaction.items.isEmpty && transaction.items.count <= Transaction.maximumItems)
        for party in transaction.parties { precondition(!party.name.isEmpty) }
    } catch {
        precondition(!"\(error)".isEmpty)
    }
    return 0
}
