/// The store's schema as numbered migrations; `PRAGMA user_version` records how many ran. A
/// migration runs in the same transaction as its version bump, so a crash leaves either the old
/// schema or the new one.
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            site_url TEXT,
            added_at INTEGER NOT NULL,
            is_enabled INTEGER NOT NULL DEFAULT 1,
            disabled_reason TEXT,
            interval_seconds INTEGER,
            etag TEXT,
            last_modified TEXT,
            last_fetch_at INTEGER,
            last_success_at INTEGER,
            last_status INTEGER,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_fetch_at INTEGER
        );
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            entry_key TEXT NOT NULL,
            guid TEXT,
            link TEXT,
            title TEXT,
            published_at INTEGER,
            updated_at INTEGER,
            first_seen_at INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            entry_json TEXT NOT NULL,
            UNIQUE (feed_id, entry_key)
        );
        CREATE INDEX entries_by_first_seen ON entries (first_seen_at);
        CREATE TABLE tombstones (
            feed_id INTEGER NOT NULL,
            entry_key TEXT NOT NULL,
            purged_at INTEGER NOT NULL,
            PRIMARY KEY (feed_id, entry_key)
        ) WITHOUT ROWID;
        CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            fetched_at INTEGER NOT NULL,
            status INTEGER,
            outcome TEXT NOT NULL,
            new_entries INTEGER NOT NULL DEFAULT 0,
            updated_entries INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX fetch_log_by_feed ON fetch_log (feed_id, fetched_at);
        """,
        // The tag of each entry (open, closed, both, none), the models it names as JSON, and why.
        """
        ALTER TABLE entries ADD COLUMN tag TEXT;
        ALTER TABLE entries ADD COLUMN tag_models TEXT;
        ALTER TABLE entries ADD COLUMN tag_reason TEXT;
        CREATE INDEX entries_by_tag ON entries (tag);
        """,
        // Digests: every build of a period is a revision; a published revision is frozen by triggers.
        // Entries are found by their date (published, else updated, else first seen).
        """
        CREATE INDEX entries_by_date ON entries (coalesce(published_at, updated_at, first_seen_at));
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            revision INTEGER NOT NULL,
            period_start INTEGER NOT NULL,
            period_end INTEGER NOT NULL,
            built_at INTEGER NOT NULL,
            content TEXT NOT NULL,
            published_at INTEGER,
            UNIQUE (period, revision)
        );
        CREATE TRIGGER digests_published_never_change BEFORE UPDATE ON digests
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published digest revision is never changed'); END;
        CREATE TRIGGER digests_published_never_deleted BEFORE DELETE ON digests
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published digest revision is never deleted'); END;
        """,
        // The delivery log: one row per digest revision and recipient. 'sending' is written before
        // a message leaves and 'sent' as soon as the server accepted it.
        """
        CREATE TABLE deliveries (
            digest_id INTEGER NOT NULL REFERENCES digests(id),
            recipient TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
            message_id TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            permanent INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (digest_id, recipient)
        ) WITHOUT ROWID;
        """,
        // Abstractive summaries by the hash of their request, so a rebuild asks the endpoint once
        // and gives the same digest.
        """
        CREATE TABLE summaries (
            request_hash TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // Entries are found by the day of their date (`Store.datedInRange`), the exact date checked
        // on the rows found: a fetch's items land at the end of a few days' runs of the index,
        // where to the second they landed all over it and every commit wrote most of its pages
        // again (dropping it took 0.2–0.3 s off the fetch benchmark's first cycle).
        """
        DROP INDEX entries_by_date;
        CREATE INDEX entries_by_day ON entries (coalesce(published_at, updated_at, first_seen_at) / 86400);
        """,
        // Untagged entries are the only ones looked up by their tag (`Store.untaggedEntries`), and
        // the daemon stores nearly every entry tagged: an index of the untagged alone stays empty,
        // where one of every tag took an insert a stored entry.
        """
        DROP INDEX entries_by_tag;
        CREATE INDEX entries_untagged ON entries (id) WHERE tag IS NULL;
        """,
        // The fetch log is trimmed by age (`Store.purgeFetchLog`): rows found by their time.
        """
        CREATE INDEX fetch_log_by_time ON fetch_log (fetched_at);
        """,
    ]
}
