import AINewsCore
import FoundationEssentials

/// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into the same `ParsedFeed`
/// the XML formats give. Lenient where feeds are sloppy: numeric ids, a 1.0 `author` beside
/// 1.1 `authors`, dates in any form `DateParser` reads.
enum JSONFeedParser {
    static func parse(_ bytes: [UInt8], baseURL: String?) throws -> ParsedFeed {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw FeedParseError.invalidJSONFeed("invalid JSON (\(Self.describe(error)))")
        }
        guard case .object(let root) = value else { throw FeedParseError.invalidJSONFeed("JSON that is not an object") }
        guard let versionURL = root["version"]?.string, versionURL.contains("jsonfeed.org/version/") || root["items"] != nil else {
            throw FeedParseError.invalidJSONFeed("JSON that is not a JSON Feed (no jsonfeed.org version, no items)")
        }
        var notes: [String] = []
        var parsed = ParsedFeed(format: .json)
        parsed.version = versionURL.split(separator: "/").last.map(String.init)
        let base = root["feed_url"]?.string ?? baseURL
        var feed = FeedMetadata()
        feed.title = root["title"]?.string
        if feed.title != nil { feed.titleType = .text }
        feed.subtitle = root["description"]?.string
        if feed.subtitle != nil { feed.subtitleType = .text }
        var links: [Link] = []
        if let home = root["home_page_url"]?.string {
            let href = URLResolver.resolve(home, against: base)
            feed.link = href
            links.append(Link(href: href, rel: "alternate"))
        }
        if let feedURL = root["feed_url"]?.string {
            links.append(Link(href: URLResolver.resolve(feedURL, against: baseURL), rel: "self"))
        }
        if !links.isEmpty { feed.links = links }
        feed.language = root["language"]?.string
        feed.authors = authors(root, base: base)
        if let icon = root["icon"]?.string ?? root["favicon"]?.string {
            feed.image = Image(url: URLResolver.resolve(icon, against: base))
        }
        parsed.feed = feed
        if case .array(let items) = root["items"] {
            for case .object(let item) in items {
                parsed.entries.append(entry(item, base: base, notes: &notes))
            }
        }
        parsed.problems = notes
        return parsed
    }

    private static func entry(_ item: [String: JSONValue], base: String?, notes: inout [String]) -> Entry {
        var entry = Entry()
        entry.id = item["id"]?.string
        entry.title = item["title"]?.string
        if entry.title != nil { entry.titleType = .text }
        var links: [Link] = []
        if let url = item["url"]?.string {
            let href = URLResolver.resolve(url, against: base)
            entry.link = href
            links.append(Link(href: href, rel: "alternate"))
        }
        if let external = item["external_url"]?.string {
            links.append(Link(href: URLResolver.resolve(external, against: base), rel: "related"))
        }
        if !links.isEmpty { entry.links = links }
        if let summary = item["summary"]?.string {
            entry.summary = summary
            entry.summaryType = .text
        }
        var contents: [Content] = []
        if let html = item["content_html"]?.string {
            contents.append(Content(value: HTMLSanitizer.sanitize(html, base: base), type: .html))
        }
        if let text = item["content_text"]?.string {
            contents.append(Content(value: text, type: .text))
        }
        if !contents.isEmpty { entry.content = contents }
        for (key, field) in [("date_published", \Entry.published), ("date_modified", \Entry.updated)] {
            guard let text = item[key]?.string else { continue }
            if let date = DateParser.parse(text) {
                entry[keyPath: field] = date.timestamp
            } else {
                notes.append("unreadable date '\(text.prefix(60))'")
            }
        }
        entry.authors = authors(item, base: base)
        if case .array(let tags) = item["tags"] {
            let categories = tags.compactMap { $0.string }.map { Category(term: $0) }
            if !categories.isEmpty { entry.categories = categories }
        }
        if case .array(let attachments) = item["attachments"] {
            let enclosures = attachments.compactMap { attachment -> Enclosure? in
                guard case .object(let fields) = attachment, let url = fields["url"]?.string else { return nil }
                return Enclosure(
                    url: URLResolver.resolve(url, against: base), type: fields["mime_type"]?.string,
                    length: fields["size_in_bytes"]?.integer)
            }
            if !enclosures.isEmpty { entry.enclosures = enclosures }
        }
        return entry
    }

    private static func authors(_ object: [String: JSONValue], base: String?) -> [Person]? {
        var values: [JSONValue] = []
        if case .array(let list) = object["authors"] { values = list }
        if values.isEmpty, let single = object["author"] { values = [single] }
        let people = values.compactMap { value -> Person? in
            guard case .object(let fields) = value else { return nil }
            let person = Person(name: fields["name"]?.string, uri: fields["url"]?.string.map { URLResolver.resolve($0, against: base) })
            return person.isEmpty ? nil : person
        }
        return people.isEmpty ? nil : people
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "unreadable"
    }
}

/// Any JSON value, decoded without a schema.
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Strings as they are; numbers as their integer text, for ids written as numbers.
    var string: String? {
        switch self {
        case .string(let value): return value
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        default: return nil
        }
    }

    var integer: Int? {
        switch self {
        case .number(let value): return Int(exactly: value.rounded())
        case .string(let value): return Int(value)
        default: return nil
        }
    }
}
