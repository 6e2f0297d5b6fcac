import FuzzSupport
import VetterCore
import VetterLists

runFuzzer { data, size in
    Invariants.readList(bytes(data, size), file: "consolidated.csv", format: .csl)
    return 0
}
