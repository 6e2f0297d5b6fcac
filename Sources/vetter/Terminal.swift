import Foundation
import VetterCore

/// Output helpers: stderr notes, tables for people, JSON for machines, a progress bar.
enum Terminal {
    static let isStderrTTY = isatty(2) == 1

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message.escapingControlCharactersButLineBreaks)\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("vetter: error: \(message.escapingControlCharacters)\n".utf8))
    }

    /// `value` in the wire format shared with the HTTP API (``Wire``).
    static func json<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        try Wire.string(value, pretty: pretty)
    }

    /// Warns on stderr when the newest list data an answer came from is more than 30 days old.
    static func warnIfStale(_ evidence: Evidence) {
        if let warning = evidence.staleWarning { note(warning) }
    }

    /// A plain text table; columns sized to their widest cell, cells cut at `maxWidth`.
    static func table(_ header: [String], _ rows: [[String]], maxWidth: Int = 60) -> String {
        // Cells hold list data and user input: no control character reaches the terminal.
        let clipped = rows.map { row in
            row.map { $0.escapingControlCharacters }.map {
                $0.count > maxWidth ? String($0.prefix(maxWidth - 1)) + "…" : $0
            }
        }
        var widths = header.map(\.count)
        for row in clipped { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return
            ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + clipped.map(line)).joined(separator: "\n")
    }

    /// A progress bar on stderr, drawn only when stderr is a terminal.
    final class Progress {
        let label: String
        let total: Int?
        var last = Date.distantPast

        init(_ label: String, total: Int?) {
            self.label = label
            self.total = total
        }

        func update(_ done: Int) {
            guard Terminal.isStderrTTY, Date().timeIntervalSince(last) > 0.1 else { return }
            last = Date()
            var text = "\r\(label) \(done)"
            if let total, total > 0 {
                let fraction = min(1, Double(done) / Double(total))
                let filled = Int(fraction * 30)
                text =
                    "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(done)/\(total)"
            }
            FileHandle.standardError.write(Data(text.utf8))
        }

        func finish(_ done: Int) {
            guard Terminal.isStderrTTY else { return }
            last = .distantPast
            update(done)
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }
}
