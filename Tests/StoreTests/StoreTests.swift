import AINewsCore
import AINewsParse
import Foundation
import TestSupport
import Testing

@testable import AINewsStore

@Suite struct StoreTests {
    let path: String
    let store: Store
    let t0 = Timestamp(secondsSince1970: 1_790_000_000)
    let scratch = ScratchFiles("store")

    init() throws {
        path = scratch.path(".sqlite")
        store = try Store(path: path)
    }

    func entry(id: String? = nil, link: String? = nil, title: String, summary: String = "") -> Entry {
        var entry = Entry()
        entry.id = id
        entry.link = link
        entry.title = title
        entry.summary = summary
        return entry
    }

    func fetched(_ entries: [Entry], title: String = "Feed") -> ParsedFeed {
        var feed = ParsedFeed(format: .rss, version: "2.0")
        feed.feed.title = title
        feed.entries = entries
        return feed
    }

    /// The test files of a store, with the log and shared-memory files SQLite made beside it,
    /// are gone once the store and its `ScratchFiles` are.
    @Test func scratchFilesLeaveNothingBehind() throws {
        var prefix = ""
        do {
            let scratch = ScratchFiles("leave-nothing")
            prefix = scratch.path()
            let store = try Store(path: scratch.path(".sqlite"))
            _ = try store.addFeed(url: "https://a.example/feed", at: t0)
            #expect(FileManager.default.fileExists(atPath: prefix + ".sqlite-wal"))
            withExtendedLifetime((scratch, store)) {}
        }
        let prefixURL = URL(fileURLWithPath: prefix)
        let left = try FileManager.default.contentsOfDirectory(atPath: prefixURL.deletingLastPathComponent().path)
        #expect(!left.contains { $0.hasPrefix(prefixURL.lastPathComponent) })
    }

    @Test func migratesOnceAndReopens() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let reopened = try Store(path: path)
        #expect(try reopened.feeds().map(\.id) == [feed.id])
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func aMigrationMayDropAnIndex() throws {
        // Reading the file's version once left a statement open, and SQLite refuses to drop
        // anything while one is ("database table is locked").
        let next = Schema.migrations + ["DROP INDEX entries_by_first_seen; CREATE INDEX entries_by_first_seen ON entries (first_seen_at, id);"]
        try store.migrate(next)
        #expect(try store.schemaVersionInFile() == next.count)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func newDatabasesUseLargerPages() throws {
        let database = try Database(path: path)
        let pageSize = try database.prepare("PRAGMA page_size")
        #expect(try pageSize.next())
        #expect(pageSize.integer(0) == Int64(Database.pageSize))
    }

    @Test func textsBoundInPlaceAreStoredAsTheyWere() throws {
        // `run(_:)` lends texts to SQLite inside nested borrows: small strings (kept inline, lent
        // from a temporary), empty ones, long and non-ASCII ones and bytes must all come back.
        let database = try Database(path: path)
        try database.execute("CREATE TABLE lent (position INTEGER, a TEXT, b TEXT, c TEXT, d TEXT)")
        let insert = try database.prepare("INSERT INTO lent VALUES (?1, ?2, ?3, ?4, ?5)")
        let long = String(repeating: "Mistral Large 2 — poids ouverts ", count: 200)
        let rows: [(String, String, String, [UInt8])] = [
            ("short", "", long, Array("{\"id\":\"x\"}".utf8)),
            ("é", String(long.reversed()), "fifteen bytes!!", []),
        ]
        for (position, row) in rows.enumerated() {
            try insert.run([.integer(Int64(position)), .text(row.0), .text(row.1), .text(row.2), .utf8(row.3)])
        }
        let select = try database.prepare("SELECT a, b, c, d FROM lent ORDER BY position")
        for row in rows {
            #expect(try select.next())
            #expect(
                [select.text(0), select.text(1), select.text(2), select.text(3)] == [row.0, row.1, row.2, String(decoding: row.3, as: UTF8.self)])
        }
        #expect(try !select.next())
    }

    @Test func addingAFeedTwiceKeepsOne() throws {
        let first = try store.addFeed(url: "https://a.example/feed", at: t0)
        let second = try store.addFeed(url: "https://a.example/feed", at: t0.advanced(by: 60))
        #expect(first == second)
        #expect(try store.feeds().count == 1)
    }

    @Test func sameItemsTwiceAreStoredOnce() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let items = [entry(id: "1", title: "One"), entry(id: "2", title: "Two"), entry(id: "2", title: "Two again")]
        #expect(
            try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched(items)))
                == .init(newEntries: 2, updatedEntries: 0))
        #expect(
            try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: 1800), status: 200, feed: fetched(items)))
                == .init(newEntries: 0, updatedEntries: 0))
        let stored = try store.entries()
        #expect(stored.map(\.entry.title) == ["One", "Two"])
        #expect(stored.allSatisfy { $0.firstSeenAt == t0 })
    }

    @Test func aBatchStoresEveryFetchAndABadOneCostsTheOthersNothing() throws {
        let first = try store.addFeed(url: "https://a.example/feed", at: t0)
        let second = try store.addFeed(url: "https://b.example/feed", at: t0)
        let saved = try store.record([
            FetchOutcome(feedID: first.id, fetchedAt: t0, status: 200, feed: fetched([entry(id: "a1", title: "A1"), entry(id: "a2", title: "A2")])),
            FetchOutcome(feedID: second.id, fetchedAt: t0, status: 200, feed: fetched([entry(id: "b1", title: "B1")])),
        ])
        #expect(saved.map(\.newEntries) == [2, 1])
        // A fetch of a feed that is gone (its log line breaks a foreign key) fails the batch;
        // the fetches around it are stored all the same.
        #expect(throws: StoreError.self) {
            try store.record([
                FetchOutcome(feedID: first.id, fetchedAt: t0.advanced(by: 60), status: 200, feed: fetched([entry(id: "a3", title: "A3")])),
                FetchOutcome(feedID: 9_999, fetchedAt: t0.advanced(by: 60), status: 200, feed: fetched([entry(id: "x", title: "X")])),
                FetchOutcome(feedID: second.id, fetchedAt: t0.advanced(by: 60), status: 200, feed: fetched([entry(id: "b2", title: "B2")])),
            ])
        }
        #expect(try store.entries().compactMap(\.entry.title).sorted() == ["A1", "A2", "A3", "B1", "B2"])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func changedContentUpdatesInPlace() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([entry(id: "1", title: "Draft")])))
        let saved = try store.record(
            FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: 60), status: 200, feed: fetched([entry(id: "1", title: "Final")])))
        #expect(saved == .init(newEntries: 0, updatedEntries: 1))
        #expect(try store.entries().map(\.entry.title) == ["Final"])
        #expect(try store.entries().first?.firstSeenAt == t0, "first seen stays")
    }

    @Test func rowsHashedTheEarlierWayAreComparedTheEarlierWay() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let kept = entry(id: "1", title: "Kept", summary: "<p>Same text</p>")
        let edited = entry(id: "2", title: "Edited", summary: "<p>First text</p>")
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([kept, edited])))
        // As a store of an earlier version left them: FNV-1a hashes of 16 hex digits.
        for item in [kept, edited] {
            try store.database.execute(
                "UPDATE entries SET content_hash = '\(EntryIdentity.legacyContentHash(of: item))' WHERE entry_key = 'id:\(item.id!)'")
        }
        var changed = edited
        changed.summary = "<p>Second text</p>"
        let saved = try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: 60), status: 200, feed: fetched([kept, changed])))
        #expect(saved == .init(newEntries: 0, updatedEntries: 1), "the unchanged row is not rewritten, the changed one is")
        let hashes = try store.database.prepare("SELECT content_hash FROM entries ORDER BY entry_key")
        var stored: [String] = []
        while try hashes.next() { stored.append(hashes.text(0) ?? "") }
        #expect(stored == [EntryIdentity.legacyContentHash(of: kept), EntryIdentity.contentHash(of: changed)])
        #expect(stored[1].hasPrefix("xxh64:") && stored[1].count == 22)
        // XXH64 of the three fields' XXH64 values, little-endian (Python's xxhash gives the same).
        #expect(EntryIdentity.contentHash(of: kept) == "xxh64:8f65b08a87eb8266")
    }

    @Test func itemsWithoutGuidAreKeyedByCanonicalLink() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        try store.record(
            FetchOutcome(
                feedID: feed.id, fetchedAt: t0, status: 200,
                feed: fetched([entry(link: "https://A.example/post?id=3&utm_source=rss#top", title: "P")])))
        let saved = try store.record(
            FetchOutcome(
                feedID: feed.id, fetchedAt: t0.advanced(by: 60), status: 200,
                feed: fetched([entry(link: "https://a.example/post?utm_medium=x&id=3", title: "P")])))
        #expect(saved.newEntries == 0)
        #expect(try store.entries().first?.key == "link:https://a.example/post?id=3")
    }

    @Test func itemsWithNeitherAreKeyedByContent() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let items = [entry(title: "Same", summary: "text"), entry(title: "Other", summary: "text")]
        #expect(try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched(items))).newEntries == 2)
        #expect(try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched(items))).newEntries == 0)
        // FNV-1a of "Same", 0xFF, "text", 0xFF, 0xFF: the content hash of earlier versions, so
        // stored keys never change.
        #expect(EntryIdentity.key(of: items[0]) == "hash:4fd181dee5b7c999")
    }

    @Test func purgedItemsNeverComeBack() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let items = [entry(id: "old", title: "Old")]
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched(items)))
        let later = t0.advanced(by: 90 * 86_400)
        #expect(try store.purge(firstSeenBefore: later, at: later) == 1)
        #expect(try store.entries().isEmpty)
        let saved = try store.record(
            FetchOutcome(feedID: feed.id, fetchedAt: later, status: 200, feed: fetched(items + [entry(id: "new", title: "New")])))
        #expect(saved.newEntries == 1)
        #expect(try store.entries().map(\.entry.title) == ["New"])
    }

    @Test func fetchStateFollowsSuccessAndFailure() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        try store.record(
            FetchOutcome(
                feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([], title: "A feed"), etag: "\"v1\"",
                lastModified: "Mon, 23 Nov 2026 08:00:00 GMT"))
        try store.record(
            FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: 60), status: 500, error: "HTTP 500", nextFetchAt: t0.advanced(by: 3600)))
        var state = try #require(try store.feed(id: feed.id))
        #expect(state.title == "A feed")
        #expect(state.etag == "\"v1\"", "a failure keeps the validators")
        #expect(state.consecutiveFailures == 1)
        #expect(state.lastError == "HTTP 500")
        #expect(state.lastSuccessAt == t0)
        #expect(state.nextFetchAt == t0.advanced(by: 3600))
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: 3600), status: 304, etag: "\"v1\""))
        state = try #require(try store.feed(id: feed.id))
        #expect(state.consecutiveFailures == 0)
        #expect(state.lastError == nil)
    }

    @Test func theFetchLogLosesItsOldRowsOnly() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        for day in 0..<5 {
            try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: Int64(day) * 86_400), status: 304))
        }
        func fetchedAt() throws -> [Int64] {
            let rows = try store.database.prepare("SELECT fetched_at FROM fetch_log ORDER BY fetched_at")
            var times: [Int64] = []
            while try rows.next() { times.append(rows.integer(0) ?? -1) }
            return times
        }
        #expect(try store.purgeFetchLog(before: t0.advanced(by: 2 * 86_400)) == 2)
        #expect(try fetchedAt() == (2..<5).map { t0.secondsSince1970 + $0 * 86_400 })
        let plan = try store.database.prepare("EXPLAIN QUERY PLAN DELETE FROM fetch_log WHERE fetched_at < ?1").bind([.integer(0)])
        var details: [String] = []
        while try plan.next() { details.append(plan.text(3) ?? "") }
        #expect(details.contains { $0.contains("fetch_log_by_time") }, "\(details)")
    }

    @Test func permanentRedirectAndGone() throws {
        let feed = try store.addFeed(url: "http://a.example/feed", at: t0)
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([]), movedTo: "https://a.example/feed"))
        #expect(try store.feed(id: feed.id)?.url == "https://a.example/feed")
        try store.record(
            FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 410, error: "HTTP 410 Gone", disableReason: "the server says the feed is gone (410)")
        )
        let state = try #require(try store.feed(id: feed.id))
        #expect(!state.isEnabled)
        #expect(state.disabledReason == "the server says the feed is gone (410)")
    }

    @Test func twoConnectionsShareTheFile() throws {
        let daemon = store
        let command = try Store(path: path)
        let feed = try daemon.addFeed(url: "https://a.example/feed", at: t0)
        try daemon.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([entry(id: "1", title: "One")])))
        #expect(try command.entries().map(\.entry.title) == ["One"])
        #expect(try command.removeFeed(url: "https://a.example/feed"))
        #expect(try daemon.entries().isEmpty)
    }

    @Test func tagsAreStoredAndOnlyChangesCount() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([entry(id: "1", title: "Llama 3")])))
        let stored = try #require(try store.entries().first)
        #expect(stored.tag == nil)
        let tag = StoredTag(label: "open", models: [.init(name: "Llama 3", openness: "open")], reason: "open-weights model: Llama 3")
        #expect(try store.setTags([(stored.id, tag)]) == 1)
        #expect(try store.setTags([(stored.id, tag)]) == 0, "the same tag again changes nothing")
        #expect(try store.entries().first?.tag == tag)
    }

    @Test func preparedEntriesAreStoredWithTheirTags() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let tagged = StoredTag(label: "open", models: [.init(name: "Llama", openness: "open")], reason: "open-weights model: Llama")
        let entries = [entry(id: "1", title: "Llama 4 is out"), entry(id: "2", title: "Funding news")]
        var outcome = FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched(entries))
        outcome.prepared = [PreparedEntry(entries[0], tag: tagged), PreparedEntry(entries[1])]
        #expect(try store.record(outcome).newEntries == 2)
        let stored = try store.entries()
        #expect(stored.map(\.tag) == [tagged, nil])
        #expect(try store.untaggedEntries().map(\.entry.id) == ["2"])
    }

    @Test func untaggedEntriesAreReadThroughTheirOwnIndex() throws {
        let plan = try store.database.prepare("EXPLAIN QUERY PLAN SELECT id FROM entries WHERE tag IS NULL ORDER BY id")
        var details: [String] = []
        while try plan.next() { details.append(plan.text(3) ?? "") }
        #expect(details.contains { $0.contains("USING INDEX entries_untagged") }, "\(details)")
    }

    @Test func anEntryStoredAsItIsGetsNoJSONAndNoTag() {
        let item = entry(id: "1", title: "Llama 4 is out")
        let tag = StoredTag(label: "open", models: [.init(name: "Llama", openness: "open")], reason: "open-weights model: Llama")
        var asked = 0
        let known = PreparedEntry(item, key: "id:1", storedHashes: ["id:1": EntryIdentity.contentHash(of: item)]) { _ in
            asked += 1
            return tag
        }
        #expect(known.json == nil && known.tag == nil && asked == 0)
        let changed = PreparedEntry(item, key: "id:1", storedHashes: ["id:1": "xxh64:0000000000000000"]) { entry in
            asked += 1
            #expect(entry == item)
            return tag
        }
        #expect(changed.json == EntryJSON.utf8(item) && changed.tag == tag && asked == 1)
    }

    @Test func storedEntriesAnswerForTheKeysAskedOfThatFeed() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let other = try store.addFeed(url: "https://b.example/feed", at: t0)
        let first = entry(id: "1", title: "Llama 4 is out")
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([first, entry(id: "2", title: "Two")])))
        try store.record(FetchOutcome(feedID: other.id, fetchedAt: t0, status: 200, feed: fetched([entry(id: "3", title: "Three")])))
        let hashes = try store.storedEntries().hashes(feedID: feed.id, keys: ["id:1", "id:3", "id:1"])
        #expect(hashes == ["id:1": EntryIdentity.contentHash(of: first)])
    }

    /// Prepared as stored: the writer leaves the stored copy alone, also when it changed after
    /// the fetch read it (another process fetched the feed at about the same time).
    @Test func anEntryPreparedAsStoredIsLeftAlone() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        let first = entry(id: "1", title: "Llama 4 is out")
        let later = entry(id: "1", title: "Llama 4 is out, and so is its paper")
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([later])))
        var outcome = FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([first]))
        outcome.prepared = [PreparedEntry(first, key: "id:1", storedHashes: ["id:1": EntryIdentity.contentHash(of: first)]) { _ in nil }]
        let saved = try store.record(outcome)
        #expect(saved.newEntries == 0 && saved.updatedEntries == 0)
        #expect(try store.entries().map(\.entry) == [later])
    }

    @Test func entriesKeepEverythingTheParserGave() throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        var item = entry(id: "x", link: "https://a.example/x", title: "Full")
        item.content = [Content(value: "<p>body</p>", type: .html, language: "en")]
        item.published = t0
        item.categories = [Category(term: "ai")]
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0, status: 200, feed: fetched([item])))
        #expect(try store.entries(since: t0, feedID: feed.id).first?.entry == item)
        #expect(try store.entries(since: t0.advanced(by: 1)).isEmpty)
    }
}

extension Timestamp {
    func advanced(by seconds: Int64) -> Timestamp {
        Timestamp(secondsSince1970: secondsSince1970 + seconds)
    }
}

@Suite struct EntryIdentityTests {
    @Test(arguments: [
        ("HTTPS://Example.ORG:443/a/b?utm_source=x&q=1&fbclid=y#frag", "https://example.org/a/b?q=1"),
        ("http://example.org:80", "http://example.org/"),
        ("https://example.org/p?ref=rss", "https://example.org/p"),
        ("/relative/path#x", "/relative/path"),
        // The scheme runs to the first "://", colons before it included.
        ("Web+Feed:HTTP://Example.ORG/x", "web+feed:http://example.org/x"),
    ])
    func canonicalLinks(link: String, expected: String) {
        #expect(EntryIdentity.canonicalLink(link) == expected)
    }

    @Test func guidWinsOverLink() {
        var entry = Entry()
        entry.id = " tag:x,2026:1 "
        entry.link = "https://example.org/1"
        #expect(EntryIdentity.key(of: entry) == "id:tag:x,2026:1")
    }
}

/// The hand-written entry JSON must read back, through Foundation's decoder, into the same entry.
@Suite struct EntryJSONTests {
    @Test func everyFixtureEntryRoundTrips() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        var checked = 0
        for folder in ["ParseTests/Fixtures", "DigestTests/Fixtures"].map(tests.appendingPathComponent) {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
                guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                    let feed = try? FeedParser().parse(Array(data))
                else { continue }
                for entry in feed.entries {
                    let decoded = try JSONDecoder().decode(Entry.self, from: Data(EntryJSON.utf8(entry)))
                    #expect(decoded == entry, "\(name): \(entry.title ?? "")")
                    checked += 1
                }
            }
        }
        #expect(checked >= 29)
    }

    @Test func everyFieldAndEscapeRoundTrips() throws {
        var entry = Entry()
        entry.id = "id \"quoted\" \\ back\nslash\u{1}"
        entry.title = "Zürich — 漢字 \t tab"
        entry.titleType = .html
        entry.link = "https://example.org/a?b=c&d=e"
        entry.links = [Link(href: "https://example.org/x", rel: "enclosure", type: "audio/mpeg", title: "t", hreflang: "en", length: 42)]
        entry.summary = "<p>s</p>"
        entry.summaryType = .html
        entry.content = [Content(value: "<b>c</b>", type: .xhtml, language: "en", base: "https://example.org/")]
        entry.published = Timestamp(secondsSince1970: 1_700_000_000)
        entry.updated = Timestamp(secondsSince1970: -86_400)
        entry.authors = [Person(name: "A", email: "a@example.org", uri: "https://a.example")]
        entry.categories = [Category(term: "ai", scheme: "s", label: "AI")]
        entry.enclosures = [Enclosure(url: "https://example.org/e.mp3", type: "audio/mpeg", length: 0)]
        entry.comments = "https://example.org/c"
        entry.source = Source(title: "Src", link: "https://src.example")
        #expect(try JSONDecoder().decode(Entry.self, from: Data(EntryJSON.utf8(entry))) == entry)
        #expect(try JSONDecoder().decode(Entry.self, from: Data(EntryJSON.utf8(Entry()))) == Entry())
        let models = [StoredTag.Model(name: "Llama \"3\"", openness: "open")]
        #expect(try JSONDecoder().decode([StoredTag.Model].self, from: Data(EntryJSON.encode(models).utf8)) == models)
    }

    @Test func escapesAnywhereInLongTextRoundTrip() throws {
        // Runs are found eight bytes at a time: escapes at every offset of a word, and at the end.
        let pieces = ["a", "bc", "defghij", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "漢", " ", "/"]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var entry = Entry()
            entry.title = (0..<Int.random(in: 0..<40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(try JSONDecoder().decode(Entry.self, from: Data(EntryJSON.utf8(entry))) == entry)
        }
    }
}

@Suite struct BackgroundCheckpointTests {
    let t0 = Timestamp(secondsSince1970: 1_790_000_000)
    let scratch = ScratchFiles("checkpoint")
    var path: String { scratch.path(".sqlite") }

    /// Ten fetches of twenty 2 KB items each: about 400 KB of rows, one transaction a fetch.
    func writeFetches(to store: Store) throws {
        let feed = try store.addFeed(url: "https://a.example/feed", at: t0)
        for fetch in 0..<10 {
            var parsed = ParsedFeed(format: .rss, version: "2.0")
            parsed.entries = (0..<20).map { item in
                var entry = Entry()
                entry.id = "item-\(fetch)-\(item)"
                entry.title = "Item \(item) of fetch \(fetch)"
                entry.summary = String(repeating: "open weights \(fetch) \(item) ", count: 100)
                return entry
            }
            try store.record(FetchOutcome(feedID: feed.id, fetchedAt: t0.advanced(by: Int64(fetch)), status: 200, feed: parsed))
        }
    }

    /// Most of the rows: more than the schema's pages, fewer than the rows take.
    let mostOfTheRows = 320_000

    func fileSize(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }

    @Test func theLogReachesTheDatabaseFileWhileTheStoreIsOpen() throws {
        let store = try Store(path: path, checkpointsInBackground: true, pagesPerCheckpoint: 16)
        try writeFetches(to: store)
        store.waitForCheckpoints()
        #expect(try fileSize(path) >= mostOfTheRows)
        #expect(try Store(path: path).entries(since: t0).count == 200)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aPausedWriterHasItsLogCopiedAndEmptied() throws {
        let store = try Store(path: path, checkpointsInBackground: true)
        try writeFetches(to: store)
        let log = path + "-wal"
        #expect(try fileSize(log) > mostOfTheRows)
        store.truncateLogInBackground()
        store.waitForCheckpoints()
        #expect(try fileSize(log) == 0)
        #expect(try fileSize(path) >= mostOfTheRows)
        #expect(try store.entries(since: t0).count == 200)
    }

    @Test func withoutItTheLogKeepsThePagesUntilSQLiteCheckpoints() throws {
        // SQLite's own checkpoint waits for 1,000 pages: the same writes stay in the log.
        let store = try Store(path: path)
        try writeFetches(to: store)
        #expect(try fileSize(path) < mostOfTheRows)
        #expect(try Store(path: path).entries(since: t0).count == 200)
    }
}

@Suite struct DatedEntriesTests {
    let firstSeen = Timestamp(secondsSince1970: 1_700_000_000)
    let scratch = ScratchFiles("dated")
    var path: String { scratch.path(".sqlite") }

    func store(published: [Int64?], updated: [Int64?] = []) throws -> Store {
        let store = try Store(path: path)
        let feed = try store.addFeed(url: "https://a.example/feed", at: firstSeen)
        var parsed = ParsedFeed(format: .rss, version: "2.0")
        parsed.entries = published.enumerated().map { index, seconds in
            var entry = Entry()
            entry.id = "item-\(index)"
            entry.title = "\(index)"
            entry.published = seconds.map(Timestamp.init(secondsSince1970:))
            entry.updated = updated.indices.contains(index) ? updated[index].map(Timestamp.init(secondsSince1970:)) : nil
            return entry
        }
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: firstSeen, status: 200, feed: parsed))
        return store
    }

    @Test func aRangeHoldsExactlyItsDates() throws {
        // Not aligned on days: the index finds days, the seconds decide.
        let start: Int64 = 1_790_003_600
        let end = start + 7 * 86_400 + 17
        let store = try store(
            published: [start - 1, start, end - 1, end, start + 3 * 86_400, nil, nil], updated: [nil, nil, nil, nil, nil, start + 5, nil])
        let found = try store.entries(datedFrom: Timestamp(secondsSince1970: start), to: Timestamp(secondsSince1970: end))
        #expect(Set(found.compactMap(\.entry.title)) == ["1", "2", "4", "5"])
        #expect(try store.tagCounts(datedFrom: Timestamp(secondsSince1970: start), to: Timestamp(secondsSince1970: end)).total == 4)
    }

    @Test func datesBeforeNineteenSeventyToo() throws {
        let store = try store(published: [-90_001, -90_000, -1, 0, 89_999, 90_000])
        let found = try store.entries(datedFrom: Timestamp(secondsSince1970: -90_000), to: Timestamp(secondsSince1970: 90_000))
        #expect(Set(found.compactMap(\.entry.title)) == ["1", "2", "3", "4"])
    }

    @Test func theRangeIsReadThroughTheDayIndex() throws {
        let store = try store(published: [])
        let plan = try store.database.prepare("EXPLAIN QUERY PLAN SELECT id FROM entries WHERE \(Store.datedInRange)")
            .bind([.integer(1_790_000_000), .integer(1_790_604_800)])
        var details: [String] = []
        while try plan.next() { details.append(plan.text(3) ?? "") }
        #expect(details.contains { $0.contains("USING INDEX entries_by_day") }, "\(details)")
    }
}
