import AINewsCore
import Testing

@testable import AINewsSchedule

/// A repeatable generator, so jitter is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

@Suite struct FeedSchedulerTests {
    let now = Timestamp(secondsSince1970: 1_790_000_000)
    var exact: FeedScheduler {
        var configuration = FeedScheduler.Configuration()
        configuration.jitterFraction = 0
        return FeedScheduler(configuration: configuration)
    }
    var random = SeededGenerator(state: 42)

    func wait(_ decision: FeedScheduler.Decision) -> Int64? {
        decision.nextFetchAt.map { $0.secondsSince1970 - now.secondsSince1970 }
    }

    @Test mutating func successUsesTheIntervalAndResetsFailures() {
        let decision = exact.next(after: .success(ttlMinutes: nil, maxAgeSeconds: nil), for: .init(consecutiveFailures: 3), at: now, using: &random)
        #expect(wait(decision) == 1800)
        #expect(decision.consecutiveFailures == 0)
        #expect(
            wait(exact.next(after: .success(ttlMinutes: nil, maxAgeSeconds: nil), for: .init(intervalSeconds: 600), at: now, using: &random)) == 600)
        #expect(
            wait(exact.next(after: .success(ttlMinutes: nil, maxAgeSeconds: nil), for: .init(intervalSeconds: 10), at: now, using: &random)) == 300,
            "never more often than the minimum")
    }

    @Test mutating func ttlAndMaxAgeStretchTheIntervalButNotPastADay() {
        #expect(wait(exact.next(after: .success(ttlMinutes: 120, maxAgeSeconds: nil), for: .init(), at: now, using: &random)) == 7200)
        #expect(wait(exact.next(after: .success(ttlMinutes: 5, maxAgeSeconds: 3600), for: .init(), at: now, using: &random)) == 3600)
        #expect(
            wait(exact.next(after: .success(ttlMinutes: 10, maxAgeSeconds: nil), for: .init(), at: now, using: &random)) == 1800,
            "a short ttl does not make us poll faster")
        #expect(wait(exact.next(after: .success(ttlMinutes: 100_000, maxAgeSeconds: nil), for: .init(), at: now, using: &random)) == 86_400)
    }

    @Test mutating func failuresBackOffExponentiallyWithACapAndNeverGiveUp() {
        var failures = 0
        var waits: [Int64] = []
        for _ in 0..<8 {
            let decision = exact.next(after: .failure, for: .init(consecutiveFailures: failures), at: now, using: &random)
            waits.append(wait(decision)!)
            failures = decision.consecutiveFailures
            #expect(decision.disableReason == nil)
        }
        #expect(waits == [3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400, 86_400])
        #expect(failures == 8)
    }

    @Test mutating func retryAfterIsHonoured() {
        let decision = exact.next(after: .throttled(retryAt: now + 7200), for: .init(), at: now, using: &random)
        #expect(wait(decision) == 7200)
        #expect(decision.consecutiveFailures == 1)
        #expect(wait(exact.next(after: .throttled(retryAt: now + 5), for: .init(), at: now, using: &random)) == 300, "not sooner than the minimum")
        #expect(wait(exact.next(after: .throttled(retryAt: now + 90 * 86_400), for: .init(), at: now, using: &random)) == Int64(7 * 86_400))
        #expect(wait(exact.next(after: .throttled(retryAt: nil), for: .init(), at: now, using: &random)) == 3600, "without a date: backoff")
    }

    @Test mutating func goneDisables() {
        let decision = exact.next(after: .gone, for: .init(), at: now, using: &random)
        #expect(decision.nextFetchAt == nil)
        #expect(decision.disableReason?.contains("410") == true)
    }

    @Test mutating func jitterSpreadsFeedsWithinTenPercent() {
        let scheduler = FeedScheduler()
        let waits = (0..<200).map { _ in
            wait(scheduler.next(after: .success(ttlMinutes: nil, maxAgeSeconds: nil), for: .init(), at: now, using: &random))!
        }
        #expect(waits.allSatisfy { (1620...1980).contains($0) })
        #expect(Set(waits).count > 50, "feeds do not all fire at once")
    }

    @Test func dueFeedsMostOverdueFirst() {
        let feeds: [(id: Int, nextFetchAt: Timestamp?)] = [(1, now + 60), (2, now + -600), (3, nil), (4, now), (5, now + -60)]
        #expect(FeedScheduler.due(feeds, at: now) == [3, 2, 5, 4])
    }
}
