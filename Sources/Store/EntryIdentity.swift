import AINewsCore

/// The stable key of an entry within its feed, so the same item is stored once however often it
/// is fetched: its guid/id; where a feed gives none, its canonical link; else a hash of its
/// title and content. And the content hash that tells whether a stored entry changed.
public enum EntryIdentity {
    /// The keys of a feed's entries, in order. Here rather than mapped by the caller: passed
    /// across modules, each entry was copied first (retaining every one of its strings).
    public static func keys(of entries: [Entry]) -> [String] {
        var keys: [String] = []
        keys.reserveCapacity(entries.count)
        for index in entries.indices { keys.append(key(of: entries[index])) }
        return keys
    }

    public static func key(of entry: Entry) -> String {
        if let id = entry.id?.trimmingSpaces(), !id.isEmpty { return "id:" + id }
        if let link = entry.link, !link.isEmpty { return "link:" + canonicalLink(link) }
        return "hash:" + legacyContentHash(of: entry)
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

    /// The hash an entry is stored with, which tells whether a fetched copy changed: XXH64 over
    /// its title, summary and first content, written "xxh64:" and 16 hex digits.
    public static func contentHash(of entry: Entry) -> String {
        var parts = (
            XXH64.hash(entry.title ?? "").littleEndian, XXH64.hash(entry.summary ?? "").littleEndian,
            XXH64.hash(entry.content?.first?.value ?? "").littleEndian
        )
        let value = withUnsafeBytes(of: &parts) { XXH64.hash($0) }
        return String(unsafeUninitializedCapacity: 22) { buffer in
            for (offset, byte) in "xxh64:".utf8.enumerated() { buffer[offset] = byte }
            for digit in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * digit)) & 0xF
                buffer[6 + digit] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 22
        }
    }

    /// The content hash of earlier versions, FNV-1a over the same fields (16 hex digits), which
    /// was fifteen times slower on long texts: still the key of entries with neither id nor
    /// link, so their keys never change, and what rows stored with it are compared with.
    public static func legacyContentHash(of entry: Entry) -> String {
        var hasher = FNV1a()
        for part in [entry.title ?? "", entry.summary ?? "", entry.content?.first?.value ?? ""] {
            hasher.combine(part.utf8)
            hasher.combine(0xFF)
        }
        return hasher.hex
    }

    /// Whether a stored row's content hash, in either format, is that of `entry`, whose hash
    /// in the current format is `hash`.
    public static func storedHash(_ stored: String, matches entry: Entry, hash: String) -> Bool {
        stored == hash || (!stored.hasPrefix("xxh64:") && stored == legacyContentHash(of: entry))
    }
}

extension String {
    func trimmingSpaces() -> String {
        // Nearly every id and link starts and ends with a printable ASCII character, which is
        // no space: then there is nothing to look at character by character.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return self }
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
