import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AINewsFetch

@Suite struct FetcherTests {
    let server = TestServer.shared

    func highest(_ group: String) throws -> Int {
        var body: [UInt8] = []
        _ = try HTTPGet.fetch(FetchRequest(url: server.url("/highest?group=\(group)"))) { chunk, _ in body.append(contentsOf: chunk) }
        return Int(String(decoding: body, as: UTF8.self)) ?? -1
    }

    /// Fetches `count` slow URLs at once and returns the bodies' sizes. Each answer waits until
    /// `overlap` requests of the group have been in flight at once, at most `milliseconds`, so
    /// tasks that start late on a busy machine still meet.
    func fetchConcurrently(_ fetcher: Fetcher, count: Int, group: String, overlap: Int, milliseconds: Int) async throws -> [Int] {
        try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<count {
                tasks.addTask {
                    let received = Mutex(0)
                    let url = server.url("/delay?ms=\(milliseconds)&until=\(overlap)&group=\(group)")
                    let response = try await fetcher.fetch(FetchRequest(url: url)) { chunk, _ in
                        received.withLock { $0 += chunk.count }
                    }
                    #expect(response.status == 200)
                    return received.withLock { $0 }
                }
            }
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func manyTransfersAtOnceWithinThePerHostLimit() async throws {
        var configuration = Fetcher.Configuration()
        configuration.maxConnectionsPerHost = 2
        let fetcher = Fetcher(configuration: configuration)
        defer { fetcher.shutdown() }
        let group = "per-host-\(UUID().uuidString)"
        // Three at once never happens under the limit, so each answer is held 0.4 s: the two
        // connections are busy together however late the tasks start.
        let sizes = try await fetchConcurrently(fetcher, count: 6, group: group, overlap: 3, milliseconds: 400)
        #expect(sizes.count == 6 && sizes.allSatisfy { $0 > 0 })
        #expect(try highest(group) == 2, "never more than two connections to one host")
    }

    @Test func transfersRunInParallel() async throws {
        var configuration = Fetcher.Configuration()
        configuration.maxConnectionsPerHost = 6
        let fetcher = Fetcher(configuration: configuration)
        defer { fetcher.shutdown() }
        let group = "parallel-\(UUID().uuidString)"
        _ = try await fetchConcurrently(fetcher, count: 6, group: group, overlap: 3, milliseconds: 3000)
        #expect(try highest(group) >= 3, "the multi handle runs transfers at the same time")
    }

    @Test func connectionsAreKeptForTheTransfersThatFollow() async throws {
        var configuration = Fetcher.Configuration()
        configuration.maxConnections = 8
        configuration.maxConnectionsPerHost = 8
        let fetcher = Fetcher(configuration: configuration)
        defer { fetcher.shutdown() }
        let group = "kept-\(UUID().uuidString)"
        // Waves of eight transfers, each wave once the one before has ended: between waves no
        // transfer is under way, when libcurl's own cache would keep only a few connections.
        for _ in 0..<5 {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<8 {
                    tasks.addTask {
                        let url = server.url("/counted?group=\(group)")
                        let response = try await fetcher.fetch(FetchRequest(url: url)) { _, _ in }
                        #expect(response.status == 200)
                    }
                }
                try await tasks.waitForAll()
            }
        }
        var body: [UInt8] = []
        _ = try HTTPGet.fetch(FetchRequest(url: server.url("/connections?group=\(group)"))) { chunk, _ in body.append(contentsOf: chunk) }
        #expect(Int(String(decoding: body, as: UTF8.self)) ?? 0 <= 8, "forty transfers over at most the eight connections allowed")
    }

    @Test func failuresAndLimitsReachTheCaller() async throws {
        let fetcher = Fetcher()
        defer { fetcher.shutdown() }
        await #expect(throws: FetchError.bodyTooLarge(limit: 50_000)) {
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/endless"), maxBodyBytes: 50_000)) { _, _ in }
        }
        await #expect(throws: FetchError.self) {
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/loop"))) { _, _ in }
        }
        let notModified = try await fetcher.fetch(FetchRequest(url: server.url("/feed.xml"), etag: "\"v1\"")) { _, _ in }
        #expect(notModified.status == 304)
    }

    /// The fetch thread keeps the bytes libcurl hands it and decodes them after each call into
    /// libcurl: bodies must still arrive whole and in order, and the limits and errors hold.
    @Test func bodiesDecodedAfterTheCallsIntoLibcurlArriveWholeAndStopWhenTheyMust() async throws {
        let fetcher = Fetcher()
        defer { fetcher.shutdown() }
        var expected: [UInt8] = []
        _ = try HTTPGet.fetch(FetchRequest(url: server.url("/encoded-bytes?coding=identity"))) { chunk, _ in expected.append(contentsOf: chunk) }
        // Whole, and seven bytes a write: many reads, decoded over several turns of the thread.
        for (coding, drip) in [("gzip", 0), ("gzip-members", 7), ("deflate-raw", 7)] {
            let body = Mutex<[UInt8]>([])
            let url = server.url("/encoded?coding=\(coding)&drip=\(drip)")
            let response = try await fetcher.fetch(FetchRequest(url: url)) { chunk, _ in body.withLock { $0.append(contentsOf: chunk) } }
            #expect(body.withLock { $0 } == expected, "\(coding), \(drip) bytes a write")
            #expect(response.bodyBytes == expected.count)
        }
        await #expect(throws: FetchError.bodyTooLarge(limit: 1 << 20)) {
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/bomb"), maxBodyBytes: 1 << 20)) { _, _ in }
        }
        await #expect(throws: FetchError.badContentEncoding("the gzip body's checksum does not match its data")) {
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/encoded?coding=gzip-bad-crc"))) { _, _ in }
        }
        // A consumer that gives up stops an endless body long before the size limit.
        struct Enough: Error {}
        let received = Mutex(0)
        await #expect(throws: FetchError.consumerFailed(String(describing: Enough()))) {
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/endless"), maxBodyBytes: 64 << 20)) { chunk, _ in
                let total = received.withLock {
                    $0 += chunk.count
                    return $0
                }
                if total > 100_000 { throw Enough() }
            }
        }
        #expect(received.withLock { $0 } < 1 << 20)
    }

    @Test func shutdownCutsTransfersInFlight() async throws {
        let fetcher = Fetcher()
        let slow = Task { try await fetcher.fetch(FetchRequest(url: server.url("/slow"))) { _, _ in } }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let started = clock.now
        fetcher.shutdown()
        await #expect(throws: FetchError.self) { try await slow.value }
        #expect(clock.now - started < .seconds(3), "in-flight transfers are cut, not waited for")
        await #expect(throws: FetchError.self) {
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/feed.xml"))) { _, _ in }
        }
    }
}
