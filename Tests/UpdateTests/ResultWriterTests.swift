import AINewsCore
import AINewsStore
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AINewsUpdate

@Suite struct ResultWriterTests {
    let t0 = Timestamp(secondsSince1970: 1_790_000_000)
    let store: Store
    let scratch = ScratchFiles("writer")

    init() throws {
        store = try Store(path: scratch.path(".sqlite"))
    }

    /// A 200 for feed `id` with two items of its own.
    func result(feed id: Int64) -> ResultWriter.Result {
        var feed = ParsedFeed(format: .rss)
        feed.entries = (1...2).map { item in
            var entry = Entry()
            entry.id = "feed-\(id)-item-\(item)"
            entry.title = "Item \(item) of feed \(id)"
            return entry
        }
        var outcome = FetchOutcome(
            feedID: id, fetchedAt: t0, status: 200, feed: feed, nextFetchAt: Timestamp(secondsSince1970: t0.secondsSince1970 + 1800))
        outcome.prepared = feed.entries.map { PreparedEntry($0) }
        return ResultWriter.Result(outcome: outcome, url: "http://127.0.0.1/\(id).xml")
    }

    @Test func resultsSubmittedFromManyTasksAreAllWritten() async throws {
        for id in 1...60 { try store.addFeed(url: "http://127.0.0.1/\(id).xml", at: t0) }
        let calls = Mutex<[Int]>([])
        let writer = ResultWriter(store: store, total: 60) { done, total in
            #expect(total == 60)
            calls.withLock { $0.append(done) }
        }
        await withTaskGroup(of: Void.self) { group in
            for id in Int64(1)...60 {
                let result = result(feed: id)
                group.addTask { writer.submit(result) }
            }
        }
        let reports = try await writer.finish()
        #expect(reports.count == 60)
        #expect(reports.allSatisfy { $0.newEntries == 2 && $0.error == nil })
        #expect(Set(reports.map(\.url)).count == 60)
        #expect(try store.entries().count == 120)
        #expect(try store.feeds().allSatisfy { $0.lastStatus == 200 && $0.nextFetchAt != nil })
        let progress = calls.withLock { $0 }
        #expect(progress == progress.sorted() && progress.last == 60, "progress counts up to the total")
    }

    @Test func roomOpensOnceTheWriterTakesThePendingResults() async throws {
        for id in 1...3 { try store.addFeed(url: "http://127.0.0.1/\(id).xml", at: t0) }
        let writer = ResultWriter(store: store, total: 3, progress: nil)
        for id in Int64(1)...3 { writer.submit(result(feed: id)) }
        try await writer.waitForRoom(below: 1)
        let reports = try await writer.finish()
        #expect(reports.count == 3)
        #expect(try store.entries().count == 6)
    }

    @Test func aFailedWriteIsReportedAndTheOthersAreStillWritten() async throws {
        try store.addFeed(url: "http://127.0.0.1/1.xml", at: t0)
        try store.addFeed(url: "http://127.0.0.1/2.xml", at: t0)
        let writer = ResultWriter(store: store, total: 3, progress: nil)
        writer.submit(result(feed: 1))
        // No feed 99: its fetch log row breaks the foreign key.
        writer.submit(result(feed: 99))
        writer.submit(result(feed: 2))
        await #expect(throws: (any Error).self) { try await writer.finish() }
        await #expect(throws: (any Error).self) { try await writer.waitForRoom(below: 100) }
        #expect(Set(try store.entries().map(\.feedID)) == [1, 2], "the feeds that could be written were")
        try store.addFeed(url: "http://127.0.0.1/3.xml", at: t0)
        #expect(try store.feeds().count == 3, "the store is free again")
    }
}
