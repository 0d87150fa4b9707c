import AINewsCore

/// An entry as plain text, the form tagging, clustering and summaries read: its title, and its
/// summary and content with the markup taken out.
public enum EntryText {
    public static func body(of entry: Entry) -> String {
        var parts: [String] = []
        if let summary = entry.summary { parts.append(plain(summary, entry.summaryType)) }
        for content in entry.content ?? [] {
            let text = plain(content.value, content.type)
            if !parts.contains(text) { parts.append(text) }
        }
        return parts.count == 1 ? parts[0] : parts.joined(separator: "\n\n")
    }

    public static func title(of entry: Entry) -> String {
        guard let title = entry.title else { return "" }
        return plain(title, entry.titleType)
    }

    private static func plain(_ value: String, _ type: TextType?) -> String {
        type == .html || type == .xhtml ? PlainText.fromHTML(value) : value
    }
}
