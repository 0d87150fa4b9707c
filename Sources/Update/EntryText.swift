import AINewsCore
import AINewsParse
import AINewsStore
import AINewsTag

/// The words the tagger reads for an entry: its title, and its summary and content as plain text.
public enum EntryText {
    public static func body(of entry: Entry) -> String {
        var parts: [String] = []
        if let summary = entry.summary { parts.append(plain(summary, entry.summaryType)) }
        for content in entry.content ?? [] where !parts.contains(plain(content.value, content.type)) {
            parts.append(plain(content.value, content.type))
        }
        return parts.joined(separator: "\n\n")
    }

    public static func title(of entry: Entry) -> String {
        guard let title = entry.title else { return "" }
        return plain(title, entry.titleType)
    }

    private static func plain(_ value: String, _ type: TextType?) -> String {
        type == .html || type == .xhtml ? PlainText.fromHTML(value) : value
    }
}

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
