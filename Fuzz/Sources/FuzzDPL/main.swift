import FuzzSupport
import VetterCore
import VetterLists

runFuzzer { data, size in
    Invariants.readList(bytes(data, size), file: "dpl.txt", format: .bisDPL)
    return 0
}
