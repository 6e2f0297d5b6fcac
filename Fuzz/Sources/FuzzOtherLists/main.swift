import FuzzSupport
import VetterCore
import VetterLists

// The format detected from the header, as `vetter import` does: 1260H, MIEU, FCC and the statutory tables.
runFuzzer { data, size in
    Invariants.readList(bytes(data, size), file: "list.csv", format: nil)
    return 0
}
