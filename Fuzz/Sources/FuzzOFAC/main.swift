import FuzzSupport
import VetterCore
import VetterLists

runFuzzer { data, size in
    Invariants.readList(bytes(data, size), file: "sdn.csv", format: .ofacLegacyCSV)
    return 0
}
