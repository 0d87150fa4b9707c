import AINewsCore

/// The stable key of an entry within its feed, so the same item is stored once however often it
/// is fetched: its guid/id; where a feed gives none, its canonical link; else a hash of its
/// title and content.
public enum EntryIdentity {
    public static func key(of entry: Entry) -> String {
        if let id = entry.id?.trimmingSpaces(), !id.isEmpty { return "id:" + id }
        if let link = entry.link, !link.isEmpty { return "link:" + canonicalLink(link) }
        return "hash:" + contentHash(of: entry)
    }

    /// Query parameters that only track where a click came from.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "igshid", "yclid", "_hsenc", "_hsmi"]

    /// The link with scheme and host lower-cased, the fragment and tracking parameters dropped
    /// (`utm_*`, `fbclid`…), and a default port removed.
    public static func canonicalLink(_ link: String) -> String {
        var rest = Substring(link.trimmingSpaces())
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var result: String
        if let schemeEnd = rest.utf8.firstRange(ofLiteral: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            let afterScheme = rest[schemeEnd.upperBound...]
            let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
            var host = afterScheme[..<hostEnd].lowercased()
            if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
                host = String(host[..<host.lastIndex(of: ":")!])
            }
            let path = afterScheme[hostEnd...]
            result = scheme + "://" + host + (path.isEmpty ? "/" : String(path))
        } else {
            result = String(rest)
        }
        if let query {
            let kept = query.split(separator: "&").filter { parameter in
                let name = parameter.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() } ?? ""
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            if !kept.isEmpty { result += "?" + kept.joined(separator: "&") }
        }
        return result
    }

    /// FNV-1a over title and content: stable across runs and platforms (unlike `Hasher`).
    public static func contentHash(of entry: Entry) -> String {
        var hasher = FNV1a()
        for part in [entry.title ?? "", entry.summary ?? "", entry.content?.first?.value ?? ""] {
            hasher.combine(part.utf8)
            hasher.combine(0xFF)
        }
        return hasher.hex
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
