import Foundation
import Glibc
import TestSupport
import Testing

@testable import AINewsService

@Suite struct SettingsTests {
    let scratch = ScratchFiles("settings")

    func write(_ text: String) throws -> String {
        let path = scratch.path("-\(UUID().uuidString).conf")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsThenFileThenEnvironment() throws {
        let file = try write(
            """
            # comment
            database = /srv/ainews.sqlite
            fetch_interval = 2h
            max_body_size = 512KiB
            retention = 0
            fetch_log_retention = 7d
            """)
        let settings = try Settings.load(file: file, environment: ["AINEWS_FETCH_INTERVAL": "45m", "AINEWS_MAX_CONNECTIONS_PER_HOST": "4"])
        #expect(settings.database == "/srv/ainews.sqlite")
        #expect(settings.fetchIntervalSeconds == 45 * 60, "the environment wins over the file")
        #expect(settings.maxBodyBytes == 512 * 1024)
        #expect(settings.retentionSeconds == 0)
        #expect(settings.fetchLogRetentionSeconds == 7 * 86_400)
        #expect(Settings().fetchLogRetentionSeconds == 30 * 86_400)
        #expect(settings.maxConnectionsPerHost == 4)
        #expect(settings.totalTimeoutSeconds == 60, "defaults stay")
    }

    @Test(arguments: [
        ("speed = fast", "unknown key"),
        ("fetch_interval = 10", "not a duration of at least 1m"),
        ("max_connections = 0", "not a number from 1 to 256"),
        ("max_body_size = huge", "not a size"),
        ("just words", "expected 'key = value'"),
    ])
    func invalidConfigNamesKeyAndFile(line: String, message: String) throws {
        let file = try write("database = /tmp/x.sqlite\n\(line)\n")
        do {
            _ = try Settings.load(file: file, environment: [:])
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.source == "\(file):2")
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: Settings.Error.self) { try Settings.load(file: "/nonexistent/ainews.conf", environment: [:]) }
    }
}

@Suite struct SystemdNotifierTests {
    @Test func sendsDatagramsToTheNotifySocket() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(receiver >= 0)
        defer {
            close(receiver)
            unlink(path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogMicroseconds == 30_000_000)
        notifier.ready(status: "watching 3 feeds")
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(count > 0)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "READY=1\nSTATUS=watching 3 feeds")
    }
}
