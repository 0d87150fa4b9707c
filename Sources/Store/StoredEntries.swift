import Synchronization

/// The content hashes of a feed's stored entries, read on a connection of its own, so that the
/// tasks preparing a fetch's entries can ask while the store's writer writes. The writer leaves
/// an entry stored with the same content as it is, so such an entry needs neither a tag nor its
/// JSON (`PreparedEntry`); from one fetch of a feed to the next most items are unchanged.
public final class StoredEntries: Sendable {
    private let reader: Mutex<Reader>

    /// One connection and its statement, used under the lock only.
    private final class Reader {
        let database: Database
        let hashes: Statement

        init(path: String) throws {
            database = try Database(path: path)
            // The keys arrive as one JSON array: one statement a feed, not one a key.
            hashes = try database.prepare(
                "SELECT entry_key, content_hash FROM entries WHERE feed_id = ?1 AND entry_key IN (SELECT value FROM json_each(?2))")
        }
    }

    init(path: String) throws {
        reader = Mutex(try Reader(path: path))
    }

    /// The content hashes of those of `keys` that `feedID` has stored, by key: looked up key by
    /// key in the store's index, so a feed with a long history costs no more than one without.
    public func hashes(feedID: Int64, keys: [String]) throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        let list = EntryJSON.encode(keys)
        return try reader.withLock { reader in
            var hashes: [String: String] = [:]
            let statement = try reader.hashes.bind([.integer(feedID), .text(list)])
            while try statement.next() {
                if let key = statement.text(0), let hash = statement.text(1) { hashes[key] = hash }
            }
            return hashes
        }
    }
}
