import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test runs: the `vetter` binary, a server, `psql`, Python.
///
/// Started with `posix_spawn`, with every descriptor above 2 closed in the child and the signal mask and
/// dispositions reset, and waited for with `waitpid`. Foundation's `Process` is not used in tests: each one holds a
/// socket pair that a concurrently started child inherits, and its `waitUntilExit` then waits for that other child —
/// a database server that lives until the run ends — so the run hung. The output goes to files, never to pipes, so
/// a child that writes much to one stream while the test reads the other cannot block.
public final class ChildProcess: @unchecked Sendable {
    public let processIdentifier: Int32
    private let outputPath: String
    private let errorPath: String
    private let lock = NSLock()
    private var waitStatus: Int32?

    /// Starts `executable` (a path) with `arguments`; `environment` replaces this process's when given.
    /// Standard output and standard error go to separate files unless `mergingOutput`; standard input is
    /// `/dev/null`.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        mergingOutput: Bool = false
    ) throws {
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-child-\(UUID().uuidString)")
            .path
        outputPath = stem + ".out"
        errorPath = mergingOutput ? outputPath : stem + ".err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if mergingOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        guard let closeFrom = Self.closeFrom else {
            throw TestDatabase.Failure("this C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34)")
        }
        _ = closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables =
            (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
            + [nil]
        defer { variables.forEach { free($0) } }
        var pid: Int32 = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, variables)
        guard result == 0 else {
            throw TestDatabase.Failure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not declare.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    deinit {
        if isRunning { kill(processIdentifier, SIGKILL) }
        _ = wait()
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    /// Reaps the child when it has ended (blocking only when asked); its wait status.
    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let waitStatus { return waitStatus }
        var status: Int32 = 0
        while true {
            let result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            if result == processIdentifier {
                waitStatus = status
                return status
            }
            if result == -1 && errno == EINTR { continue }
            if result == -1 {
                waitStatus = -1
                return -1
            }
            return nil
        }
    }

    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits for the child to end. Its exit status, or the number of the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        let status = reap(blocking: true) ?? -1
        if status == -1 { return -1 }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
    }

    /// Sends `signal` while the child runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// What the child has written to its standard output so far (with standard error, when merged).
    public var output: String { Self.read(outputPath) }

    /// What the child has written to its standard error so far.
    public var errors: String { Self.read(errorPath) }

    private static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// Runs a program to its end: its exit status and what it wrote.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments, environment: environment)
        let status = child.wait()
        return (status, child.output, child.errors)
    }
}
