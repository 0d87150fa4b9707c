import AINewsCore
import Foundation

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

    public init(_ entry: Entry, tag: StoredTag? = nil) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.entry = entry
        key = EntryIdentity.key(of: entry)
        hash = EntryIdentity.contentHash(of: entry)
        json = String(decoding: try encoder.encode(entry), as: UTF8.self)
        self.tag = tag
        tagModelsJSON = try tag.map { String(decoding: try encoder.encode($0.models), as: UTF8.self) }
    }
}
