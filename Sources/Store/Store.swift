import AINewsCore
import FoundationEssentials

/// A feed and its fetch state, as stored.
public struct FeedRecord: Sendable, Equatable {
    public var id: Int64
    public var url: String
    public var title: String?
    public var siteURL: String?
    public var addedAt: Timestamp
    public var isEnabled: Bool
    public var disabledReason: String?
    public var intervalSeconds: Int?
    public var etag: String?
    public var lastModified: String?
    public var lastFetchAt: Timestamp?
    public var lastSuccessAt: Timestamp?
    public var lastStatus: Int?
    public var lastError: String?
    public var consecutiveFailures: Int
    public var nextFetchAt: Timestamp?
}

/// What one fetch of one feed produced, to be written in one transaction.
public struct FetchOutcome: Sendable {
    public var feedID: Int64
    public var fetchedAt: Timestamp
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// The parsed feed of a 200; nil for a 304 or a failure.
    public var feed: ParsedFeed?
    /// Validators for the next conditional GET.
    public var etag: String?
    public var lastModified: String?
    /// A permanent redirect's target (301, 308), which replaces the stored URL.
    public var movedTo: String?
    /// Why the fetch failed, when it did.
    public var error: String?
    /// When the scheduler wants this feed next.
    public var nextFetchAt: Timestamp?
    /// Set to disable the feed (410 Gone), with the reason.
    public var disableReason: String?
    /// The feed's entries already encoded (and tagged), made off the store's thread; when nil,
    /// `feed`'s entries are encoded while storing and left untagged.
    public var prepared: [PreparedEntry]?

    public init(
        feedID: Int64, fetchedAt: Timestamp, status: Int? = nil, feed: ParsedFeed? = nil, etag: String? = nil, lastModified: String? = nil,
        movedTo: String? = nil, error: String? = nil, nextFetchAt: Timestamp? = nil, disableReason: String? = nil
    ) {
        self.feedID = feedID
        self.fetchedAt = fetchedAt
        self.status = status
        self.feed = feed
        self.etag = etag
        self.lastModified = lastModified
        self.movedTo = movedTo
        self.error = error
        self.nextFetchAt = nextFetchAt
        self.disableReason = disableReason
    }
}

/// An entry as stored: the parser's whole `Entry` plus its identity, when it was first seen, and
/// its tag once tagged.
public struct StoredEntry: Sendable, Equatable {
    public var id: Int64
    public var feedID: Int64
    public var key: String
    public var firstSeenAt: Timestamp
    public var entry: Entry
    public var tag: StoredTag?
}

/// A tag as the store keeps it: plain strings, so the store needs nothing of the tagger.
public struct StoredTag: Sendable, Equatable, Codable {
    public struct Model: Sendable, Equatable, Codable {
        public var name: String
        public var openness: String

        public init(name: String, openness: String) {
            self.name = name
            self.openness = openness
        }
    }

    public var label: String
    public var models: [Model]
    public var reason: String

    public init(label: String, models: [Model], reason: String) {
        self.label = label
        self.models = models
        self.reason = reason
    }
}

/// The SQLite store shared by `ainewsd` and `ainews`: feeds with their fetch state, entries with
/// stable identity, tombstones of purged entries, and a fetch log.
///
/// Every fetched feed is written in one transaction, the database is in WAL mode with a busy
/// timeout, and a purged entry leaves a tombstone so a feed that still lists it never brings
/// it back. The store reads no clock: callers pass the time.
///
/// ```swift
/// let store = try Store(path: "/var/lib/ainews/ainews.sqlite")
/// let feed = try store.addFeed(url: "https://example.org/feed.xml", at: now)
/// let saved = try store.record(FetchOutcome(feedID: feed.id, fetchedAt: now, status: 200, feed: parsed))
/// ```
public final class Store {
    let database: Database
    private let path: String

    private var checkpointer: BackgroundCheckpointer?
    /// The statements that write fetches, prepared on the first write and kept: prepared again
    /// for every transaction they were 1.3% of a first fetch cycle's CPU.
    private var fetchStatements: FetchStatements?

    /// - Parameters:
    ///   - checkpointsInBackground: copy the write-ahead log into the database on a thread of its
    ///     own (`BackgroundCheckpointer`), for a long-running writer such as the daemon.
    ///   - pagesPerCheckpoint: the new pages of the log that start a background checkpoint; by
    ///     default `checkpointBytes` of them.
    public init(path: String, checkpointsInBackground: Bool = false, pagesPerCheckpoint: Int32? = nil) throws {
        self.path = path
        database = try Database(path: path)
        try migrate()
        if checkpointsInBackground {
            let pages = try pagesPerCheckpoint ?? Int32(max(1, Self.checkpointBytes / database.pageSize()))
            let checkpointer = try BackgroundCheckpointer(path: path, pagesPerCheckpoint: pages)
            checkpointer.attach(to: database)
            self.checkpointer = checkpointer
        }
    }

    deinit {
        checkpointer?.detach(from: database)
    }

    /// How much of the log a background checkpoint waits for. A longer log is copied in fewer
    /// checkpoints, but it ends a cycle with more to copy before the store closes, and the log's
    /// file only goes back to its start once a checkpoint has caught up with the writer: with
    /// 16 MiB the fetch benchmark's log grew to 125 MiB, with 8 MiB to 64 MiB, and its first
    /// cycle took 1.47 s instead of 1.57 s (medians of 8 interleaved runs).
    static let checkpointBytes = 8 << 20

    /// With `checkpointsInBackground`: copies the whole write-ahead log into the database and
    /// empties its file, in the background, for a writer that has finished a burst of writes.
    public func truncateLogInBackground() {
        checkpointer?.truncateLog()
    }

    /// A reader of the stored entries' content hashes, on a connection of its own.
    public func storedEntries() throws -> StoredEntries {
        try StoredEntries(path: path)
    }

    /// Returns once no background checkpoint is queued or running.
    public func waitForCheckpoints() {
        checkpointer?.waitUntilIdle()
    }

    /// The schema version this build writes.
    public static var schemaVersion: Int { Schema.migrations.count }

    /// Runs the migrations the file has not had yet (`migrations` is the schema's, but for tests).
    func migrate(_ migrations: [String] = Schema.migrations) throws {
        let current = try schemaVersionInFile()
        guard current < migrations.count else {
            if current > migrations.count {
                throw StoreError(code: 0, message: "the database has schema version \(current), newer than this ainews (\(migrations.count))")
            }
            return
        }
        for version in current..<migrations.count {
            try database.transaction {
                try database.execute(migrations[version])
                try database.execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }

    /// The file's schema version. Its statement is finalised on return: a statement left open
    /// would make any migration that drops an index or a table fail ("database table is locked").
    func schemaVersionInFile() throws -> Int {
        let statement = try database.prepare("PRAGMA user_version")
        return try statement.next() ? Int(statement.integer(0) ?? 0) : 0
    }

    // MARK: - Feeds

    /// Adds a feed, or returns the existing one with that URL.
    @discardableResult
    public func addFeed(url: String, title: String? = nil, at time: Timestamp) throws -> FeedRecord {
        try database.prepare("INSERT OR IGNORE INTO feeds (url, title, added_at) VALUES (?1, ?2, ?3)")
            .bind([.text(url), Statement.Value(title), .integer(time.secondsSince1970)]).run()
        guard let feed = try feeds(where: "url = ?1", [.text(url)]).first else {
            throw StoreError(code: 0, message: "feed \(url) vanished while being added")
        }
        return feed
    }

    /// Removes a feed with its entries, tombstones and log; false when there was none.
    public func removeFeed(url: String) throws -> Bool {
        try database.transaction {
            guard let feed = try feeds(where: "url = ?1", [.text(url)]).first else { return false }
            try database.prepare("DELETE FROM tombstones WHERE feed_id = ?1").bind([.integer(feed.id)]).run()
            try database.prepare("DELETE FROM feeds WHERE id = ?1").bind([.integer(feed.id)]).run()
            return true
        }
    }

    public func feeds() throws -> [FeedRecord] {
        try feeds(where: "1", [])
    }

    public func feed(id: Int64) throws -> FeedRecord? {
        try feeds(where: "id = ?1", [.integer(id)]).first
    }

    private func feeds(where condition: String, _ values: [Statement.Value]) throws -> [FeedRecord] {
        let statement = try database.prepare(
            """
            SELECT id, url, title, site_url, added_at, is_enabled, disabled_reason, interval_seconds, etag, last_modified,
                   last_fetch_at, last_success_at, last_status, last_error, consecutive_failures, next_fetch_at
            FROM feeds WHERE \(condition) ORDER BY id
            """
        ).bind(values)
        var result: [FeedRecord] = []
        while try statement.next() {
            result.append(
                FeedRecord(
                    id: statement.integer(0) ?? 0, url: statement.text(1) ?? "", title: statement.text(2), siteURL: statement.text(3),
                    addedAt: Timestamp(secondsSince1970: statement.integer(4) ?? 0), isEnabled: statement.integer(5) == 1,
                    disabledReason: statement.text(6), intervalSeconds: statement.integer(7).map(Int.init), etag: statement.text(8),
                    lastModified: statement.text(9), lastFetchAt: statement.integer(10).map(Timestamp.init),
                    lastSuccessAt: statement.integer(11).map(Timestamp.init), lastStatus: statement.integer(12).map(Int.init),
                    lastError: statement.text(13), consecutiveFailures: Int(statement.integer(14) ?? 0),
                    nextFetchAt: statement.integer(15).map(Timestamp.init)))
        }
        return result
    }

    // MARK: - Fetch results

    /// What `record(_:)` wrote.
    public struct SaveResult: Sendable, Equatable {
        public var newEntries: Int
        public var updatedEntries: Int
    }

    /// Writes one fetch: the feed's state, its new and changed entries and a log line, all in
    /// one transaction. Entries already stored are updated only when their content changed;
    /// entries with a tombstone are skipped.
    @discardableResult
    public func record(_ outcome: FetchOutcome) throws -> SaveResult {
        try database.transaction { try fetchWriter().write(outcome) }
    }

    /// Writes several fetches in one transaction, each as `record(_:)` would: all of them or
    /// (on a crash) none. A commit costs about as much as a feed's rows (every index's last
    /// page goes to the WAL again), so when results wait to be stored, one commit for all of
    /// them lets the store catch up. When the batch fails, each fetch is written on its own,
    /// so one bad fetch costs the others nothing, and the first error is thrown after all.
    public func record(_ outcomes: [FetchOutcome]) throws -> [SaveResult] {
        guard outcomes.count > 1 else { return try outcomes.map { try record($0) } }
        do {
            return try database.transaction {
                let writer = try fetchWriter()
                return try outcomes.map { try writer.write($0) }
            }
        } catch {
            var saved: [SaveResult] = []
            var firstError: (any Error)?
            for outcome in outcomes {
                do {
                    saved.append(try record(outcome))
                } catch {
                    firstError = firstError ?? error
                }
            }
            if let firstError { throw firstError }
            return saved
        }
    }

    // MARK: - Entries

    /// Entries first seen at or after `since` (all when nil), of one feed or all, oldest first.
    public func entries(since: Timestamp? = nil, feedID: Int64? = nil) throws -> [StoredEntry] {
        try entries(
            where: "first_seen_at >= ?1 AND (?2 IS NULL OR feed_id = ?2)",
            [.integer(since?.secondsSince1970 ?? Int64.min), Statement.Value(feedID)])
    }

    /// Entries that have not been tagged yet, in the order they were stored, at most `limit` of
    /// them (read through the index of untagged entries: no scan of the table however large it is).
    public func untaggedEntries(limit: Int = .max) throws -> [StoredEntry] {
        try entries(where: "tag IS NULL", [], order: "id", limit: limit)
    }

    func entries(where condition: String, _ values: [Statement.Value], order: String = "first_seen_at, id", limit: Int = .max) throws -> [StoredEntry]
    {
        let statement = try database.prepare(
            """
            SELECT id, feed_id, entry_key, first_seen_at, entry_json, tag, tag_models, tag_reason FROM entries
            WHERE \(condition) ORDER BY \(order) LIMIT \(limit == .max ? -1 : limit)
            """
        ).bind(values)
        let decoder = JSONDecoder()
        var result: [StoredEntry] = []
        while try statement.next() {
            let entry = try decoder.decode(Entry.self, from: Data((statement.text(4) ?? "{}").utf8))
            var tag: StoredTag?
            if let label = statement.text(5) {
                let models = try decoder.decode([StoredTag.Model].self, from: Data((statement.text(6) ?? "[]").utf8))
                tag = StoredTag(label: label, models: models, reason: statement.text(7) ?? "")
            }
            result.append(
                StoredEntry(
                    id: statement.integer(0) ?? 0, feedID: statement.integer(1) ?? 0, key: statement.text(2) ?? "",
                    firstSeenAt: Timestamp(secondsSince1970: statement.integer(3) ?? 0), entry: entry, tag: tag))
        }
        return result
    }

    /// Writes tags for entries by id, all in one transaction; returns how many tags changed.
    @discardableResult
    public func setTags(_ tags: [(entryID: Int64, tag: StoredTag)]) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try database.transaction {
            let update = try database.prepare(
                """
                UPDATE entries SET tag = ?2, tag_models = ?3, tag_reason = ?4
                WHERE id = ?1 AND (tag IS NOT ?2 OR tag_models IS NOT ?3 OR tag_reason IS NOT ?4)
                """)
            var changed = 0
            for (entryID, tag) in tags {
                let models = String(decoding: try encoder.encode(tag.models), as: UTF8.self)
                try update.bind([.integer(entryID), .text(tag.label), .text(models), .text(tag.reason)]).run()
                changed += database.changes
            }
            return changed
        }
    }

    /// Deletes entries first seen before `cutoff`, leaving a tombstone for each so that a feed
    /// still listing them never brings them back; returns how many were purged.
    @discardableResult
    public func purge(firstSeenBefore cutoff: Timestamp, at time: Timestamp) throws -> Int {
        try database.transaction {
            try database.prepare(
                "INSERT OR IGNORE INTO tombstones (feed_id, entry_key, purged_at) SELECT feed_id, entry_key, ?2 FROM entries WHERE first_seen_at < ?1"
            ).bind([.integer(cutoff.secondsSince1970), .integer(time.secondsSince1970)]).run()
            try database.prepare("DELETE FROM entries WHERE first_seen_at < ?1").bind([.integer(cutoff.secondsSince1970)]).run()
            return database.changes
        }
    }

    /// Deletes the fetch log's rows of fetches before `cutoff`; returns how many.
    public func purgeFetchLog(before cutoff: Timestamp) throws -> Int {
        try database.prepare("DELETE FROM fetch_log WHERE fetched_at < ?1").bind([.integer(cutoff.secondsSince1970)]).run()
        return database.changes
    }

    /// SQLite's own check of the file; "ok" when consistent.
    public func integrityCheck() throws -> String {
        let statement = try database.prepare("PRAGMA integrity_check")
        return try statement.next() ? statement.text(0) ?? "" : ""
    }
}

extension Store {
    /// A writer of fetches for the transaction the caller holds.
    private func fetchWriter() throws -> FetchWriter {
        let statements = try fetchStatements ?? FetchStatements(database)
        fetchStatements = statements
        return try FetchWriter(statements)
    }

    /// The statements that write fetches, prepared once for the store's connection: seven
    /// statements prepared per feed were 3.6% of a first fetch cycle's CPU.
    fileprivate final class FetchStatements {
        let database: Database
        let existing: Statement
        let anyTombstones: Statement
        let tombstoned: Statement
        let insert: Statement
        let update: Statement
        let feedState: Statement
        let log: Statement

        init(_ database: Database) throws {
            self.database = database
            existing = try database.prepare("SELECT content_hash FROM entries WHERE feed_id = ?1 AND entry_key = ?2")
            anyTombstones = try database.prepare("SELECT EXISTS (SELECT 1 FROM tombstones)")
            tombstoned = try database.prepare("SELECT 1 FROM tombstones WHERE feed_id = ?1 AND entry_key = ?2")
            // One row of VALUES: an INSERT … SELECT would keep a statement journal of every page
            // it changes (ten times the writes in the fetch benchmark).
            insert = try database.prepare(
                """
                INSERT INTO entries (feed_id, entry_key, guid, link, title, published_at, updated_at, first_seen_at, content_hash, entry_json,
                    tag, tag_models, tag_reason)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                ON CONFLICT (feed_id, entry_key) DO NOTHING
                """)
            update = try database.prepare(
                """
                UPDATE entries SET link = ?3, title = ?4, published_at = ?5, updated_at = ?6, content_hash = ?7, entry_json = ?8,
                    tag = ?9, tag_models = ?10, tag_reason = ?11
                WHERE feed_id = ?1 AND entry_key = ?2
                """)
            // The feed's state and, from a fetched feed, its title and site: one update of its row.
            feedState = try database.prepare(
                """
                UPDATE feeds SET
                    title = COALESCE(?11, title), site_url = COALESCE(?12, site_url),
                    last_fetch_at = ?2, last_status = ?3,
                    etag = CASE WHEN ?4 THEN ?5 ELSE etag END,
                    last_modified = CASE WHEN ?4 THEN ?6 ELSE last_modified END,
                    last_success_at = CASE WHEN ?4 THEN ?2 ELSE last_success_at END,
                    last_error = ?7,
                    consecutive_failures = CASE WHEN ?4 THEN 0 ELSE consecutive_failures + 1 END,
                    next_fetch_at = ?8,
                    url = CASE WHEN ?9 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?9) THEN ?9 ELSE url END,
                    is_enabled = CASE WHEN ?10 IS NULL THEN is_enabled ELSE 0 END,
                    disabled_reason = COALESCE(?10, disabled_reason)
                WHERE id = ?1
                """)
            log = try database.prepare(
                "INSERT INTO fetch_log (feed_id, fetched_at, status, outcome, new_entries, updated_entries, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            )
        }
    }

    /// Writes fetches inside a transaction the caller holds.
    fileprivate struct FetchWriter {
        private let statements: FetchStatements
        /// Whether any feed has a tombstone, asked once a transaction: a store has none until its
        /// first purge, and until then no key needs looking up.
        private let storeHasTombstones: Bool

        init(_ statements: FetchStatements) throws {
            self.statements = statements
            let anyTombstones = try statements.anyTombstones.bind([])
            storeHasTombstones = try anyTombstones.next() && anyTombstones.integer(0) != 0
            anyTombstones.reset()
        }

        func write(_ outcome: FetchOutcome) throws -> SaveResult {
            var saved = SaveResult(newEntries: 0, updatedEntries: 0)
            if let feed = outcome.feed {
                saved = try store(outcome.prepared ?? feed.entries.map { PreparedEntry($0) }, feedID: outcome.feedID, at: outcome.fetchedAt)
            }
            let succeeded = outcome.error == nil
            try statements.feedState.run([
                .integer(outcome.feedID), .integer(outcome.fetchedAt.secondsSince1970), Statement.Value(outcome.status.map(Int64.init)),
                .integer(succeeded ? 1 : 0), Statement.Value(outcome.etag), Statement.Value(outcome.lastModified),
                Statement.Value(outcome.error), Statement.Value(outcome.nextFetchAt?.secondsSince1970),
                Statement.Value(outcome.movedTo), Statement.Value(outcome.disableReason),
                Statement.Value(outcome.feed?.feed.title), Statement.Value(outcome.feed?.feed.link),
            ])
            let result = succeeded ? (outcome.feed == nil ? "not-modified" : "ok") : "error"
            try statements.log.run([
                .integer(outcome.feedID), .integer(outcome.fetchedAt.secondsSince1970), Statement.Value(outcome.status.map(Int64.init)),
                .text(result), .integer(Int64(saved.newEntries)), .integer(Int64(saved.updatedEntries)), Statement.Value(outcome.error),
            ])
            return saved
        }

        private func store(_ entries: [PreparedEntry], feedID: Int64, at time: Timestamp) throws -> SaveResult {
            var result = SaveResult(newEntries: 0, updatedEntries: 0)
            var seen = Set<String>()
            // Each field is read in place: a copy of an entry would retain and release every
            // one of its strings, on the one thread that writes.
            for index in entries.indices {
                let key = entries[index].key
                // A feed that repeats an item keeps its first copy.
                guard seen.insert(key).inserted else { continue }
                // Prepared without JSON: the store had it as it is when the fetch was prepared.
                guard let json = entries[index].json else { continue }
                // A purged entry leaves no row but a tombstone, and never comes back.
                if storeHasTombstones {
                    let isTombstoned = try statements.tombstoned.bind([.integer(feedID), .text(key)]).next()
                    statements.tombstoned.reset()
                    if isTombstoned { continue }
                }
                let hash = entries[index].hash
                let link = Statement.Value(entries[index].entry.link)
                let title = Statement.Value(entries[index].entry.title)
                let published = Statement.Value(entries[index].entry.published?.secondsSince1970)
                let updated = Statement.Value(entries[index].entry.updated?.secondsSince1970)
                let label = Statement.Value(entries[index].tag?.label)
                let models = Statement.Value(entries[index].tag == nil ? nil : entries[index].tagModelsJSON ?? "[]")
                let reason = Statement.Value(entries[index].tag?.reason)
                // Most entries that reach here are new: one statement inserts them, and only one
                // already stored costs a lookup.
                try statements.insert.run([
                    .integer(feedID), .text(key), Statement.Value(entries[index].entry.id), link, title, published, updated,
                    .integer(time.secondsSince1970), .text(hash), .utf8(json), label, models, reason,
                ])
                if statements.database.changes > 0 {
                    result.newEntries += 1
                    continue
                }
                let stored = try statements.existing.bind([.integer(feedID), .text(key)]).next() ? statements.existing.text(0) : nil
                statements.existing.reset()
                guard let stored, !EntryIdentity.storedHash(stored, matches: entries[index].entry, hash: hash) else { continue }
                try statements.update.run([
                    .integer(feedID), .text(key), link, title, published, updated, .text(hash), .utf8(json), label, models, reason,
                ])
                result.updatedEntries += 1
            }
            return result
        }
    }
}
