import AINewsCore
import AINewsService
import AINewsStore
import AINewsSummarise
import AINewsTag
import AINewsUpdate
import Foundation

/// Builds a period's digest from the store and saves it: tags what is untagged, reads the
/// period's entries and the week before's counts, builds, stores a revision.
public struct DigestPipeline {
    public var store: Store
    public var settings: Settings
    public var tagger: Tagger

    public init(store: Store, settings: Settings, tagger: Tagger) {
        self.store = store
        self.settings = settings
        self.tagger = tagger
    }

    public struct Result {
        public var digest: Digest
        public var stored: StoredDigest
        public var isNew: Bool
        /// Why the summary endpoint gave no usable answer, one line per story it failed for.
        public var summaryFailures: [String] = []
    }

    public func build(period: Period, at now: Timestamp) throws -> Result {
        try FeedUpdater.tagUntagged(store: store, tagger: tagger)
        let feeds = Dictionary(try store.feeds().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let items = try store.entries(datedFrom: period.start, to: period.end).map { stored in
            let feed = feeds[stored.feedID]
            return DigestItem(
                stored: stored, feedTitle: feed?.title ?? feed.map { host(of: $0.url) } ?? "unknown feed",
                feedWeight: feed.map { settings.sourceWeight(url: $0.siteURL ?? $0.url) } ?? 1)
        }
        let previous = period.previous
        var builder = DigestBuilder()
        builder.maxStoriesPerSection = settings.digestMaxStories
        var failures: [String] = []
        let abstract = abstractSummaries(at: now) { failures.append($0) }
        let digest = builder.build(
            period: period, items: items, previous: try store.tagCounts(datedFrom: previous.start, to: previous.end), abstract: abstract)
        let saved = try store.saveDigest(
            period: period.name, start: period.start, end: period.end, content: try DigestCoding.encode(digest), builtAt: now)
        return Result(digest: digest, stored: saved.digest, isNew: saved.isNew, summaryFailures: failures)
    }

    /// The summary endpoint behind the store's cache, when one is configured: a request asked
    /// before gets the same answer, so rebuilds stay the same.
    private func abstractSummaries(at now: Timestamp, failed: @escaping (String) -> Void) -> ((String, [ChatSummarizer.Source]) -> String?)? {
        guard let endpoint = settings.summaryEndpoint else { return nil }
        var summarizer = ChatSummarizer(
            endpoint: endpoint, model: settings.summaryModel, apiKey: ProcessInfo.processInfo.environment["AINEWS_SUMMARY_API_KEY"])
        summarizer.timeoutSeconds = settings.summaryTimeoutSeconds
        let store = self.store
        return { title, sources in
            let key = FNV1a.hex(summarizer.model + "\n" + summarizer.prompt(title: title, sources: sources))
            if let cached = try? store.cachedSummary(requestHash: key) { return cached }
            switch summarizer.summary(title: title, sources: sources) {
            case .success(let text):
                try? store.saveSummary(requestHash: key, model: summarizer.model, text: text, at: now)
                return text
            case .failure(let failure):
                failed("\(title): \(failure)")
                return nil
            }
        }
    }

    private func host(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        return String(url[schemeEnd.upperBound...].prefix { $0 != "/" })
    }
}
