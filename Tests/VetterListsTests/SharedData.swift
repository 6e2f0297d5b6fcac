import Foundation
import VetterCore
import VetterLists

/// The real list files in `../shared/data` beside the repository (or `VETTER_SHARED_DATA`).
enum SharedData {
    static let root: String = {
        if let path = ProcessInfo.processInfo.environment["VETTER_SHARED_DATA"] { return path }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    private static let fullCSLResult = Result { () throws(ListReadError) -> ListFile in
        try ListReader.read(path: path("csl/consolidated-2022-05.csv.gz"))
    }

    /// The full May 2022 CSL, read once for all tests.
    static func fullCSL() throws -> ListFile { try fullCSLResult.get() }
}
