import CLibXML2

/// A feed listed in an OPML subscription list.
public struct OPMLFeed: Sendable, Equatable {
    public var url: String
    public var title: String?
    public var siteURL: String?

    public init(url: String, title: String? = nil, siteURL: String? = nil) {
        self.url = url
        self.title = title
        self.siteURL = siteURL
    }
}

/// Reads and writes OPML 1.0/2.0 subscription lists (`<outline type="rss" xmlUrl="…">`, nested
/// in folders or not), the format every feed reader imports and exports.
public enum OPML {
    /// The feeds of an OPML document, in document order; outlines without `xmlUrl` are folders.
    public static func feeds(in bytes: [UInt8]) throws -> [OPMLFeed] {
        final class Collector {
            var feeds: [OPMLFeed] = []
            var sawOPML = false
        }
        let collector = Collector()
        var handler = XMLPushParser.emptyHandler()
        handler.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
            guard let context, let localName else { return }
            let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
            let name = String(cString: localName).lowercased()
            if name == "opml" { collector.sawOPML = true }
            guard name == "outline", let attributes else { return }
            var values: [String: String] = [:]
            for index in 0..<Int(attributeCount) {
                let base = index * 5
                guard let key = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                values[String(cString: key).lowercased()] = value.replacingAll("&#38;", with: "&")
            }
            guard let url = values["xmlurl"]?.trimmed(), !url.isEmpty else { return }
            collector.feeds.append(OPMLFeed(url: url, title: (values["title"] ?? values["text"])?.nilIfEmpty, siteURL: values["htmlurl"]?.nilIfEmpty))
        }
        var repair = XMLRepair()
        var repaired: [UInt8] = []
        repair.repair(bytes, isFinal: true, into: &repaired)
        withExtendedLifetime(collector) {
            let parser = XMLPushParser(handler: &handler, userData: Unmanaged.passUnretained(collector).toOpaque())
            repaired.withUnsafeBufferPointer { parser.push($0, isFinal: true) }
        }
        guard collector.sawOPML else { throw FeedParseError.notAFeed("not an OPML document") }
        return collector.feeds
    }

    /// An OPML 2.0 document listing `feeds`.
    public static func document(title: String, feeds: [OPMLFeed]) -> String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#, #"<opml version="2.0">"#, "  <head><title>\(HTMLEscaping.escape(title))</title></head>",
            "  <body>",
        ]
        for feed in feeds {
            var attributes = #"type="rss" text="\#(HTMLEscaping.escape(feed.title ?? feed.url))""#
            if let title = feed.title { attributes += #" title="\#(HTMLEscaping.escape(title))""# }
            attributes += #" xmlUrl="\#(HTMLEscaping.escape(feed.url))""#
            if let site = feed.siteURL { attributes += #" htmlUrl="\#(HTMLEscaping.escape(site))""# }
            lines.append("    <outline \(attributes)/>")
        }
        lines += ["  </body>", "</opml>"]
        return lines.joined(separator: "\n") + "\n"
    }
}
