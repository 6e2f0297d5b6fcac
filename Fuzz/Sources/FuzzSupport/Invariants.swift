public import VetterCore
import VetterLists

/// What must hold for any input, checked by every list-file target: an input is read in full or refused with a
/// place in the file; nothing in between.
public enum Invariants {
    /// Reads `bytes` as `format` (detected when nil); traps (a finding) when a read file breaks an invariant.
    public static func readList(_ bytes: [UInt8], file: String, format: ListFormat?) {
        do {
            let read = try ListReader.read(bytes: bytes, file: file, format: format)
            precondition(!read.entries.isEmpty, "a file read without error has entries")
            for entry in read.entries {
                precondition(!entry.name.isEmpty, "every entry has a name")
                precondition(!entry.id.isEmpty, "every entry has an id")
            }
            precondition(read.fileSHA256.count == 64)
        } catch {
            // A member of a zip archive is named `file!member`.
            precondition(error.file == file || error.file.hasPrefix(file + "!"), "the error names the file")
            if let line = error.line { precondition(line >= 1, "lines count from 1") }
            precondition(!error.description.isEmpty)
        }
    }
}
