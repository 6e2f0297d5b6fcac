import Foundation
import Testing
import VetterTesting

/// `vetter import --as NAME`: a company's own list, versioned and screened like any other, its effect chosen per
/// row.
@Suite("In-house lists through the CLI")
struct InHouseCLITests {
    @Test(
        "import --as: block gives prohibited, review gives review, with the note; a new edition is a new version; a bad one changes nothing"
    )
    func inHouse() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        let list = directory.appendingPathComponent("deny.csv")
        try """
        id,name,aliases,country,type,address,effect,note
        A-1,Shenzhen Example Trading Co Ltd,Example Trading,CN,entity,"1 Harbour Rd, Shenzhen",block,Diverted goods in 2024
        A-2,Ivan Petrovich Sample,,RU,individual,,review,Former agent
        """.write(to: list, atomically: true, encoding: .utf8)
        let imported = try CLITests.run(["import", "--as", "acme-deny", list.path, "--db", database])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("X-ACME-DENY: version 1, 2 entries"))

        let blocked = try CLITests.run([
            "check", "--party", "Example Trading", "--eccn", "EAR99", "--json", "--db", database,
        ])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(blocked.stdout.utf8)) as? [String: Any])
        #expect(answer["decision"] as? String == "prohibited")
        let reasons = ((answer["items"] as? [[String: Any]])?.first?["reasons"] as? [String] ?? []).joined(
            separator: "\n")
        #expect(reasons.contains("Blocked by company policy"))
        #expect(reasons.contains("Diverted goods in 2024"))
        let review = try CLITests.run([
            "check", "--party", "Ivan Sample", "--eccn", "EAR99", "--json", "--db", database,
        ])
        #expect(review.stdout.contains(#""decision" : "review""#) || review.stdout.contains(#""decision":"review""#))

        // A new edition: one row's effect changes.
        try String(contentsOf: list, encoding: .utf8).replacingOccurrences(
            of: "review,Former agent", with: "block,Former agent"
        )
        .write(to: list, atomically: true, encoding: .utf8)
        #expect(
            try CLITests.run(["import", "--as", "acme-deny", list.path, "--db", database]).stdout.contains("version 2"))
        let versions = try CLITests.run(["versions", "--source", "X-ACME-DENY", "--json", "--db", database])
        #expect((try JSONSerialization.jsonObject(with: Data(versions.stdout.utf8)) as? [Any])?.count == 2)

        // A bad edition: refused at its line and field; the lists stay as they were.
        let bad = directory.appendingPathComponent("bad.csv")
        try "id,name,effect\nA-1,Shenzhen Example Trading Co Ltd,block\nA-3,Other Co,forbid\n".write(
            to: bad, atomically: true, encoding: .utf8)
        let refused = try CLITests.run(["import", "--as", "acme-deny", bad.path, "--db", database])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("bad.csv:3 field 'effect'"), "\(refused.stderr)")
        #expect(
            try CLITests.run(["versions", "--source", "X-ACME-DENY", "--json", "--db", database]).stdout
                == versions.stdout)
        // A name that is not one.
        #expect(try CLITests.run(["import", "--as", "acme deny", list.path, "--db", database]).status == 2)
    }
}
