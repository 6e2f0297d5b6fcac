import FuzzSupport
import VetterCore
import VetterLists

runFuzzer { data, size in
    Invariants.readList(bytes(data, size), file: "sdn.xml", format: .ofacXML)
    return 0
}
