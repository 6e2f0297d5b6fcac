import Foundation

/// A real HTTP server on 127.0.0.1 for tests, run by Python's standard library: a static file server over a
/// directory, or a webhook receiver that fails its first requests and records the rest.
public final class LocalServer: @unchecked Sendable {
    public let port: Int
    let process: ChildProcess

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/" }

    /// Serves the files under `directory`.
    public static func files(in directory: String) throws -> LocalServer {
        try start(
            script: """
                import http.server, socketserver, sys, functools
                handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
                class Quiet(handler.func):
                    def log_message(self, *args): pass
                server = socketserver.TCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[1]))
                print(server.server_address[1], flush=True)
                server.serve_forever()
                """, arguments: [directory])
    }

    /// Answers POSTs with 500 for the first `failures` requests, then 200, appending every accepted request as
    /// a JSON line (`{"delivery", "signature", "body"}`) to `log`.
    public static func webhookReceiver(failures: Int, log: String) throws -> LocalServer {
        try start(
            script: """
                import http.server, socketserver, sys, json
                failures = int(sys.argv[1]); log = sys.argv[2]; seen = [0]
                class Handler(http.server.BaseHTTPRequestHandler):
                    def log_message(self, *args): pass
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                        seen[0] += 1
                        if seen[0] <= failures:
                            self.send_response(500); self.end_headers(); return
                        with open(log, "a") as f:
                            f.write(json.dumps({"delivery": self.headers.get("X-Vetter-Delivery"),
                                                "signature": self.headers.get("X-Vetter-Signature"),
                                                "body": body.decode()}) + "\\n")
                        self.send_response(200); self.end_headers()
                server = socketserver.TCPServer(("127.0.0.1", 0), Handler)
                print(server.server_address[1], flush=True)
                server.serve_forever()
                """, arguments: [String(failures), log])
    }

    static func start(script: String, arguments: [String]) throws -> LocalServer {
        let process = try ChildProcess("/usr/bin/env", ["python3", "-c", script] + arguments)
        // The first line it prints is its port.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let printed = process.output
            if let end = printed.firstIndex(of: "\n") {
                guard let port = Int(printed[..<end]) else { break }
                return LocalServer(process: process, port: port)
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        process.send(SIGKILL)
        throw TestDatabase.Failure("the test server did not start: \(process.errors)")
    }

    /// Kills the server.
    public func stop() {
        process.send(SIGKILL)
        process.wait()
    }
}
