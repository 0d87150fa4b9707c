import AINewsStore
import Dispatch
import Synchronization

/// Writes a cycle's fetch results to the store on a thread of its own, while the cycle goes on
/// starting transfers: a transaction takes milliseconds, and with the writes on the cycle's own
/// task no transfer started during them (fetch benchmark: half of the first cycle went by that
/// way, both cores idle a fifth of the time). Results that arrive while one batch is written are
/// written together, in the next transaction.
///
/// `@unchecked Sendable`: `store` is used only on `queue` until `finish()` has returned, and the
/// rest of the state is under `state`'s lock.
final class ResultWriter: @unchecked Sendable {
    /// One result waiting to be written, with the URL its report names (the feed's new one after
    /// a permanent redirect).
    struct Result {
        var outcome: FetchOutcome
        var url: String
    }

    private struct State {
        var pending: [Result] = []
        var isWriting = false
        var reports: [FeedUpdater.Report] = []
        var failure: (any Error)?
        /// Callers waiting for the pending results to be taken up (`waitForRoom`, `finish`).
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let store: Store
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?
    private let queue = DispatchQueue(label: "ainews-store-writer")
    private let state = Mutex(State())

    /// `total`, the number of results the cycle will submit, is what `progress` counts towards.
    init(store: Store, total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.store = store
        self.total = total
        self.progress = progress
    }

    /// Queues a result; it is written in the next transaction.
    func submit(_ result: Result) {
        let startsWriting = state.withLock { state in
            state.pending.append(result)
            defer { state.isWriting = true }
            return !state.isWriting
        }
        if startsWriting { queue.async { self.writeAll() } }
    }

    /// Returns once fewer than `limit` results wait to be written, so a store slower than the
    /// transfers holds back new ones instead of gathering parsed feeds in memory; throws the
    /// store's error once a write has failed.
    func waitForRoom(below limit: Int) async throws {
        precondition(limit > 0, "an empty queue must count as room")
        while true {
            let hasRoom = try state.withLock { state in
                if let failure = state.failure { throw failure }
                return state.pending.count < limit
            }
            if hasRoom { return }
            await waitForProgress()
        }
    }

    /// Waits until every submitted result is written; returns their reports or the first error.
    func finish() async throws -> [FeedUpdater.Report] {
        while true {
            let isDone = state.withLock { !$0.isWriting }
            if isDone { break }
            await waitForProgress()
        }
        return try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.reports
        }
    }

    /// Suspends until the writer next takes up the pending results, or at once when it is idle.
    private func waitForProgress() async {
        await withCheckedContinuation { continuation in
            let isWriting = state.withLock { state in
                if state.isWriting { state.waiting.append(continuation) }
                return state.isWriting
            }
            if !isWriting { continuation.resume() }
        }
    }

    /// On `queue`: writes what is pending, batch after batch, until nothing is. A batch that fails
    /// leaves its error for the cycle and the next batch is still written: each is a
    /// transaction of its own.
    private func writeAll() {
        while true {
            let (batch, waiting) = state.withLock { state in
                let taken = (state.pending, state.waiting)
                state.pending = []
                state.waiting = []
                if taken.0.isEmpty { state.isWriting = false }
                return taken
            }
            for continuation in waiting { continuation.resume() }
            guard !batch.isEmpty else { return }
            let reports: [FeedUpdater.Report]
            do {
                let saved = try store.record(batch.map(\.outcome))
                reports = zip(batch, saved).map { result, saved in
                    FeedUpdater.Report(
                        url: result.url, status: result.outcome.status, newEntries: saved.newEntries, updatedEntries: saved.updatedEntries,
                        error: result.outcome.error, nextFetchAt: result.outcome.nextFetchAt)
                }
            } catch {
                state.withLock { $0.failure = $0.failure ?? error }
                continue
            }
            // The batch's parsed feeds are let go on another thread: freeing their entries (a
            // dozen allocations each) was a tenth of this thread's time, and this thread is the
            // one stage of a cycle that runs alone. Consumed, so the closure holds the last
            // reference and the freeing happens there, not here when the closure ran first.
            DispatchQueue.global().async { [batch = consume batch] in withExtendedLifetime(batch) {} }
            let done = state.withLock { state in
                state.reports += reports
                return state.reports.count
            }
            progress?(done, total)
        }
    }
}
