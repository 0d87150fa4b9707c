import CSQLite
import Dispatch
import Synchronization

/// Copies the write-ahead log back into the database file on a queue and connection of its own,
/// so the daemon's writer never waits for the disk.
///
/// SQLite's own automatic checkpoint runs inside the commit that crosses its threshold and ends
/// with two `fdatasync` calls; the daemon's writer then stops for the disk while the feeds
/// fetched meanwhile wait to be stored (the fetch benchmark's first cycle made 262 such calls,
/// 0.64 s inside `fdatasync` under strace). Here the writer's commits only report the log's
/// size; once `pagesPerCheckpoint` new pages are in it, a passive checkpoint (which never blocks
/// a writer or a reader) runs on the queue. The log starts again from its beginning only when a
/// checkpoint has copied all of it before the next write, which a busy writer rarely leaves time
/// for: past `hardLimitPages` the writer checkpoints itself, which bounds the log, and once the
/// writer pauses `truncateLog()` empties it. Crash safety is SQLite's either way: a checkpoint
/// only copies committed pages.
final class BackgroundCheckpointer: @unchecked Sendable {
    // `@unchecked Sendable`: `connection` is used only on `queue`; the rest is immutable or atomic.
    private let connection: Database
    private let queue = DispatchQueue(label: "ainews.checkpoint")
    private let isScheduled = Atomic<Bool>(false)
    /// The log's pages that the last checkpoint copied: the next one waits for as many new ones
    /// again, rather than running (and syncing twice) after every commit.
    private let copiedPages = Atomic<Int32>(0)
    let pagesPerCheckpoint: Int32
    let hardLimitPages: Int32

    init(path: String, pagesPerCheckpoint: Int32) throws(StoreError) {
        // A truncating checkpoint holds the write lock while it waits for readers: it gives up
        // soon rather than keep the daemon's next write waiting.
        connection = try Database(path: path, busyTimeoutMilliseconds: 100)
        self.pagesPerCheckpoint = pagesPerCheckpoint
        hardLimitPages = pagesPerCheckpoint * 8
    }

    /// Makes `writer`'s commits report to this checkpointer instead of checkpointing themselves.
    /// The checkpointer must outlive the hook: `detach(from:)` before it goes.
    func attach(to writer: Database) {
        writer.setWALHook(context: Unmanaged.passUnretained(self).toOpaque()) { context, handle, _, pages in
            guard let context, let handle else { return SQLITE_OK }
            Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue().logGrew(to: pages, writer: handle)
            return SQLITE_OK
        }
    }

    /// Stops reports from `writer` and waits for a checkpoint under way.
    func detach(from writer: Database) {
        writer.setWALHook(context: nil, nil)
        waitUntilIdle()
    }

    /// Copies the whole log and empties its file, on the queue: for when the writer has paused,
    /// so a burst's log does not keep its disk space until the next one.
    func truncateLog() {
        queue.async { [self] in
            connection.checkpoint(SQLITE_CHECKPOINT_TRUNCATE)
            copiedPages.store(0, ordering: .relaxed)
        }
    }

    /// Returns once no checkpoint is queued or running.
    func waitUntilIdle() {
        queue.sync {}
    }

    private func logGrew(to pages: Int32, writer: OpaquePointer) {
        if pages >= hardLimitPages {
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        // Fewer pages than were copied: the log has started again from its beginning.
        let copied = copiedPages.load(ordering: .relaxed)
        let newPages = pages >= copied ? pages - copied : pages
        guard newPages >= pagesPerCheckpoint, !isScheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            // A busy result (another process checkpointing) is retried after a later commit.
            var result = connection.checkpoint(SQLITE_CHECKPOINT_PASSIVE)
            // Commits that came while this one was waiting or running found it scheduled and
            // asked for nothing: when they added another batch, copy it now rather than after
            // the next commit, which may never come.
            while result.logPages - result.copiedPages >= pagesPerCheckpoint {
                let next = connection.checkpoint(SQLITE_CHECKPOINT_PASSIVE)
                guard next.copiedPages > result.copiedPages else { break }
                result = next
            }
            copiedPages.store(result.copiedPages, ordering: .relaxed)
            isScheduled.store(false, ordering: .releasing)
        }
    }
}
