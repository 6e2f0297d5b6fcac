import FuzzSupport
import VetterCore
import VetterLists

// Zip archives: the central directory, member bounds, inflation, then the member's own reader.
runFuzzer { data, size in
    Invariants.readList(bytes(data, size), file: "list.zip", format: nil)
    return 0
}
