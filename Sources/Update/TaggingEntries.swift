import AINewsCore
import AINewsParse
import AINewsStore
import AINewsTag

extension Tagger {
    /// The tag of a parsed entry, from its title and plain-text body at its date.
    public func tag(_ entry: Entry) -> TagResult {
        tag(title: EntryText.title(of: entry), body: EntryText.body(of: entry), date: entry.published ?? entry.updated)
    }
}

extension StoredTag {
    /// The store's form of a tag.
    public init(_ result: TagResult) {
        self.init(
            label: result.label.rawValue, models: result.models.map { Model(name: $0.name, openness: $0.openness.rawValue) }, reason: result.reason)
    }
}
