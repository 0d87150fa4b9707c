import Foundation

/// Starts `test-server.py` on a free loopback port once per test process; the server exits when
/// its standard input closes, that is when the test process ends.
final class TestServer: Sendable {
    static let shared = TestServer()

    let port: Int
    private let process: Process
    private let input: Pipe

    private init() {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FetchTests/test-server.py")
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

    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
