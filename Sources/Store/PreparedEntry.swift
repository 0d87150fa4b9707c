import AINewsCore

/// An entry made ready for the store: its identity key, content hash, JSON form and tag. The
/// updater makes these on the tasks that fetched each feed, in parallel, so the one thread that
/// writes SQLite only writes.
public struct PreparedEntry: Sendable {
    public var entry: Entry
    public var key: String
    public var hash: String
    public var json: String
    public var tag: StoredTag?
    var tagModelsJSON: String?

    public init(_ entry: Entry, tag: StoredTag? = nil) {
        self.entry = entry
        key = EntryIdentity.key(of: entry)
        hash = EntryIdentity.contentHash(of: entry)
        json = EntryJSON.encode(entry)
        self.tag = tag
        tagModelsJSON = tag.map { EntryJSON.encode($0.models) }
    }
}
