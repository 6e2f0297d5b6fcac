import Foundation
import Testing
import VetterTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The way tests run programs: no descriptor of the test process leaks into a child (a leaked one once kept a
/// finished child "running" until a database server started beside it ended), and output never blocks a child.
@Suite("Programs run by the tests")
struct ChildProcessTests {
    @Test("a child holds only its standard streams, whatever the test process has open")
    func noInheritedDescriptors() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let run = try ChildProcess.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(run.status == 0)
        let descriptors = Set(run.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors == [0, 1, 2], "\(descriptors)")
    }

    @Test("a megabyte on standard error and on standard output, exit status and signals")
    func outputAndStatus() throws {
        let run = try ChildProcess.run(
            "/bin/sh",
            ["-c", "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 1000000 /dev/zero | tr '\\0' o; exit 7"])
        #expect(run.status == 7)
        #expect(run.stdout.count == 1_000_000 && run.stderr.count == 1_000_000)
        let sleeper = try ChildProcess("/bin/sleep", ["60"])
        #expect(sleeper.isRunning)
        sleeper.send(SIGTERM)
        #expect(sleeper.wait() == SIGTERM)
        #expect(!sleeper.isRunning)
    }
}
