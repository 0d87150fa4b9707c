/// Maps namespace URIs to the short prefixes the feed builder matches on, so that `<dc:creator>`
/// means Dublin Core whatever prefix a feed chose, and RSS 0.90/1.0/2.0 elements share one name.
enum Namespaces {
    /// The prefix for RSS's own elements, whichever RSS namespace (or none) they are in.
    static let rss = ""

    static let prefixes: [String: String] = [
        "http://purl.org/rss/1.0/": "",
        "http://my.netscape.com/rdf/simple/0.9/": "",
        "http://backend.userland.com/rss2": "",
        "http://backend.userland.com/rss": "",
        "http://blogs.law.harvard.edu/tech/rss": "",
        "http://purl.org/net/rss1.1#": "",
        "http://www.w3.org/2005/atom": "atom",
        "http://purl.org/atom/ns#": "atom",
        "http://purl.org/dc/elements/1.1/": "dc",
        "http://purl.org/dc/elements/1.0/": "dc",
        "http://purl.org/dc/terms/": "dcterms",
        "http://purl.org/rss/1.0/modules/content/": "content",
        "http://search.yahoo.com/mrss/": "media",
        "http://search.yahoo.com/mrss": "media",
        "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
        "http://www.w3.org/1999/xhtml": "xhtml",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
        "http://www.w3.org/xml/1998/namespace": "xml",
        "http://purl.org/rss/1.0/modules/slash/": "slash",
        "http://purl.org/rss/1.0/modules/syndication/": "sy",
        "http://webns.net/mvcb/": "admin",
        "http://purl.org/rss/1.0/modules/admin/": "admin",
        "http://wellformedweb.org/commentapi/": "wfw",
        "http://purl.org/syndication/thread/1.0": "thr",
        "http://www.georss.org/georss": "georss",
        "http://podlove.org/simple-chapters": "psc",
    ]

    /// The Atom 0.3 namespace, which shares the `atom` prefix but changes the version.
    static let atom03 = "http://purl.org/atom/ns#"
    static let atom10 = "http://www.w3.org/2005/atom"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"

    /// The matching prefix for an element or attribute in `uri`, written with `writtenPrefix`.
    static func prefix(uri: String?, writtenPrefix: String?) -> String {
        guard let uri else {
            if let writtenPrefix { return writtenPrefix.lowercased() }
            return rss
        }
        let lowered = uri.lowercased()
        if let known = prefixes[lowered] { return known }
        if lowered.hasSuffix("/"), let known = prefixes[String(lowered.dropLast())] { return known }
        if let known = prefixes[lowered + "/"] { return known }
        if lowered.hasPrefix("http://backend.userland.com/rss") { return rss }
        // An unknown default namespace is read as none, as feedparser does; an unknown prefix
        // keeps its elements apart.
        return writtenPrefix == nil ? rss : "{" + uri + "}"
    }
}
