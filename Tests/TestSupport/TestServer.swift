import Foundation

/// Starts `test-server.py` (a scripted HTTP server: 200/304, gzip, bombs, redirects, 404, 410,
/// 429, 503, slow and endless bodies) on a free loopback port once per test process; the server exits when
/// its standard input closes, that is when the test process ends.
public final class TestServer: Sendable {
    public static let shared = TestServer()

    public let port: Int
    private let process: Process
    private let input: Pipe

    private init() {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("test-server.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        do {
            try process.run()
        } catch {
            fatalError("cannot start the test server: \(error)")
        }
        var line = Data()
        while let byte = try? output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { fatalError("the test server printed no port") }
        self.port = port
        self.process = process
        self.input = input
    }

    public func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
