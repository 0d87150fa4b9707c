import AINewsCore

/// When to fetch each feed next: a pure state machine with no clock and no I/O. The daemon
/// passes the time and what a fetch gave; the scheduler answers with the next fetch time (or
/// that the feed is gone), so every rule is testable with a fake clock.
///
/// The rules a polite feed reader keeps: a per-feed interval (30 minutes by default), never more
/// often than the feed's `<ttl>` or `Cache-Control: max-age` ask, jitter so feeds do not all fire
/// at once, `Retry-After` honoured on 429 and 503, exponential backoff with a cap on other
/// failures, and a feed is never abandoned for failing, only for 410 Gone.
///
/// ```swift
/// var random = SystemRandomNumberGenerator()
/// let decision = FeedScheduler().next(after: .success(ttlMinutes: 60, maxAgeSeconds: nil), for: feed, at: now, using: &random)
/// ```
public struct FeedScheduler: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// The interval for feeds without their own.
        public var defaultIntervalSeconds: Int64 = 30 * 60
        /// No feed is fetched more often than this, whatever it is configured to.
        public var minimumIntervalSeconds: Int64 = 5 * 60
        /// What a feed's ttl or max-age may stretch the interval to, at most.
        public var maximumIntervalSeconds: Int64 = 24 * 3600
        /// The first wait after a failure; it doubles with each further failure.
        public var firstBackoffSeconds: Int64 = 3600
        /// The longest wait after failures.
        public var maximumBackoffSeconds: Int64 = 24 * 3600
        /// The longest Retry-After honoured; a server asking for more is asked again then.
        public var maximumRetryAfterSeconds: Int64 = 7 * 24 * 3600
        /// Each wait is moved by up to this fraction, randomly, either way.
        public var jitterFraction: Double = 0.1

        public init() {}
    }

    /// What the scheduler needs to know of a feed.
    public struct FeedState: Sendable, Equatable {
        /// The feed's own interval, when it has one.
        public var intervalSeconds: Int64?
        /// Failures in a row before this fetch.
        public var consecutiveFailures: Int

        public init(intervalSeconds: Int64? = nil, consecutiveFailures: Int = 0) {
            self.intervalSeconds = intervalSeconds
            self.consecutiveFailures = consecutiveFailures
        }
    }

    /// How a fetch ended, as far as timing goes.
    public enum Outcome: Sendable, Equatable {
        /// 200 or 304, with what the feed and the response ask about caching.
        case success(ttlMinutes: Int?, maxAgeSeconds: Int64?)
        /// 429 or 503; `retryAt` is the parsed Retry-After, when there was one.
        case throttled(retryAt: Timestamp?)
        /// 410: the feed is gone for good.
        case gone
        /// Anything else: a network error, a timeout, a 404 or 500, a body that is no feed.
        case failure
    }

    public struct Decision: Sendable, Equatable {
        /// When to fetch next; nil when the feed is to be disabled.
        public var nextFetchAt: Timestamp?
        /// Failures in a row after this fetch.
        public var consecutiveFailures: Int
        /// Why the feed is disabled, when it is.
        public var disableReason: String?
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public func next(
        after outcome: Outcome, for feed: FeedState, at now: Timestamp, using random: inout some RandomNumberGenerator
    ) -> Decision {
        let interval = min(
            max(feed.intervalSeconds ?? configuration.defaultIntervalSeconds, configuration.minimumIntervalSeconds),
            configuration.maximumIntervalSeconds)
        switch outcome {
        case .success(let ttlMinutes, let maxAge):
            let asked = max(Int64(ttlMinutes ?? 0) * 60, maxAge ?? 0)
            let wait = max(interval, min(asked, configuration.maximumIntervalSeconds))
            return Decision(nextFetchAt: now + jittered(wait, using: &random), consecutiveFailures: 0, disableReason: nil)
        case .throttled(let retryAt):
            let failures = feed.consecutiveFailures + 1
            guard let retryAt else {
                return Decision(
                    nextFetchAt: now + jittered(backoff(failures: failures, interval: interval), using: &random), consecutiveFailures: failures)
            }
            // The server said when: not sooner, and not later than the cap.
            let wait = min(
                max(retryAt.secondsSince1970 - now.secondsSince1970, configuration.minimumIntervalSeconds), configuration.maximumRetryAfterSeconds)
            return Decision(nextFetchAt: now + wait, consecutiveFailures: failures)
        case .gone:
            return Decision(
                nextFetchAt: nil, consecutiveFailures: feed.consecutiveFailures + 1, disableReason: "the server says the feed is gone (HTTP 410)")
        case .failure:
            let failures = feed.consecutiveFailures + 1
            return Decision(
                nextFetchAt: now + jittered(backoff(failures: failures, interval: interval), using: &random), consecutiveFailures: failures)
        }
    }

    /// The wait after `failures` failures in a row: at least the interval and the first backoff,
    /// doubling, capped.
    func backoff(failures: Int, interval: Int64) -> Int64 {
        let base = max(interval, configuration.firstBackoffSeconds)
        let doublings = Int64(min(max(failures - 1, 0), 20))
        return min(base << doublings, configuration.maximumBackoffSeconds)
    }

    func jittered(_ seconds: Int64, using random: inout some RandomNumberGenerator) -> Int64 {
        let spread = Int64(Double(seconds) * configuration.jitterFraction)
        guard spread > 0 else { return seconds }
        return seconds + Int64.random(in: -spread...spread, using: &random)
    }

    /// The feeds due at `now`, most overdue first; feeds never fetched come first of all.
    public static func due<ID>(_ feeds: [(id: ID, nextFetchAt: Timestamp?)], at now: Timestamp) -> [ID] {
        feeds.filter { ($0.nextFetchAt ?? now) <= now }
            .sorted { ($0.nextFetchAt?.secondsSince1970 ?? .min) < ($1.nextFetchAt?.secondsSince1970 ?? .min) }
            .map(\.id)
    }
}

extension Timestamp {
    static func + (time: Timestamp, seconds: Int64) -> Timestamp {
        Timestamp(secondsSince1970: time.secondsSince1970 + seconds)
    }
}
