import FuzzSupport
import VetterCore
import VetterLists

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    Invariants.readList(Array(UnsafeBufferPointer(start: data, count: size)), file: "sdn.csv", format: .ofacLegacyCSV)
    return 0
}
