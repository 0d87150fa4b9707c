import AINewsCore
import AINewsFetch
import AINewsStore
import AINewsTag
import Foundation
import TestSupport
import Testing

@testable import AINewsUpdate

@Suite struct FeedUpdaterTests {
    let server = TestServer.shared
    let t0 = Timestamp(secondsSince1970: 1_790_000_000)
    let store: Store
    let fetcher = Fetcher()
    let scratch = ScratchFiles("update")

    init() throws {
        store = try Store(path: scratch.path(".sqlite"))
    }

    static let tagger: Tagger = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/knowledge-base").path
        return Tagger(knowledgeBase: (try? KnowledgeBaseLoader.load(directory: directory, extraFiles: [])) ?? KnowledgeBase())
    }()

    func wait(_ feed: FeedRecord) -> Int64? {
        feed.nextFetchAt.map { $0.secondsSince1970 - t0.secondsSince1970 }
    }

    @Test func preparedEntriesKeepTheFeedsOrderAndAreEachTagged() throws {
        let titles = ["Meta releases Llama 3 weights", "OpenAI ships GPT-4o in the API", "Quarterly results", "Meta releases Llama 3 weights"]
        var entries = titles.enumerated().map { offset, title in
            var entry = Entry()
            entry.id = "\(offset % 3)"
            entry.title = title
            return entry
        }
        let keys = entries.map { EntryIdentity.key(of: $0) }
        let prepared = FeedUpdater.prepare(&entries, keys: keys, storedHashes: [:], tagger: Self.tagger)
        #expect(entries.isEmpty)
        #expect(prepared.map(\.entry.title) == titles)
        #expect(prepared.map(\.key) == ["id:0", "id:1", "id:2", "id:0"])
        #expect(prepared.map { $0.tag?.label } == ["open", "closed", "none", "open"])
        #expect(prepared.allSatisfy { $0.json != nil })
        var none: [Entry] = []
        #expect(FeedUpdater.prepare(&none, keys: [], storedHashes: [:], tagger: nil).isEmpty)
    }

    @Test func oneCycleHandlesEveryKindOfResponse() async throws {
        defer { fetcher.shutdown() }
        let paths = ["/feed.xml", "/moved", "/temp", "/gone", "/missing", "/retry", "/unavailable", "/page.html", "/cached.xml", "/long-page.html"]
        for path in paths { try store.addFeed(url: server.url(path), at: t0) }
        let updater = FeedUpdater(fetcher: fetcher)
        let reports = try await updater.update(try store.feeds(), store: store, tagger: Self.tagger, at: t0)
        #expect(reports.count == paths.count)
        let feeds = Dictionary(uniqueKeysWithValues: try store.feeds().map { ($0.id, $0) })
        func feed(_ index: Int) -> FeedRecord { feeds[Int64(index + 1)]! }

        #expect(feed(0).lastStatus == 200 && feed(0).etag == "\"v1\"")
        #expect((1620...1980).contains(wait(feed(0)) ?? 0), "the default interval with jitter")
        #expect(feed(1).url == server.url("/feed-new.xml"), "a 301 moves the feed")
        #expect(feed(2).url == server.url("/temp"), "a 302 does not")
        #expect(feed(2).lastStatus == 200)
        #expect(!feed(3).isEnabled && feed(3).nextFetchAt == nil, "410 disables")
        #expect(feed(4).lastError == "HTTP 404" && feed(4).consecutiveFailures == 1)
        #expect((3240...3960).contains(wait(feed(4)) ?? 0), "a failure backs off an hour")
        #expect(wait(feed(5)) == 300, "Retry-After: 120 is honoured, but not sooner than the minimum")
        #expect(wait(feed(6)) == Int64(7 * 86_400), "an HTTP-date Retry-After far away is capped")
        #expect(feed(7).lastError?.contains("HTML page") == true)
        #expect(feed(7).lastError?.contains("advertises \(server.url("/feed.xml"))") == true, "the error names the page's feed")
        #expect((6480...7920).contains(wait(feed(8)) ?? 0), "Cache-Control max-age stretches the interval")
        #expect(feed(9).lastError?.contains("advertises \(server.url("/atom.xml"))") == true, "also a page found out before its end")

        let entries = try store.entries()
        #expect(entries.count == 4, "one item from each feed that answered with a feed")
        #expect(entries.allSatisfy { $0.tag != nil }, "new entries are tagged")
        #expect(entries.first?.entry.link == server.url("/posts/1"), "links resolve against the final URL")
    }

    @Test func secondCycleIsConditional() async throws {
        defer { fetcher.shutdown() }
        try store.addFeed(url: server.url("/feed.xml"), at: t0)
        let updater = FeedUpdater(fetcher: fetcher)
        let first = try await updater.update(try store.feeds(), store: store, tagger: nil, at: t0)
        #expect(first.first?.newEntries == 1)
        let second = try await updater.update(try store.feeds(), store: store, tagger: nil, at: t0)
        #expect(second.first?.status == 304)
        #expect(second.first?.newEntries == 0)
        #expect(try store.entries().count == 1)
    }

    /// A feed without validators answers 200 every time: what it still lists unchanged is left
    /// as stored, a new item is stored and tagged, a changed one is stored again and tagged anew.
    @Test func everyFetchStoresWhatIsNewOrChanged() async throws {
        defer { fetcher.shutdown() }
        try store.addFeed(url: server.url("/growing.xml?id=\(UUID().uuidString)"), at: t0)
        let updater = FeedUpdater(fetcher: fetcher)
        var counts: [[Int?]] = []
        for cycle in 0..<3 {
            let report = try await updater.update(
                try store.feeds(), store: store, tagger: Self.tagger, at: Timestamp(secondsSince1970: t0.secondsSince1970 + Int64(cycle)))
            counts.append([report.first?.status, report.first?.newEntries, report.first?.updatedEntries])
        }
        #expect(counts == [[200, 1, 0], [200, 1, 0], [200, 0, 1]])
        let tags = Dictionary(uniqueKeysWithValues: try store.entries().map { ($0.entry.link ?? "", $0.tag?.label) })
        #expect(tags == [server.url("/growing/1"): "both", server.url("/growing/2"): "closed"])
    }

    @Test func aWrongCharsetStillReadsRight() async throws {
        defer { fetcher.shutdown() }
        try store.addFeed(url: server.url("/latin1-said-utf8.xml"), at: t0)
        try store.addFeed(url: server.url("/utf8-said-latin1.xml"), at: t0)
        let reports = try await FeedUpdater(fetcher: fetcher).update(try store.feeds(), store: store, tagger: Self.tagger, at: t0)
        #expect(reports.allSatisfy { $0.error == nil && $0.newEntries == 1 })
        let titles = try store.entries().compactMap(\.entry.title).sorted()
        #expect(titles == ["Été naïve - latin1", "Été naïve — utf8"])
        #expect(try store.feeds().compactMap(\.title) == ["Zürich café", "Zürich café"])
    }

    @Test func retryAfterReadsSecondsAndDates() {
        #expect(FeedUpdater.retryAt("120", now: t0)?.secondsSince1970 == t0.secondsSince1970 + 120)
        #expect(FeedUpdater.retryAt("Fri, 31 Dec 2100 23:59:59 GMT", now: t0)?.rfc3339 == "2100-12-31T23:59:59Z")
        #expect(FeedUpdater.retryAt("soon", now: t0) == nil)
    }
}
