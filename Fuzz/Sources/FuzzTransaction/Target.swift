import Foundation
import VetterCore
import VetterRules

/// A transaction as `vetter check --transaction` and `POST /v1/check` read it: parsed, or refused naming a field.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let transaction = try Transaction.parse(Data(bytes: data, count: size))
        precondition(!transaction.parties.isEmpty && transaction.parties.count <= Transaction.maximumParties)
        precondition(!transaction.items.isEmpty && transaction.items.count <= Transaction.maximumItems)
        for party in transaction.parties { precondition(!party.name.isEmpty) }
    } catch {
        precondition(!error.message.isEmpty)
    }
    return 0
}
