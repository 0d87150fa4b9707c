import AINewsCore
import AINewsStore
import Foundation

/// The stored form of a digest: JSON with sorted keys, so equal digests are equal bytes.
public enum DigestCoding {
    public static func encode(_ digest: Digest) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(digest), as: UTF8.self)
    }

    public static func decode(_ stored: StoredDigest) throws -> Digest {
        try JSONDecoder().decode(Digest.self, from: Data(stored.content.utf8))
    }
}

/// The published digests as an Atom feed, so readers can subscribe to the newsletter itself.
public enum DigestFeed {
    public static func atom(_ digests: [(stored: StoredDigest, digest: Digest)], title: String, link: String?, now: Timestamp) -> String {
        let escape = DigestRenderer.escape
        let updated = digests.compactMap { $0.stored.publishedAt ?? $0.stored.builtAt }.max() ?? now
        var lines = [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
            "  <title>\(escape(title))</title>",
            "  <id>tag:ainews,2026:digests</id>",
            "  <updated>\(updated.rfc3339)</updated>",
            "  <generator>ainews</generator>",
        ]
        if let link { lines.append("  <link rel=\"alternate\" href=\"\(escape(link))\"/>") }
        for (stored, digest) in digests.sorted(by: { $0.stored.start > $1.stored.start }) {
            lines += [
                "  <entry>",
                "    <title>\(escape(digest.title))</title>",
                "    <id>tag:ainews,2026:digest/\(escape(stored.period))/\(stored.revision)</id>",
                "    <published>\((stored.publishedAt ?? stored.builtAt).rfc3339)</published>",
                "    <updated>\((stored.publishedAt ?? stored.builtAt).rfc3339)</updated>",
                "    <author><name>ainews</name></author>",
                "    <summary>\(escape(DigestRenderer.numbersSentence(digest.numbers)))</summary>",
                "    <content type=\"html\">\(escape(DigestRenderer.htmlFragment(digest)))</content>",
                "  </entry>",
            ]
        }
        lines.append("</feed>")
        return lines.joined(separator: "\n") + "\n"
    }
}
