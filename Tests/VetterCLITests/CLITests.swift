import Foundation
import Testing
import VetterTesting

/// The `vetter` executable run as a user runs it, on a real database file.
@Suite("The vetter command line", .serialized)
struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "vetter")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.appendingPathComponent(".build/debug/vetter").path
    }()

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let run = try ChildProcess.run(binary, arguments, environment: env)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    /// A database seeded once for the suite (seeding reads the whole bundled snapshot).
    static let seeded: String = {
        let directory = try! makeTemporaryDirectory()
        let path = directory.appendingPathComponent("seeded.sqlite").path
        _ = try! run(["--db", path, "lists"])
        return path
    }()

    @Test("a fresh database answers 'screen Hikvision --json' with the EL and CMIC entries")
    func freshScreen() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run([
            "--db", directory.appendingPathComponent("v.sqlite").path, "screen", "Hikvision", "--json",
        ])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let matches = try #require(json["matches"] as? [[String: Any]])
        let ids = matches.compactMap { $0["entry_id"] as? String }
        #expect(ids.contains("f095626c9f8becc70b5948507fb6de6e443b257a"))
        #expect(ids.contains("30946"))
        let el = try #require(matches.first { $0["entry_id"] as? String == "f095626c9f8becc70b5948507fb6de6e443b257a" })
        #expect(el["source"] as? String == "EL")
        #expect(el["matched_name"] as? String == "Hikvision")
        #expect((el["license_policy"] as? String)?.contains("presumption of denial") == true)
        #expect((el["citations"] as? [String])?.first == "84 FR 54002")
        #expect(result.stderr.contains("bundled snapshot"))
    }

    @Test("VETTER_DB chooses the database")
    func environmentDatabase() throws {
        let result = try Self.run(["lists", "--json"], environment: ["VETTER_DB": Self.seeded])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"entry_count\" : 2001"))
    }

    @Test("--fail-on-match exits 3 on a match and 0 without one")
    func failOnMatch() throws {
        #expect(try Self.run(["screen", "Hikvision", "--fail-on-match", "--db", Self.seeded]).status == 3)
        let clean = try Self.run(["screen", "Zyxwvut Quorblat Holdings", "--fail-on-match", "--db", Self.seeded])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("No match"))
    }

    @Test("--explain shows aligned words; the table names the list and alias")
    func explainTable() throws {
        let result = try Self.run(["screen", "Hikvision Digital Technology", "--explain", "--db", Self.seeded])
        #expect(result.stdout.contains("hikvision ↔ hikvision  exact"))
        #expect(result.stdout.contains("listed words not in the query: hangzhou"))
        #expect(result.stdout.contains("SCORE  LIST"))
    }

    @Test("a corrupted CSL is refused with its line, and the lists are exactly as before")
    func corruptImport() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("v.sqlite").path
        _ = try Self.run(["--db", db, "lists"])
        let before = try Self.run(["--db", db, "lists", "--json"]).stdout
        var lines = try String(contentsOfFile: SharedData.path("csl/sample-2025-06.csv"), encoding: .utf8)
            .components(separatedBy: "\n")
        lines[5] = String(lines[5].prefix(60))  // cut line 6 mid-line
        let bad = directory.appendingPathComponent("cut.csv").path
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try Self.run(["--db", db, "import", bad])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cut.csv:6"))
        #expect(try Self.run(["--db", db, "lists", "--json"]).stdout == before)
    }

    @Test("import creates versions and reports unchanged sources on a second run")
    func importTwice() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("v.sqlite").path
        let first = try Self.run(["--db", db, "import", SharedData.path("bis/dpl-2023-11.txt")])
        #expect(first.status == 0)
        #expect(first.stdout.contains("DPL: version 1, 663 entries"))
        #expect(first.stderr.contains("repeated; skipped"))
        let second = try Self.run(["--db", db, "import", SharedData.path("bis/dpl-2023-11.txt")])
        #expect(second.stdout.contains("unchanged: DPL"))
    }

    @Test("batch streams one JSON line per input row, in order, and writes CSV too")
    func batch() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.csv").path
        try "id,name,country,type\nq1,Hikvision,CN,entity\nq2,\"Zyxwvut, Quorblat\",,\nq3,ABBAS Rim,,individual\n"
            .write(toFile: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.jsonl").path
        let result = try Self.run(["batch", "--input", input, "--output", output, "--db", Self.seeded])
        #expect(result.status == 0)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let rows = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(rows.map { $0["id"] as? String } == ["q1", "q2", "q3"])
        #expect((rows[0]["matches"] as? [[String: Any]])?.contains { $0["entry_id"] as? String == "30946" } == true)
        #expect((rows[1]["matches"] as? [[String: Any]])?.isEmpty == true)
        #expect((rows[2]["matches"] as? [[String: Any]])?.first?["entry_id"] as? String == "21944")
        let csv = directory.appendingPathComponent("out.csv").path
        _ = try Self.run(["batch", "--input", input, "--output", csv, "--db", Self.seeded])
        #expect(
            try String(contentsOfFile: csv, encoding: .utf8).hasPrefix(
                "id,entry_id,source,score,listed_name,matched_name\n\"q1\","))
    }

    @Test("a batch file with a bad country names its line")
    func batchBadInput() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.csv").path
        try "id,name,country\nq1,Hikvision,CN\nq2,Dahua,Narnia\n".write(
            toFile: input, atomically: true, encoding: .utf8)
        let result = try Self.run(["batch", "--input", input, "--db", Self.seeded])
        #expect(result.status != 0)
        #expect(result.stderr.contains("in.csv:3 field 'country'"))
    }

    @Test("show prints every field of an entry, as text and JSON")
    func show() throws {
        let text = try Self.run(["show", "f095626c9f8becc70b5948507fb6de6e443b257a", "--db", Self.seeded])
        #expect(text.status == 0)
        #expect(text.stdout.contains("licence review policy: Case-by-case review for ECCNs 1A004.c"))
        #expect(text.stdout.contains("aka: Hikvision"))
        #expect(text.stdout.contains("84 FR 54002"))
        let json = try Self.run(["show", "21944", "--json", "--db", Self.seeded])
        #expect(json.stdout.contains("\"dates_of_birth\" : [\n      \"1973-03-25\""))
        let missing = try Self.run(["show", "no-such-id", "--db", Self.seeded])
        #expect(missing.status == 1)
    }

    @Test("an unknown party type is refused by every command that takes a party, naming where")
    func unknownPartyType() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [
            ["screen", "Acme", "--type", "ship"], ["check", "--party", "Acme", "--eccn", "EAR99", "--type", "ship"],
        ] {
            let result = try Self.run(arguments + ["--db", Self.seeded])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("'ship' is invalid for '--type <type>'"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("'individual', 'entity', 'vessel' or 'aircraft'"), "\(result.stderr)")
        }
        let csv = directory.appendingPathComponent("parties.csv")
        try "id,name,type\np1,Acme,entity\np2,Beta,ship\n".write(to: csv, atomically: true, encoding: .utf8)
        for arguments in [["batch", "--input", csv.path], ["watch", "import", csv.path]] {
            let result = try Self.run(arguments + ["--db", Self.seeded])
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains("parties.csv:3 field 'type'"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("'ship' is not individual, entity, vessel or aircraft"), "\(result.stderr)")
        }
        let transaction = directory.appendingPathComponent("t.json")
        try #"{"parties": [{"name": "Acme", "type": "ship"}], "items": [{"eccn": "EAR99"}]}"#.write(
            to: transaction, atomically: true, encoding: .utf8)
        let checked = try Self.run(["check", "--transaction", transaction.path, "--db", Self.seeded])
        #expect(checked.status == 2)
        #expect(checked.stderr.contains("parties[0].type") || checked.stderr.contains("'ship'"), "\(checked.stderr)")
    }

    @Test(
        "the record through the CLI: a hit opens a case; clear; an amended entry reopens it; confirm; blocked in screen and check; the chain verifies until sqlite3 edits it"
    )
    func recordThroughTheCLI() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        func json(_ arguments: [String]) throws -> Any {
            let result = try Self.run(["--db", database] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        }
        _ = try json(["screen", "Hikvision", "--country", "CN", "--json"])
        let cases = try #require(try json(["cases", "--open", "--json"]) as? [[String: Any]])
        let elCase = try #require(cases.first { $0["source"] as? String == "EL" }?["id"] as? Int)
        #expect(
            try Self.run(["--db", database, "case", "clear", String(elCase), "--reason", "different_address"]).status
                == 0)
        let bad = try Self.run(["--db", database, "case", "clear", String(elCase), "--reason", "looks_fine"])
        #expect(bad.status == 2 && bad.stderr.contains("different_name"), "\(bad.stderr)")
        let again = try #require(try json(["screen", "hikvision", "--country", "CN", "--json"]) as? [String: Any])
        let matches = try #require(again["matches"] as? [[String: Any]])
        #expect(matches.contains { $0["case_id"] as? Int == elCase && $0["case_state"] as? String == "cleared" })
        // A new list version amends the entry: the next screen reopens the case, naming what changed.
        let imported = try Self.run(["--db", database, "import", try SharedData.amendedCSL(in: directory)])
        #expect(imported.status == 0, "\(imported.stderr)")
        let reopened = try #require(try json(["screen", "Hikvision", "--country", "CN", "--json"]) as? [String: Any])
        #expect(
            (reopened["matches"] as? [[String: Any]])?
                .contains { $0["case_id"] as? Int == elCase && $0["case_state"] as? String == "open" } == true)
        let shown = try #require(try json(["case", "show", String(elCase), "--json"]) as? [String: Any])
        let events = try #require(shown["events"] as? [[String: Any]])
        #expect(events.last?["action"] as? String == "reopened")
        #expect((events.last?["note"] as? String)?.contains("addresses") == true, "\(events.last ?? [:])")
        #expect(try Self.run(["--db", database, "case", "confirm", String(elCase), "--note", "same"]).status == 0)
        let blocked = try #require(try json(["screen", "Hikvision", "--country", "CN", "--json"]) as? [String: Any])
        #expect(blocked["blocked"] as? Bool == true)
        let check = try #require(
            try json(["check", "--party", "Hikvision", "--country", "CN", "--eccn", "EAR99", "--json"])
                as? [String: Any])
        #expect((check["parties"] as? [[String: Any]])?.first?["blocked"] as? Bool == true)
        let log = try #require(
            try json(["log", "--party", "Hikvision", "--country", "CN", "--json"]) as? [[String: Any]])
        #expect(log.count == 5, "\(log.count) screenings logged")
        let exported = directory.appendingPathComponent("case.html").path
        #expect(try Self.run(["--db", database, "case", "export", String(elCase), "--output", exported]).status == 0)
        let page = try String(contentsOfFile: exported, encoding: .utf8)
        #expect(page.contains("<!doctype html>") && page.contains("Case \(elCase)") && page.contains("confirmed"))
        let evidence = try #require(try json(["case", "export", String(elCase), "--format", "json"]) as? [String: Any])
        #expect((evidence["events"] as? [[String: Any]])?.count == 4)
        #expect(try Self.run(["--db", database, "audit", "verify"]).status == 0)
        let head = try Self.run(["--db", database, "audit", "head"]).stdout.split(separator: " ").first.map(String.init)
        #expect(try Self.run(["--db", database, "audit", "verify", "--head", try #require(head)]).status == 0)
        // An edit with sqlite3, triggers dropped first as someone covering their tracks would.
        _ = try ChildProcess.run(
            "/usr/bin/env",
            [
                "sqlite3", database,
                "DROP TRIGGER audit_record_no_update; UPDATE audit_record SET actor = 'someone else' WHERE kind = 'case_confirmed'",
            ])
        let verify = try Self.run(["--db", database, "audit", "verify"])
        #expect(verify.status == 1 && verify.stdout.contains("was edited"), "\(verify.stdout)")
        let refused = try Self.run(["--db", database, "audit", "prune", "--before", "2024-01-01"])
        #expect(refused.status == 2 && refused.stderr.contains("retention period"), "\(refused.stderr)")
    }

    @Test("bad options are refused with a clear message")
    func badOptions() throws {
        let source = try Self.run(["screen", "x", "--source", "EL,XYZ", "--db", Self.seeded])
        #expect(source.status != 0)
        #expect(source.stderr.contains("'XYZ' is not a list code"))
        let threshold = try Self.run(["screen", "x", "--threshold", "2", "--db", Self.seeded])
        #expect(threshold.stderr.contains("--threshold must be between 0 and 1"))
        let format = try Self.run(["import", "x.csv", "--format", "xml", "--db", Self.seeded])
        #expect(format.stderr.contains("'xml' is invalid for '--format <format>'"))
    }

    @Test(
        "usage errors exit 2 with the command's own usage",
        arguments: [
            (["screen", "Hikvision", "--as-of", "2019-02-30"], "--as-of", "vetter screen"),
            (["screen", "Hikvision", "--as-of", "1/1/1"], "--as-of", "vetter screen"),
            (["screen", ""], "the name is empty", "vetter screen"),
            (["screen", "Hikvision", "--country", "QQ"], "'QQ' is not a country", "vetter screen"),
            (["check", "--party", "", "--eccn", "EAR99"], "--party: the name is empty", "vetter check"),
            (["check", "--party", "Hikvision", "--eccn", "EAR99", "--date", "2024-13-01"], "--date", "vetter check"),
            (["alerts", "--since", "2026-02-31"], "--since", "vetter alerts"),
            (["screen", "Hikvision", "--bogus"], "--bogus", "vetter screen"),
        ])
    func usageErrors(arguments: [String], message: String, usage: String) throws {
        let run = try Self.run(["--db", Self.seeded] + arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stderr.contains("Usage: \(usage)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("--db before a nested command is accepted: keys list, watch import")
    func databaseBeforeNestedCommand() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try Self.run(["--db", Self.seeded, "keys", "list"])
        #expect(keys.status == 0, "\(keys.stderr)")
        let file = directory.appendingPathComponent("w.csv").path
        try "id,name\nc1,\"Huawei Technologies Co., Ltd.\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("v.sqlite").path
        let watch = try Self.run(["--db", database, "watch", "import", file])
        #expect(watch.status == 0, "\(watch.stderr)")
    }

    @Test("control characters from input never reach the terminal raw")
    func controlCharacters() throws {
        let escape = "\u{1B}[31m"
        let name = try Self.run(["--db", Self.seeded, "screen", "Hik\(escape)vision"])
        #expect(name.status == 2)
        #expect(name.stderr.contains("the name holds the control character U+001B"))
        #expect(!name.stderr.contains("\u{1B}"))
        let refused = try Self.run(["--db", Self.seeded, "screen", "x", "--country", "Q\(escape)"])
        #expect(refused.status == 2)
        #expect(!refused.stderr.contains("\u{1B}"))
        #expect(refused.stderr.contains("\\u{1B}"))
    }

    @Test("check answers with the decision for each item and each matched entry")
    func check() throws {
        let result = try Self.run([
            "check", "--party", "Hikvision", "--eccn", "1A004.c", "--eccn", "5A992", "--eccn", "EAR99", "--date",
            "2022-05-01", "--json", "--db", Self.seeded,
        ])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["decision"] as? String == "license_required")
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.map { $0["eccn"] as? String } == ["1A004.c", "5A992", "EAR99"])
        let entries = try #require(json["entries"] as? [[String: Any]])
        let el = entries.filter { $0["source"] as? String == "EL" }
        #expect(
            el.map { $0["review_policy"] as? String } == [
                "case_by_case", "presumption_of_denial", "presumption_of_denial",
            ])
        #expect(
            el.allSatisfy {
                $0["license_required"] as? Bool == true && ($0["license_exceptions"] as? [String])?.isEmpty == true
            })
        #expect(el.allSatisfy { ($0["citations"] as? [String])?.contains("84 FR 54002") == true })
        let text = try Self.run([
            "check", "--party", "Hikvision", "--eccn", "EAR99", "--fail-on-licence", "--db", Self.seeded,
        ])
        #expect(text.status == 3)
        #expect(text.stdout.hasPrefix("Decision: license_required"))
        #expect(text.stdout.contains("Review policy for EAR99: presumption of denial."))
    }

    @Test("check refuses a bad ECCN naming it, and a transaction field naming the field")
    func checkErrors() throws {
        let eccn = try Self.run(["check", "--party", "Hikvision", "--eccn", "5A99", "--db", Self.seeded])
        #expect(eccn.status != 0)
        #expect(eccn.stderr.contains("'5A99' is not an ECCN"))
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("t.json").path
        try #"{"parties": [{"name": "Hikvision", "role": "buyer"}], "items": [{"eccn": "EAR99"}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let role = try Self.run(["check", "--transaction", file, "--db", Self.seeded])
        #expect(role.status != 0)
        #expect(role.stderr.contains("parties[0].role: 'buyer' is not one of purchaser"))
        try
            #"{"parties": [{"name": "Hikvision", "role": "end_user"}, {"name": "I. ASH", "role": "freight_forwarder"}], "items": [{"eccn": "EAR99"}], "date": "2022-05-01"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let ok = try Self.run(["check", "--transaction", file, "--json", "--db", Self.seeded])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\"decision\" : \"prohibited\""))
    }

    @Test("rules --coverage prints every text and the counts")
    func rulesCoverage() throws {
        let result = try Self.run(["rules", "--coverage", "--db", Self.seeded])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains("Licence requirement texts: 39 distinct, 37 parsed, 2 flagged for manual review"))
        #expect(result.stdout.contains("Review policy texts: 33 distinct, 32 parsed, 1 flagged for manual review"))
        #expect(result.stdout.contains("→ case_by_case for items on the CCL; presumption_of_approval for EAR99"))
    }

    @Test(
        "every command has --help",
        arguments: ["screen", "check", "batch", "import", "lists", "show", "rules", "bench"])
    func help(command: String) throws {
        let result = try Self.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: vetter \(command)"))
    }

    @Test("keys: create prints a key once; list never shows it; revoke is for good")
    func keys() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        let created = try Self.run(["keys", "create", "--role", "reviewer", "--name", "Jane", "--db", database])
        #expect(created.status == 0)
        let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.range(of: "^vk_[0-9a-f]{48}$", options: .regularExpression) != nil)
        #expect(try Self.run(["keys", "create", "--role", "boss", "--db", database]).status != 0)
        #expect(try Self.run(["keys", "revoke", "1", "--db", database]).status == 0)
        let again = try Self.run(["keys", "revoke", "1", "--db", database])
        #expect(again.status == 1)
        #expect(again.stderr.contains("no unrevoked key with id 1"))
        let listed = try Self.run(["keys", "list", "--json", "--db", database])
        #expect(!listed.stdout.contains(key))
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(keys.count == 1)
        #expect(keys.first?["name"] as? String == "Jane")
        #expect(keys.first?["role"] as? String == "reviewer")
        #expect(keys.first?["revoked_at"] != nil)
    }
}
