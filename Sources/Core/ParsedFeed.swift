/// A feed as the parser understood it: plain Swift values, no C types, so every later stage
/// (store, tagger, digest) can be built and tested from files alone.
///
/// The shape is the JSON contract of `ainews parse` (`FEED-JSON.md`): a field the feed does not
/// carry is `nil` and left out of the JSON; a field present but empty is `""`.
public struct ParsedFeed: Sendable, Equatable, Codable {
    /// The syndication format family of the document.
    public enum Format: String, Sendable, Codable {
        case rss, atom, rdf, json
    }

    public var format: Format
    /// The version as the document states it ("2.0", "0.91", "1.0", "0.3", "1.1").
    public var version: String?
    /// True when the document was not well-formed or not cleanly decodable; `problems` says why.
    public var bozo: Bool
    public var problems: [String]
    /// Lower-case IANA name of the character decoder that was used.
    public var encoding: String
    public var feed: FeedMetadata
    public var entries: [Entry]

    public init(
        format: Format, version: String? = nil, bozo: Bool = false, problems: [String] = [],
        encoding: String = "utf-8", feed: FeedMetadata = FeedMetadata(), entries: [Entry] = []
    ) {
        self.format = format
        self.version = version
        self.bozo = bozo
        self.problems = problems
        self.encoding = encoding
        self.feed = feed
        self.entries = entries
    }

    enum CodingKeys: String, CodingKey {
        case format, version, bozo, problems, encoding, feed, entries
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encode(bozo, forKey: .bozo)
        if !problems.isEmpty { try container.encode(problems, forKey: .problems) }
        try container.encode(encoding, forKey: .encoding)
        try container.encode(feed, forKey: .feed)
        try container.encode(entries, forKey: .entries)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Format.self, forKey: .format)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        bozo = try container.decode(Bool.self, forKey: .bozo)
        problems = try container.decodeIfPresent([String].self, forKey: .problems) ?? []
        encoding = try container.decode(String.self, forKey: .encoding)
        feed = try container.decode(FeedMetadata.self, forKey: .feed)
        entries = try container.decode([Entry].self, forKey: .entries)
    }
}

/// How a text value is to be read: plain text, or markup that has been sanitised.
public enum TextType: String, Sendable, Codable {
    case text, html, xhtml
}

/// Channel-level facts of a feed.
public struct FeedMetadata: Sendable, Equatable, Codable {
    public var title: String?
    public var titleType: TextType?
    public var subtitle: String?
    public var subtitleType: TextType?
    public var link: String?
    public var links: [Link]?
    public var id: String?
    public var language: String?
    public var rights: String?
    public var generator: String?
    public var published: Timestamp?
    public var updated: Timestamp?
    public var authors: [Person]?
    public var categories: [Category]?
    public var image: Image?
    public var ttl: Int?

    public init() {}
}

/// One item of a feed (an RSS `<item>`, an Atom `<entry>`, a JSON Feed item).
public struct Entry: Sendable, Equatable, Codable {
    public var id: String?
    public var title: String?
    public var titleType: TextType?
    public var link: String?
    public var links: [Link]?
    public var summary: String?
    public var summaryType: TextType?
    public var content: [Content]?
    public var published: Timestamp?
    public var updated: Timestamp?
    public var authors: [Person]?
    public var categories: [Category]?
    public var enclosures: [Enclosure]?
    public var comments: String?
    public var source: Source?

    public init() {}
}

/// A link of any relation: Atom `<link>`, RSS `<link>` (as `alternate`), `atom:link` in RSS.
public struct Link: Sendable, Equatable, Codable {
    public var href: String
    public var rel: String?
    public var type: String?
    public var title: String?
    public var hreflang: String?
    public var length: Int?

    public init(href: String, rel: String? = nil, type: String? = nil, title: String? = nil, hreflang: String? = nil, length: Int? = nil) {
        self.href = href
        self.rel = rel
        self.type = type
        self.title = title
        self.hreflang = hreflang
        self.length = length
    }
}

/// An author or contributor; RSS's `jo@example.org (Jo Doe)` arrives split into its parts.
public struct Person: Sendable, Equatable, Codable {
    public var name: String?
    public var email: String?
    public var uri: String?

    public init(name: String? = nil, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }

    public var isEmpty: Bool { name == nil && email == nil && uri == nil }
}

public struct Category: Sendable, Equatable, Codable {
    public var term: String?
    public var scheme: String?
    public var label: String?

    public init(term: String? = nil, scheme: String? = nil, label: String? = nil) {
        self.term = term
        self.scheme = scheme
        self.label = label
    }
}

public struct Image: Sendable, Equatable, Codable {
    public var url: String?
    public var title: String?
    public var link: String?

    public init(url: String? = nil, title: String? = nil, link: String? = nil) {
        self.url = url
        self.title = title
        self.link = link
    }
}

public struct Enclosure: Sendable, Equatable, Codable {
    public var url: String
    public var type: String?
    public var length: Int?

    public init(url: String, type: String? = nil, length: Int? = nil) {
        self.url = url
        self.type = type
        self.length = length
    }
}

/// A full-content value: Atom `<content>`, RSS `content:encoded`, JSON Feed `content_html`.
public struct Content: Sendable, Equatable, Codable {
    public var value: String
    public var type: TextType
    public var language: String?
    public var base: String?

    public init(value: String, type: TextType, language: String? = nil, base: String? = nil) {
        self.value = value
        self.type = type
        self.language = language
        self.base = base
    }
}

/// Where an item came from when a feed re-publishes it (RSS `<source>`, Atom `<source>`).
public struct Source: Sendable, Equatable, Codable {
    public var title: String?
    public var link: String?

    public init(title: String? = nil, link: String? = nil) {
        self.title = title
        self.link = link
    }
}
