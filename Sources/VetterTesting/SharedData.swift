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

    /// The Entity List's Hikvision entry in the May 2022 CSL.
    public static let hikvisionEL = "f095626c9f8becc70b5948507fb6de6e443b257a"

    /// The May 2022 CSL with one more address on the Hikvision Entity List entry, written as plain CSV into
    /// `directory`: a new version that amends one entry, as a Federal Register rule would. Returns its path.
    public static func amendedCSL(in directory: URL) throws -> String {
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("csl/consolidated-2022-05.csv.gz"))))
        let text = String(decoding: try Gzip.decompress(compressed, file: "csl"), as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        let address = "No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052, CN;"
        guard let row = lines.firstIndex(where: { $0.hasPrefix(hikvisionEL + ",") }), lines[row].contains(address)
        else { throw CocoaError(.fileReadCorruptFile) }
        lines[row] = lines[row].replacingOccurrences(
            of: address, with: address + " 1 Amended Road, Hangzhou, CN;")
        let output = directory.appendingPathComponent("consolidated-amended.csv")
        try lines.joined(separator: "\n").write(to: output, atomically: true, encoding: .utf8)
        return output.path
    }

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

/// Writes a zip archive of `files` (each under its own name, deflated) at `path`, with Python's zipfile: an archive
/// written by another implementation than the one under test.
public func writeZipArchive(_ files: [String], to path: String) throws {
    let run = try ChildProcess.run(
        "/usr/bin/env",
        [
            "python3", "-c",
            "import sys, zipfile, os\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    for f in sys.argv[2:]: z.write(f, os.path.basename(f))",
            path,
        ] + files)
    guard run.status == 0 else { throw TestDatabase.Failure("zip archive \(path): \(run.stderr)") }
}
