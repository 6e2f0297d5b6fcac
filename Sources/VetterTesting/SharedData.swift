public import Foundation
public import VetterCore
import VetterLists

/// The real list files in `../shared/data` beside the repository (or `$VETTER_SHARED_DATA`), for tests.
public enum SharedData {
    public static let root: String = {
        if let path = ProcessInfo.processInfo.environment["VETTER_SHARED_DATA"] { return path }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    /// The path of a file under `shared/data`.
    public static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    private static let fullCSLResult = Result { () throws(ListReadError) -> ListFile in
        try ListReader.read(path: path("csl/consolidated-2022-05.csv.gz"))
    }

    /// The full May 2022 CSL, read once for all tests of a process.
    public static func fullCSL() throws -> ListFile { try fullCSLResult.get() }

    /// The evaluation set beside the data (`shared/eval`).
    public static func evalPath(_ name: String) -> String {
        ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("eval/\(name)")
    }
}

/// A fresh temporary directory, removed by the caller when done.
public func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
