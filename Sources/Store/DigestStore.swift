import AINewsCore

/// One stored build of a period's digest. `content` is the digest as canonical JSON; the store
/// does not read it.
public struct StoredDigest: Sendable, Equatable {
    public var id: Int64
    /// "2026-W48", or "2026-11-01..2026-11-14" for a custom range.
    public var period: String
    public var revision: Int
    public var start: Timestamp
    public var end: Timestamp
    public var builtAt: Timestamp
    public var content: String
    public var publishedAt: Timestamp?
}

/// How many of a period's entries carry each tag; untagged entries count under "untagged".
public struct TagCounts: Sendable, Equatable {
    public var byLabel: [String: Int] = [:]
    public var total: Int { byLabel.values.reduce(0, +) }

    public init(byLabel: [String: Int] = [:]) { self.byLabel = byLabel }
}

extension Store {
    /// An entry's date (published, else updated, else first seen) in [?1, ?2): the days through
    /// the `entries_by_day` index (its expression exactly), then the seconds. Integer division
    /// never decreases as its dividend grows, so the days of the range hold all of its dates.
    static let datedInRange = """
        coalesce(published_at, updated_at, first_seen_at) / 86400 BETWEEN ?1 / 86400 AND ?2 / 86400
        AND coalesce(published_at, updated_at, first_seen_at) >= ?1 AND coalesce(published_at, updated_at, first_seen_at) < ?2
        """

    /// Entries whose date (published, else updated, else first seen) is in [start, end), oldest first.
    public func entries(datedFrom start: Timestamp, to end: Timestamp) throws -> [StoredEntry] {
        try entries(where: Self.datedInRange, [.integer(start.secondsSince1970), .integer(end.secondsSince1970)])
    }

    public func tagCounts(datedFrom start: Timestamp, to end: Timestamp) throws -> TagCounts {
        let statement = try database.prepare(
            """
            SELECT coalesce(tag, 'untagged'), count(*) FROM entries WHERE \(Self.datedInRange) GROUP BY 1
            """
        ).bind([.integer(start.secondsSince1970), .integer(end.secondsSince1970)])
        var counts = TagCounts()
        while try statement.next() { counts.byLabel[statement.text(0) ?? "untagged"] = Int(statement.integer(1) ?? 0) }
        return counts
    }

    /// Stores a build of a period's digest as its next revision, unless the latest revision has
    /// the same content, which is returned instead (`isNew` false): rebuilding from the same items
    /// gives the same digest, and a new revision only when something changed.
    public func saveDigest(
        period: String, start: Timestamp, end: Timestamp, content: String, builtAt: Timestamp
    ) throws -> (
        digest: StoredDigest, isNew: Bool
    ) {
        try database.transaction {
            if let latest = try digests(period: period).last, latest.content == content, latest.start == start, latest.end == end {
                return (latest, false)
            }
            try database.prepare(
                """
                INSERT INTO digests (period, revision, period_start, period_end, built_at, content)
                VALUES (?1, (SELECT coalesce(max(revision), 0) + 1 FROM digests WHERE period = ?1), ?2, ?3, ?4, ?5)
                """
            ).bind([
                .text(period), .integer(start.secondsSince1970), .integer(end.secondsSince1970), .integer(builtAt.secondsSince1970), .text(content),
            ]).run()
            guard let saved = try digests(period: period).last else { throw StoreError(code: 0, message: "the digest just saved is missing") }
            return (saved, true)
        }
    }

    /// Every revision, of one period or all, by period then revision.
    public func digests(period: String? = nil) throws -> [StoredDigest] {
        let statement = try database.prepare(
            """
            SELECT id, period, revision, period_start, period_end, built_at, content, published_at FROM digests
            WHERE ?1 IS NULL OR period = ?1 ORDER BY period_start, period, revision
            """
        ).bind([Statement.Value(period)])
        var result: [StoredDigest] = []
        while try statement.next() {
            result.append(
                StoredDigest(
                    id: statement.integer(0) ?? 0, period: statement.text(1) ?? "", revision: Int(statement.integer(2) ?? 0),
                    start: Timestamp(secondsSince1970: statement.integer(3) ?? 0), end: Timestamp(secondsSince1970: statement.integer(4) ?? 0),
                    builtAt: Timestamp(secondsSince1970: statement.integer(5) ?? 0), content: statement.text(6) ?? "",
                    publishedAt: statement.integer(7).map { Timestamp(secondsSince1970: $0) }))
        }
        return result
    }

    /// Marks a revision published: from then on the database refuses to change or delete it.
    /// Publishing twice keeps the first time.
    public func markPublished(digestID: Int64, at time: Timestamp) throws {
        try database.prepare("UPDATE digests SET published_at = ?2 WHERE id = ?1 AND published_at IS NULL")
            .bind([.integer(digestID), .integer(time.secondsSince1970)]).run()
    }
}

extension Store {
    /// A summary the endpoint wrote before for the same request.
    public func cachedSummary(requestHash: String) throws -> String? {
        let statement = try database.prepare("SELECT text FROM summaries WHERE request_hash = ?1").bind([.text(requestHash)])
        return try statement.next() ? statement.text(0) : nil
    }

    public func saveSummary(requestHash: String, model: String, text: String, at time: Timestamp) throws {
        try database.prepare("INSERT OR REPLACE INTO summaries (request_hash, model, text, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind([.text(requestHash), .text(model), .text(text), .integer(time.secondsSince1970)]).run()
    }
}
