import CLibXML2

/// Finds the feeds an HTML page advertises (`<link rel="alternate" type="application/rss+xml"
/// href="…">`), so that subscribing to a site's address finds its feed, and a page served
/// where a feed was expected names the feeds to use instead.
public enum FeedDiscovery {
    static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json", "application/json", "text/xml",
        "application/xml",
    ]

    /// The advertised feed URLs, absolute, in page order.
    public static func alternateLinks(inHTML bytes: [UInt8], base: String?) -> [String] {
        guard !bytes.isEmpty else { return [] }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { htmlReadMemory($0.baseAddress, Int32(clamping: $0.count), nil, nil, options) }
        }
        guard let document else { return [] }
        defer { xmlFreeDoc(document) }
        var links: [String] = []
        var pageBase = base
        collect(xmlDocGetRootElement(document), into: &links, base: &pageBase)
        return links
    }

    private static func collect(_ start: xmlNodePtr?, into links: inout [String], base: inout String?) {
        var node = start
        while let element = node {
            if element.pointee.type == XML_ELEMENT_NODE, let rawName = element.pointee.name {
                let name = String(cString: rawName).lowercased()
                if name == "base", let href = attribute(element, "href") {
                    base = URLResolver.resolve(href, against: base)
                }
                if name == "link", let href = attribute(element, "href"),
                    let rel = attribute(element, "rel")?.lowercased(), rel.split(separator: " ").contains("alternate"),
                    let type = attribute(element, "type")?.lowercased().trimmed(), feedTypes.contains(type)
                {
                    let url = URLResolver.resolve(href, against: base)
                    if !links.contains(url) { links.append(url) }
                }
                if name != "body" { collect(element.pointee.children, into: &links, base: &base) }
            }
            node = element.pointee.next
        }
    }

    private static func attribute(_ element: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(element, name) else { return nil }
        defer { clibxml2_free(value) }
        return String(cString: value)
    }
}
