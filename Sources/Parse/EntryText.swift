import AINewsCore

/// An entry as plain text, the form tagging, clustering and summaries read: its title, and its
/// summary and content with the markup taken out.
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
