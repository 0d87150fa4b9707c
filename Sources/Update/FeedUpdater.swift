import AINewsCore
import AINewsFetch
import AINewsParse
import AINewsSchedule
import AINewsStore
import AINewsTag
import FoundationEssentials

/// One cycle of the daemon's work, in the order of the data flow: fetch the due feeds (many at
/// once, each body streamed into its own parser), tag and encode each feed's new or changed
/// entries on its own task (`StoredEntries` tells which), store the results with their next fetch
/// times, those that arrived together in one transaction.
///
/// Transfers and parsing run on the `Fetcher`'s thread, tagging and encoding on the feeds' tasks
/// (in parallel), and store writes one at a time on the `ResultWriter`'s thread, so one SQLite
/// connection serves the whole cycle and no write holds up the next transfers.
public struct FeedUpdater: Sendable {
    public struct Configuration: Sendable {
        public var scheduler = FeedScheduler.Configuration()
        public var maxBodyBytes = 16 << 20
        public var connectTimeoutSeconds = 10
        public var totalTimeoutSeconds = 60
        public var userAgent = FetchRequest.defaultUserAgent
        /// Redirects followed per fetch (permanent ones move the feed).
        public var maxRedirects = 5
        /// Feeds being fetched or waiting to be stored at once; more stay queued.
        public var maxFeedsInFlight = 64

        public init() {}
    }

    /// What one feed's fetch came to, for logs and `ainews fetch`.
    public struct Report: Sendable, Equatable {
        public var url: String
        public var status: Int?
        public var newEntries: Int
        public var updatedEntries: Int
        public var error: String?
        public var nextFetchAt: Timestamp?
    }

    let configuration: Configuration
    let fetcher: Fetcher
    let scheduler: FeedScheduler

    public init(configuration: Configuration = Configuration(), fetcher: Fetcher) {
        self.configuration = configuration
        self.fetcher = fetcher
        scheduler = FeedScheduler(configuration: configuration.scheduler)
    }

    /// Fetches `feeds`, records every result with `now` as the fetch time, and tags new entries;
    /// `progress` hears of each stored result (done, total), from the store's writer thread.
    public func update(
        _ feeds: [FeedRecord], store: Store, tagger: Tagger?, at now: Timestamp, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [Report] {
        let writer = ResultWriter(store: store, total: feeds.count, progress: progress)
        // Without it every fetched entry is tagged and encoded, as for a feed with none stored.
        let stored = try? store.storedEntries()
        do {
            try await fetchAll(feeds, tagger: tagger, stored: stored, at: now, into: writer)
        } catch {
            // The writer lets go of the store before the error reaches the caller.
            _ = try? await writer.finish()
            throw error
        }
        let reports = try await writer.finish()
        if let tagger { try Self.tagUntagged(store: store, tagger: tagger) }
        return reports.sorted { $0.url < $1.url }
    }

    /// Fetches `feeds` and hands each result to `writer` as it comes.
    private func fetchAll(
        _ feeds: [FeedRecord], tagger: Tagger?, stored: StoredEntries?, at now: Timestamp, into writer: ResultWriter
    ) async throws {
        var random = SystemRandomNumberGenerator()
        try await withThrowingTaskGroup(of: (FeedRecord, Attempt).self) { group in
            // At most `maxFeedsInFlight` feeds are fetched at once and at most half as many wait to
            // be stored: memory stays bounded however many feeds there are, and storing, on the
            // writer's thread, overlaps the transfers.
            var pending = feeds[...]
            func startNext() {
                guard let feed = pending.popFirst() else { return }
                group.addTask { (feed, await attempt(feed, tagger: tagger, stored: stored, at: now)) }
            }
            for _ in 0..<configuration.maxFeedsInFlight { startNext() }
            while let (feed, attempt) = try await group.next() {
                writer.submit(result(of: attempt, for: feed, at: now, using: &random))
                try await writer.waitForRoom(below: max(1, configuration.maxFeedsInFlight / 2))
                startNext()
            }
        }
    }

    /// The row to store for one fetch, with its next fetch time.
    private func result(
        of attempt: Attempt, for feed: FeedRecord, at now: Timestamp, using random: inout some RandomNumberGenerator
    ) -> ResultWriter.Result {
        let state = FeedScheduler.FeedState(intervalSeconds: feed.intervalSeconds.map(Int64.init), consecutiveFailures: feed.consecutiveFailures)
        let decision = scheduler.next(after: attempt.scheduling, for: state, at: now, using: &random)
        var outcome = FetchOutcome(
            feedID: feed.id, fetchedAt: now, status: attempt.response?.status, feed: attempt.feed,
            etag: attempt.response?.etag ?? feed.etag, lastModified: attempt.response?.lastModified ?? feed.lastModified,
            movedTo: attempt.movedTo, error: attempt.error, nextFetchAt: decision.nextFetchAt, disableReason: decision.disableReason)
        outcome.prepared = attempt.prepared
        return ResultWriter.Result(outcome: outcome, url: attempt.movedTo ?? feed.url)
    }

    /// Tags every entry that has no tag yet, a batch at a time to bound memory.
    public static func tagUntagged(store: Store, tagger: Tagger, batchSize: Int = 500) throws {
        while true {
            let batch = try store.untaggedEntries(limit: batchSize)
            guard !batch.isEmpty else { return }
            try store.setTags(batch.map { (entryID: $0.id, tag: StoredTag(tagger.tag($0.entry))) })
            if batch.count < batchSize { return }
        }
    }

    // MARK: - One feed

    /// How one fetch went, before it is stored.
    struct Attempt: Sendable {
        var response: FetchResponse?
        var feed: ParsedFeed?
        var error: String?
        var movedTo: String?
        var scheduling: FeedScheduler.Outcome
        /// The feed's entries tagged and encoded for the store, made on this feed's own task.
        var prepared: [PreparedEntry]?
    }

    private func attempt(_ feed: FeedRecord, tagger: Tagger?, stored: StoredEntries?, at now: Timestamp) async -> Attempt {
        var url = feed.url
        var movedTo: String?
        var isPermanentSoFar = true
        for _ in 0...configuration.maxRedirects {
            var request = FetchRequest(
                url: url, maxBodyBytes: configuration.maxBodyBytes, connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                totalTimeoutSeconds: configuration.totalTimeoutSeconds, userAgent: configuration.userAgent,
                etag: url == feed.url ? feed.etag : nil, lastModified: url == feed.url ? feed.lastModified : nil)
            request.followsRedirects = false
            let reader = BodyReader()
            let response: FetchResponse
            do {
                response = try await fetcher.fetch(request) { chunk, head in try reader.read(chunk, head) }
            } catch {
                return Attempt(error: String(describing: error), movedTo: movedTo, scheduling: .failure)
            }
            switch response.status {
            case 301, 302, 303, 307, 308:
                guard let target = response.redirectURL else {
                    return Attempt(response: response, error: "HTTP \(response.status) without a Location", scheduling: .failure)
                }
                // Only a chain of permanent redirects moves the feed (302 and 307 do not).
                isPermanentSoFar = isPermanentSoFar && (response.status == 301 || response.status == 308)
                if isPermanentSoFar { movedTo = target }
                url = target
                continue
            case 200..<300:
                do {
                    var parsed = try reader.finish()
                    let keys = EntryIdentity.keys(of: parsed.entries)
                    // A feed that never answered has nothing stored to compare with.
                    let storedHashes = feed.lastSuccessAt == nil ? [:] : (try? stored?.hashes(feedID: feed.id, keys: keys)) ?? [:]
                    let prepared = Self.prepare(&parsed.entries, keys: keys, storedHashes: storedHashes, tagger: tagger)
                    return Attempt(
                        response: response, feed: parsed, movedTo: movedTo,
                        scheduling: .success(ttlMinutes: parsed.feed.ttl, maxAgeSeconds: response.maxAgeSeconds), prepared: prepared)
                } catch {
                    return Attempt(response: response, error: String(describing: error), movedTo: movedTo, scheduling: .failure)
                }
            case 304:
                return Attempt(response: response, movedTo: movedTo, scheduling: .success(ttlMinutes: nil, maxAgeSeconds: response.maxAgeSeconds))
            case 410:
                return Attempt(response: response, error: "HTTP 410 Gone", movedTo: movedTo, scheduling: .gone)
            case 429, 503:
                let retryAt = response.retryAfter.flatMap { Self.retryAt($0, now: now) }
                return Attempt(response: response, error: "HTTP \(response.status)", movedTo: movedTo, scheduling: .throttled(retryAt: retryAt))
            default:
                return Attempt(response: response, error: "HTTP \(response.status)", movedTo: movedTo, scheduling: .failure)
            }
        }
        return Attempt(error: "more than \(configuration.maxRedirects) redirects", movedTo: nil, scheduling: .failure)
    }

    /// A fetched feed's entries made ready for the store (`PreparedEntry`), moved out of
    /// `entries`, which ends empty: a copy of each entry retained every one of its strings, and
    /// both copies were released in the end.
    static func prepare(_ entries: inout [Entry], keys: [String], storedHashes: [String: String], tagger: Tagger?) -> [PreparedEntry] {
        precondition(entries.count == keys.count, "a key for every entry")
        let count = entries.count
        return [PreparedEntry](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Taken from the end, where removing an element moves it out, and written in place.
            for index in stride(from: count - 1, through: 0, by: -1) {
                let prepared = PreparedEntry(entries.removeLast(), key: keys[index], storedHashes: storedHashes) { entry in
                    guard let tagger else { return nil }
                    return StoredTag(tagger.tag(entry))
                }
                (buffer.baseAddress! + index).initialize(to: prepared)
            }
            initialized = count
        }
    }

    /// Retry-After as seconds or as an HTTP date.
    static func retryAt(_ value: String, now: Timestamp) -> Timestamp? {
        if let seconds = Int64(value.trimmingSpacesAndTabs()) {
            return Timestamp(secondsSince1970: now.secondsSince1970 + max(0, seconds))
        }
        return DateParser.parse(value)?.timestamp
    }
}

/// Streams a response body into a feed parser made when the first bytes arrive, once the final
/// URL and Content-Type are known. `@unchecked Sendable`: used by the fetch thread while the
/// transfer runs, then by the awaiting task after it ended, never both.
final class BodyReader: @unchecked Sendable {
    private var parser: FeedParser?
    private var baseURL: String?
    /// The first bytes, kept to find the feeds a page advertises when the body is HTML; no
    /// longer once the body shows a feed's root element, which is nearly always in its first chunk.
    private var prefix: [UInt8] = []
    private var keepsPrefix = true
    static let prefixLimit = 256 * 1024

    func read(_ chunk: UnsafeRawBufferPointer, _ head: ResponseHead) throws {
        guard (200..<300).contains(head.status) else { return }
        if keepsPrefix, prefix.count < Self.prefixLimit { prefix.append(contentsOf: chunk.prefix(Self.prefixLimit - prefix.count)) }
        if parser == nil {
            baseURL = head.effectiveURL
            var configuration = FeedParser.Configuration()
            configuration.baseURL = head.effectiveURL
            configuration.contentType = head.contentType
            parser = FeedParser(configuration: configuration)
        }
        do {
            try parser?.append(chunk)
        } catch {
            // A page long enough to be found out before its end stops the transfer here.
            throw naming(error)
        }
        if keepsPrefix, parser?.hasFeedRoot == true {
            keepsPrefix = false
            prefix = []
        }
    }

    /// The parsed feed; for an HTML page, an error that names the feeds the page advertises.
    func finish() throws -> ParsedFeed {
        guard let parser else { throw FeedParseError.empty }
        do {
            return try parser.finish()
        } catch {
            throw naming(error)
        }
    }

    /// `error`, naming the feeds the page advertises when the body is an HTML page.
    private func naming(_ error: any Error) -> any Error {
        guard case FeedParseError.notAFeed(let reason) = error, reason.contains("HTML") else { return error }
        let links = FeedDiscovery.alternateLinks(inHTML: prefix, base: baseURL)
        guard !links.isEmpty else { return error }
        return FeedParseError.notAFeed("\(reason); the page advertises \(links.joined(separator: ", "))")
    }
}
