import AINewsCore

/// An entry made ready for the store: its identity key, content hash, JSON form and tag. The
/// updater makes these on the tasks that fetched each feed, in parallel, so the one thread that
/// writes SQLite only writes.
public struct PreparedEntry: Sendable {
    public var entry: Entry
    public var key: String
    public var hash: String
    /// The entry's JSON (UTF-8); nil for an entry the store already had as it is (see
    /// `init(_:storedHashes:tag:)`), which the writer leaves alone.
    public var json: [UInt8]?
    public var tag: StoredTag?
    var tagModelsJSON: String?

    public init(_ entry: Entry, tag: StoredTag? = nil) {
        self.init(entry, key: EntryIdentity.key(of: entry), storedHashes: [:]) { _ in tag }
    }

    /// Makes the JSON and asks for the tag only when `storedHashes` (the content hashes of the
    /// feed's stored entries, by key) does not already hold the entry as it is; the writer leaves
    /// such an entry alone. Should the stored copy change before the write, another process
    /// fetched the feed at about the same time and its copy stays.
    ///
    /// - Parameter key: the entry's `EntryIdentity.key`, already made to look up `storedHashes`.
    /// - Parameter tag: asked with the entry as stored here, so the caller can hand the entry over
    ///   without keeping a copy of its own for tagging.
    public init(_ entry: Entry, key: String, storedHashes: [String: String], tag: (Entry) -> StoredTag?) {
        // Read through `self.entry` from here on: a use of the parameter after it is stored
        // would copy the entry.
        self.entry = entry
        self.key = key
        hash = EntryIdentity.contentHash(of: self.entry)
        if !storedHashes.isEmpty, let stored = storedHashes[key], EntryIdentity.storedHash(stored, matches: self.entry, hash: hash) {
            return
        }
        json = EntryJSON.utf8(self.entry)
        self.tag = tag(self.entry)
        tagModelsJSON = self.tag.map { EntryJSON.encode($0.models) }
    }
}
