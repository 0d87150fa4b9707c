import AINewsCore

/// Builds a `ParsedFeed` from SAX events: one state machine for RSS 0.9x/1.0/2.0 and Atom
/// 0.3/1.0, because real feeds mix their vocabularies (`atom:link` in RSS, Dublin Core
/// everywhere).
///
/// Elements are matched on canonical names (`Namespaces`), inside a context: the same `<title>`
/// means the feed's title in a channel, an item's title in an item and nothing in a text input.
/// Unknown elements open an ignored context, so an `<id>` inside an entry's `<image>` never
/// replaces the entry's own.
final class FeedBuilder {
    var format: ParsedFeed.Format?
    var version: String?
    var feed = FeedMetadata()
    var entries: [Entry] = []
    /// Errors that make the document bozo.
    var problems: [String] = []
    /// Observations that do not: a date read as UTC, an unreadable date.
    var notes: [String] = []
    /// Set when the root element shows the document is no feed.
    var rejection: String?
    /// Set when the document nests deeper than allowed.
    var isTooDeep = false
    let maxDepth: Int

    private let baseCache = URLResolver.BaseCache()
    private var entry = Entry()
    private var isInEntry = false
    private var entryGuidIsPermalink = false
    private var entryGuid: String?
    private var stack: [Frame] = []
    private var scopes: [InheritedScope]
    private var capture: Capture?
    /// The `xml:base` and `xml:lang` in effect where the capture started (`scopes`).
    private var captureInherited: Int32 = 0
    private var captureBase: String? { scopes[Int(captureInherited)].base }
    private var captureLanguage: String? { scopes[Int(captureInherited)].language }
    /// The text and markup of the capture being read; one buffer reused for every value.
    private var captureBuffer: [UInt8] = []
    /// Whether the capture holds markup (or XHTML), so its text arrives escaped.
    private var capturesMarkup = false
    /// What a few captures carry besides their text, kept out of `Capture` so that copying one
    /// stays cheap; every new capture starts with none.
    private var captureExtras = CaptureExtras() {
        didSet { hasCaptureExtras = true }
    }
    /// Whether `captureExtras` was set since it was last cleared: most captures have none, and
    /// clearing eight empty strings per capture shows in the profile.
    private var hasCaptureExtras = false
    private var person: Person?
    /// The best priority seen per field and scope (`PriorityKey.index`), `Int.max` when unset.
    private var priorities = [Int](repeating: .max, count: PriorityKey.count)
    private var isAtom03 = false
    private var rootLanguage: String?
    private var declaresRSS090 = false

    init(documentBase: String?, maxDepth: Int) {
        self.maxDepth = maxDepth
        scopes = [InheritedScope(base: documentBase, language: nil)]
    }

    // MARK: - Frames and captures

    /// The elements the builder knows, looked up once per start tag instead of comparing the
    /// name against every case of every context.
    enum Element: Hashable {
        case adminGeneratoragent, atomAuthor, atomCategory, atomContent, atomCopyright, atomCreated, atomEmail, atomEntry, atomFeed,
            atomGenerator, atomIcon, atomId, atomIssued, atomLink, atomLogo, atomModified, atomName, atomPublished, atomRights,
            atomSource, atomSubtitle, atomSummary, atomTagline, atomTitle, atomUpdated, atomUri, atomUrl, author, category,
            channel, comments, contentEncoded, copyright, dcAuthor, dcCreator, dcDate, dcDescription, dcLanguage, dcRights,
            dcSubject, dcTitle, dctermsCreated, dctermsIssued, dctermsModified, description, enclosure, fullitem, generator, guid,
            html, image, item, itunesAuthor, itunesCategory, itunesImage, itunesKeywords, itunesSubtitle, itunesSummary, language,
            lastbuilddate, link, managingeditor, mediaCategory, mediaKeywords, mediaTitle, pubdate, rdfRdf, rss, source, textinput,
            title, ttl, url, xhtmlBody, xhtmlDiv, xhtmlHtml
    }

    static let elements: [String: Element] = [
        "admin:generatoragent": .adminGeneratoragent,
        "atom:author": .atomAuthor,
        "atom:category": .atomCategory,
        "atom:content": .atomContent,
        "atom:copyright": .atomCopyright,
        "atom:created": .atomCreated,
        "atom:email": .atomEmail,
        "atom:entry": .atomEntry,
        "atom:feed": .atomFeed,
        "atom:generator": .atomGenerator,
        "atom:icon": .atomIcon,
        "atom:id": .atomId,
        "atom:issued": .atomIssued,
        "atom:link": .atomLink,
        "atom:logo": .atomLogo,
        "atom:modified": .atomModified,
        "atom:name": .atomName,
        "atom:published": .atomPublished,
        "atom:rights": .atomRights,
        "atom:source": .atomSource,
        "atom:subtitle": .atomSubtitle,
        "atom:summary": .atomSummary,
        "atom:tagline": .atomTagline,
        "atom:title": .atomTitle,
        "atom:updated": .atomUpdated,
        "atom:uri": .atomUri,
        "atom:url": .atomUrl,
        "author": .author,
        "category": .category,
        "channel": .channel,
        "comments": .comments,
        "content:encoded": .contentEncoded,
        "copyright": .copyright,
        "dc:author": .dcAuthor,
        "dc:creator": .dcCreator,
        "dc:date": .dcDate,
        "dc:description": .dcDescription,
        "dc:language": .dcLanguage,
        "dc:rights": .dcRights,
        "dc:subject": .dcSubject,
        "dc:title": .dcTitle,
        "dcterms:created": .dctermsCreated,
        "dcterms:issued": .dctermsIssued,
        "dcterms:modified": .dctermsModified,
        "description": .description,
        "enclosure": .enclosure,
        "fullitem": .fullitem,
        "generator": .generator,
        "guid": .guid,
        "html": .html,
        "image": .image,
        "item": .item,
        "itunes:author": .itunesAuthor,
        "itunes:category": .itunesCategory,
        "itunes:image": .itunesImage,
        "itunes:keywords": .itunesKeywords,
        "itunes:subtitle": .itunesSubtitle,
        "itunes:summary": .itunesSummary,
        "language": .language,
        "lastbuilddate": .lastbuilddate,
        "link": .link,
        "managingeditor": .managingeditor,
        "media:category": .mediaCategory,
        "media:keywords": .mediaKeywords,
        "media:title": .mediaTitle,
        "pubdate": .pubdate,
        "rdf:rdf": .rdfRdf,
        "rss": .rss,
        "source": .source,
        "textinput": .textinput,
        "title": .title,
        "ttl": .ttl,
        "url": .url,
        "xhtml:body": .xhtmlBody,
        "xhtml:div": .xhtmlDiv,
        "xhtml:html": .xhtmlHtml,
    ]

    enum Context {
        case document, rssRoot, channel, item, image, person(Scope), atomSource, itunesCategory(Scope), ignored
    }

    /// Where a value ends up: the feed, the current entry, or a part of either.
    enum Scope { case feed, entry, source }

    /// An open element: plain data, so that pushing and popping one per tag touches no strings.
    struct Frame {
        var context: Context
        /// Its `xml:base` and `xml:lang`: an index into `scopes`.
        var inherited: Int32
    }

    /// The `xml:base` and `xml:lang` in effect, one per element that changes either (and the
    /// document's own at index 0); a stack alongside the open elements.
    struct InheritedScope {
        var base: String?
        var language: String?
    }

    /// The value being read. Plain data only: a capture is started and dropped for nearly every
    /// element, and a field needing reference counting made each drop go through the runtime's
    /// generic destroy (2 % of parsing); its base and language live in `captureBase` and
    /// `captureLanguage`.
    struct Capture {
        var field: Field
        var scope: Scope
        var depth: Int
        var type: TextType
        var isBase64 = false
        var guessesHTML = false
        var sawMarkup = false
        var xhtmlWrapperDepth: Int?
        var sawElement = false
        /// Lower is better: a value from a primary element replaces one from a fallback.
        var priority = 0
    }

    enum Field: Int, CaseIterable {
        case title, subtitle, summary, content, link, id, guid, language, rights, generator
        case published, updated, author, personName, personEmail, personURI, category, ttl, comments
        case sourceTitle, imageURL, imageTitle, imageLink, logo, atomLink, keywords
    }

    struct CaptureExtras {
        /// A category's scheme (RSS `domain`, Atom `scheme`).
        var scheme: String?
        /// Atom content's `src`, the content's location when it is not inline.
        var source: String?
        /// The attributes of a link whose URL is its text.
        var linkAttributes = LinkAttributes()
    }

    /// The attributes of an Atom link (or `atom:link` in RSS) that make its `Link`; the last of
    /// a repeated attribute wins.
    struct LinkAttributes {
        var href, rel, type, title, hreflang, length: String?

        init() {}

        init(_ attributes: AttributeList) {
            for index in 0..<attributes.count {
                if attributes.isNamed("href", at: index) {
                    href = attributes.value(at: index)
                } else if attributes.isNamed("rel", at: index) {
                    rel = attributes.value(at: index)
                } else if attributes.isNamed("type", at: index) {
                    type = attributes.value(at: index)
                } else if attributes.isNamed("title", at: index) {
                    title = attributes.value(at: index)
                } else if attributes.isNamed("hreflang", at: index) {
                    hreflang = attributes.value(at: index)
                } else if attributes.isNamed("length", at: index) {
                    length = attributes.value(at: index)
                }
            }
        }
    }

    struct PriorityKey: Hashable {
        var field: Field
        var scope: Scope

        static let count = Field.allCases.count * 3
        var index: Int { field.rawValue * 3 + (scope == .feed ? 0 : scope == .entry ? 1 : 2) }
    }

    /// Whether unprefixed elements are Atom's: a `<feed>` root in no namespace or an unknown one.
    private(set) var defaultNamespaceIsAtom = false

    /// The matching key of an element or attribute: namespace mapped to its usual prefix, lower-cased.
    func canonicalName(local: String, writtenPrefix: String?, uri: String?) -> String {
        var prefix = Namespaces.prefix(uri: uri, writtenPrefix: writtenPrefix)
        if prefix.isEmpty, defaultNamespaceIsAtom { prefix = "atom" }
        if prefix.isEmpty, stack.isEmpty, writtenPrefix == nil, local.lowercased() == "feed" {
            defaultNamespaceIsAtom = true
            prefix = "atom"
        }
        return prefix.isEmpty ? local.lowercased() : prefix + ":" + local.lowercased()
    }

    /// Whether the root element has been seen.
    var hasRoot: Bool { format != nil || rejection != nil || !stack.isEmpty }

    private func base(of inherited: Int32) -> String? { scopes[Int(inherited)].base }

    // MARK: - Events

    /// - Parameters:
    ///   - element: the element's resolved name.
    ///   - namespaces: the namespace declarations on the element, for markup outside XHTML.
    func startElement(_ elementName: ElementName, attributes: AttributeList, namespaces: [(String?, String)]) {
        if stack.count >= maxDepth {
            isTooDeep = true
            return
        }
        let name = elementName.name
        let element = elementName.element
        let parentScope = stack.last?.inherited ?? 0
        var inherited = parentScope
        for index in 0..<attributes.count {
            let isBase = attributes.isXML("base", at: index)
            guard isBase || attributes.isXML("lang", at: index) else { continue }
            if inherited == parentScope {
                scopes.append(scopes[Int(parentScope)])
                inherited = Int32(scopes.count - 1)
            }
            if isBase {
                scopes[Int(inherited)].base = resolve(attributes.value(at: index), against: scopes[Int(inherited)].base)
            } else {
                scopes[Int(inherited)].language = attributes.value(at: index).trimmed().replacingAll("_", with: "-")
            }
        }
        if isInEntry, element == .item || element == .atomEntry, !(capture?.sawMarkup ?? false) || capture?.type == .text {
            // An item inside an item is a sibling whose predecessor was never closed (a broken
            // end tag): keep both rather than lose the second.
            if let current = capture {
                capture = nil
                finish(current)
            }
            endEntry()
            startEntry(attributes: attributes)
            stack.append(Frame(context: .item, inherited: inherited))
            return
        }
        if capture != nil {
            appendMarkupStart(elementName, attributes: attributes, namespaces: namespaces)
            stack.append(Frame(context: .ignored, inherited: inherited))
            return
        }
        if stack.isEmpty, namespaces.contains(where: { $0.1.lowercased() == Namespaces.rss090 }) {
            declaresRSS090 = true
        }
        let context = open(name: name, element: element, attributes: attributes, namespaceURI: elementName.uri, inherited: inherited)
        stack.append(Frame(context: context, inherited: inherited))
    }

    /// - Parameter elementName: the element's resolved name, asked for only when it is written
    ///   out as markup (most end tags just close a frame).
    func endElement(_ elementName: () -> ElementName) {
        guard let frame = stack.popLast() else { return }
        defer {
            // The scope this element opened ends with it, after its value is finished.
            if frame.inherited != 0, frame.inherited != stack.last?.inherited ?? 0, Int(frame.inherited) == scopes.count - 1 {
                scopes.removeLast()
            }
        }
        if let current = capture {
            if stack.count == current.depth {
                capture = nil
                finish(current)
                return
            }
            appendMarkupEnd(elementName(), capture: current)
            return
        }
        close(frame)
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard case .some = capture else { return }
        if capturesMarkup {
            HTMLEscaping.appendEscapedText(bytes, to: &captureBuffer)
        } else {
            captureBuffer.append(contentsOf: bytes)
        }
    }

    // MARK: - Opening elements

    private func open(name: String, element: Element?, attributes: AttributeList, namespaceURI: String?, inherited: Int32) -> Context {
        let parent = stack.last?.context ?? .document
        switch parent {
        case .document:
            return openRoot(name: name, element: element, attributes: attributes, namespaceURI: namespaceURI)
        case .rssRoot:
            switch element {
            case .channel: return .channel
            case .item, .atomEntry:
                startEntry(attributes: attributes)
                return .item
            case .image: return .image
            default: return .ignored
            }
        case .channel:
            return openInChannel(name: name, element: element, attributes: attributes, inherited: inherited)
        case .item:
            return openInItem(name: name, element: element, attributes: attributes, inherited: inherited)
        case .image:
            switch element {
            case .url: beginCapture(.imageURL, scope: .feed, type: .text, inherited: inherited)
            case .title: beginCapture(.imageTitle, scope: .feed, type: .text, inherited: inherited)
            case .link: beginCapture(.imageLink, scope: .feed, type: .text, inherited: inherited)
            default: break
            }
            return .ignored
        case .person(let scope):
            switch element {
            case .atomName: beginCapture(.personName, scope: scope, type: .text, inherited: inherited)
            case .atomEmail: beginCapture(.personEmail, scope: scope, type: .text, inherited: inherited)
            case .atomUri, .atomUrl: beginCapture(.personURI, scope: scope, type: .text, inherited: inherited)
            default: break
            }
            return .ignored
        case .atomSource:
            switch element {
            case .atomTitle: beginTextConstruct(.sourceTitle, scope: .source, attributes: attributes, inherited: inherited)
            case .atomLink: addAtomLink(attributes, scope: .source, inherited: inherited)
            default: break
            }
            return .ignored
        case .itunesCategory(let scope):
            if element == .itunesCategory {
                return openCategory(name: name, element: element, attributes: attributes, scope: scope, inherited: inherited)
            }
            return .ignored
        case .ignored:
            return .ignored
        }
    }

    private func openRoot(name: String, element: Element?, attributes: AttributeList, namespaceURI: String?) -> Context {
        switch element {
        case .rss:
            format = .rss
            version = attributes["version"]?.trimmed().nilIfEmpty
            return .rssRoot
        case .rdfRdf:
            format = .rdf
            version = declaresRSS090 ? "0.90" : "1.0"
            return .rssRoot
        case .atomFeed:
            format = .atom
            let declared = attributes["version"]?.trimmed().nilIfEmpty
            switch namespaceURI?.lowercased() {
            case Namespaces.atom10: version = "1.0"
            case Namespaces.atom03: version = declared ?? "0.3"
            default:
                version = declared
                notes.append("<feed> is in no Atom namespace; read as Atom")
            }
            isAtom03 = version?.hasPrefix("0.") == true
            rootLanguage = attributes["xml:lang"]
            return .channel
        case .channel:
            format = .rss
            return .channel
        case .atomEntry:
            // An Atom entry document (RFC 4287, 4.1.2): a feed of one entry.
            format = .atom
            version = namespaceURI?.lowercased() == Namespaces.atom03 ? "0.3" : "1.0"
            isAtom03 = version == "0.3"
            startEntry(attributes: attributes)
            return .item
        case .html, .xhtmlHtml:
            rejection = "an HTML page, not a feed"
            return .ignored
        default:
            rejection = "root element <\(name)> is not RSS, RDF or Atom"
            return .ignored
        }
    }

    private func openInChannel(name: String, element: Element?, attributes: AttributeList, inherited: Int32) -> Context {
        if let context = openShared(name: name, element: element, attributes: attributes, scope: .feed, inherited: inherited) {
            return context
        }
        switch element {
        case .item, .atomEntry:
            startEntry(attributes: attributes)
            return .item
        case .image:
            return .image
        case .textinput:
            return .ignored
        case .title, .atomTitle, .dcTitle:
            beginTextConstruct(.title, scope: .feed, attributes: attributes, inherited: inherited, priority: element == .dcTitle ? 1 : 0)
        case .description, .atomSubtitle, .atomTagline:
            beginTextConstruct(.subtitle, scope: .feed, attributes: attributes, inherited: inherited, priority: 0)
        case .itunesSubtitle, .dcDescription, .itunesSummary:
            beginCapture(.subtitle, scope: .feed, type: .text, inherited: inherited, priority: 1)
        case .language, .dcLanguage:
            beginCapture(.language, scope: .feed, type: .text, inherited: inherited)
        case .copyright, .atomRights, .atomCopyright, .dcRights:
            beginTextConstruct(.rights, scope: .feed, attributes: attributes, inherited: inherited, priority: element == .dcRights ? 1 : 0)
        case .generator, .atomGenerator:
            beginCapture(.generator, scope: .feed, type: .text, inherited: inherited)
        case .adminGeneratoragent:
            if let resource = attributes["rdf:resource"], feed.generator == nil {
                feed.generator = resource
            }
        case .atomLogo:
            beginCapture(.logo, scope: .feed, type: .text, inherited: inherited, priority: 0)
        case .atomIcon:
            beginCapture(.logo, scope: .feed, type: .text, inherited: inherited, priority: 1)
        case .itunesImage:
            if let href = attributes["href"], feed.image?.url == nil {
                feed.image = Image(url: resolve(href.trimmed(), against: base(of: inherited)))
            }
        case .ttl:
            beginCapture(.ttl, scope: .feed, type: .text, inherited: inherited)
        default:
            return .ignored
        }
        return .ignored
    }

    private func openInItem(name: String, element: Element?, attributes: AttributeList, inherited: Int32) -> Context {
        if let context = openShared(name: name, element: element, attributes: attributes, scope: .entry, inherited: inherited) {
            return context
        }
        switch element {
        case .title, .atomTitle, .dcTitle:
            beginTextConstruct(.title, scope: .entry, attributes: attributes, inherited: inherited, priority: element == .dcTitle ? 1 : 0)
        case .description, .atomSummary:
            beginTextConstruct(.summary, scope: .entry, attributes: attributes, inherited: inherited, priority: 0)
        case .dcDescription, .itunesSummary, .itunesSubtitle:
            beginTextConstruct(.summary, scope: .entry, attributes: attributes, inherited: inherited, priority: 1)
        case .contentEncoded, .atomContent, .xhtmlBody, .xhtmlDiv, .fullitem:
            beginContent(name: name, element: element, attributes: attributes, inherited: inherited)
        case .guid:
            let permalink = attributes["ispermalink"]?.trimmed().lowercased()
            entryGuidIsPermalink = permalink != "false"
            beginCapture(.guid, scope: .entry, type: .text, inherited: inherited)
        case .mediaTitle:
            beginTextConstruct(.title, scope: .entry, attributes: attributes, inherited: inherited, priority: 2)
        case .enclosure:
            addEnclosure(attributes, inherited: inherited)
        case .comments:
            beginCapture(.comments, scope: .entry, type: .text, inherited: inherited)
        case .source:
            if let url = attributes["url"] {
                entry.source = Source(title: entry.source?.title, link: resolve(url.trimmed(), against: base(of: inherited)))
            }
            beginCapture(.sourceTitle, scope: .source, type: .text, inherited: inherited)
        case .atomSource:
            return .atomSource
        default:
            return .ignored
        }
        return .ignored
    }

    /// Elements that read the same in a channel and in an item: links, ids, dates, authors,
    /// categories.
    /// Returns nil for any other element.
    private func openShared(name: String, element: Element?, attributes: AttributeList, scope: Scope, inherited: Int32) -> Context? {
        switch element {
        case .pubdate, .atomPublished, .atomIssued:
            beginCapture(.published, scope: scope, type: .text, inherited: inherited, priority: 0)
        case .dcDate, .dctermsIssued, .dctermsCreated, .atomCreated:
            beginCapture(.published, scope: scope, type: .text, inherited: inherited, priority: 1)
        case .lastbuilddate, .atomUpdated, .atomModified, .dctermsModified:
            beginCapture(.updated, scope: scope, type: .text, inherited: inherited)
        case .managingeditor, .author:
            beginCapture(.author, scope: scope, type: .text, inherited: inherited, priority: 0)
        case .dcCreator, .dcAuthor:
            beginCapture(.author, scope: scope, type: .text, inherited: inherited, priority: 1)
        case .itunesAuthor:
            beginCapture(.author, scope: scope, type: .text, inherited: inherited, priority: 2)
        case .atomAuthor:
            person = Person()
            return .person(scope)
        case .category, .dcSubject, .atomCategory, .itunesCategory, .mediaCategory:
            return openCategory(name: name, element: element, attributes: attributes, scope: scope, inherited: inherited)
        case .itunesKeywords, .mediaKeywords:
            beginCapture(.keywords, scope: scope, type: .text, inherited: inherited)
        case .link:
            // RSS's <link> holds the URL as text; a few feeds give it as an attribute.
            if let href = attributes["href"] {
                addAtomLink(attributes, scope: scope, inherited: inherited)
                let url = resolve(href.trimmed(), against: base(of: inherited))
                if scope == .feed { feed.link = url } else { entry.link = url }
            } else {
                beginCapture(.link, scope: scope, type: .text, inherited: inherited)
            }
        case .atomLink:
            addAtomLink(attributes, scope: scope, inherited: inherited)
        case .atomId:
            beginCapture(.id, scope: scope, type: .text, inherited: inherited)
        default:
            return nil
        }
        return .ignored
    }

    private func openCategory(name: String, element: Element?, attributes: AttributeList, scope: Scope, inherited: Int32) -> Context {
        switch element {
        case .atomCategory:
            let term = attributes["term"]
            let scheme = attributes["scheme"]
            let label = attributes["label"]
            if term != nil || label != nil {
                appendCategory(Category(term: term, scheme: scheme?.nilIfEmpty, label: label), scope: scope)
            } else {
                // Atom 0.3 and mislabelled feeds put the term in the text.
                beginCapture(.category, scope: scope, type: .text, inherited: inherited)
                captureExtras.scheme = scheme
            }
        case .itunesCategory:
            if let text = attributes["text"] {
                appendCategory(Category(term: text, scheme: "http://www.itunes.com/"), scope: scope)
            }
            return .itunesCategory(scope)
        default:
            beginCapture(.category, scope: scope, type: .text, inherited: inherited)
            if let domain = (attributes["domain"] ?? attributes["scheme"]) {
                captureExtras.scheme = domain
            } else if element == .mediaCategory {
                captureExtras.scheme = "http://search.yahoo.com/mrss/category_schema"
            }
        }
        return .ignored
    }

    private func startEntry(attributes: AttributeList) {
        entry = Entry()
        isInEntry = true
        entryGuid = nil
        entryGuidIsPermalink = false
        if let about = attributes["rdf:about"] {
            entry.id = about
        }
        // Every entry and source slot (`PriorityKey.index`: three per field, the feed's first),
        // without making `Field.allCases` for every entry.
        priorities.withUnsafeMutableBufferPointer { slots in
            for feedSlot in stride(from: 0, to: slots.count, by: 3) {
                slots[feedSlot + 1] = .max
                slots[feedSlot + 2] = .max
            }
        }
    }

    private func addAtomLink(_ attributes: AttributeList, scope: Scope, inherited: Int32) {
        let values = LinkAttributes(attributes)
        guard let rawHref = values.href else {
            // Some feeds put the URL in the text: read it, then add the link.
            beginCapture(.atomLink, scope: scope, type: .text, inherited: inherited)
            captureExtras.linkAttributes = values
            return
        }
        addAtomLink(values, href: rawHref, scope: scope, base: base(of: inherited))
    }

    private func addAtomLink(_ values: LinkAttributes, href rawHref: String, scope: Scope, base: String?) {
        let href = resolve(rawHref.trimmed(), against: base)
        let rel = values.rel?.trimmed().nilIfEmpty ?? "alternate"
        let type = values.type?.nilIfEmpty ?? (rel == "self" ? "application/atom+xml" : nil)
        let link = Link(
            href: href, rel: rel, type: type, title: values.title?.nilIfEmpty, hreflang: values.hreflang?.nilIfEmpty,
            length: values.length.flatMap { Int($0.trimmed()) })
        switch scope {
        case .feed:
            feed.links.appendElement(link)
            if rel == "alternate", feed.link == nil { feed.link = href }
        case .entry:
            entry.links.appendElement(link)
            if rel == "alternate", entry.link == nil { entry.link = href }
            if rel == "enclosure" {
                entry.enclosures.appendElement(Enclosure(url: href, type: link.type, length: link.length))
            }
        case .source:
            if rel == "alternate", entry.source?.link == nil {
                entry.source = Source(title: entry.source?.title, link: href)
            }
        }
    }

    private func addEnclosure(_ attributes: AttributeList, inherited: Int32) {
        guard let url = attributes["url"]?.trimmed(), !url.isEmpty else { return }
        let type = attributes["type"]?.trimmed().nilIfEmpty
        let length = attributes["length"].flatMap { Int($0.trimmed()) }
        entry.enclosures.appendElement(Enclosure(url: resolve(url, against: base(of: inherited)), type: type, length: length))
    }

    private func resolve(_ reference: consuming String, against base: String?) -> String {
        URLResolver.resolve(reference, against: base, cache: baseCache)
    }

    // MARK: - Captures

    private func startCapture(_ newCapture: Capture, inherited: Int32) {
        capture = newCapture
        captureInherited = inherited
        // `finish` leaves the buffer empty, so it is nearly always empty here already.
        if !captureBuffer.isEmpty { captureBuffer.removeAll(keepingCapacity: true) }
        capturesMarkup = newCapture.sawMarkup || newCapture.xhtmlWrapperDepth != nil
        if hasCaptureExtras {
            captureExtras = CaptureExtras()
            hasCaptureExtras = false
        }
    }

    private func beginCapture(_ field: Field, scope: Scope, type: TextType, inherited: Int32, priority: Int = 0) {
        if priorities[PriorityKey(field: field, scope: scope).index] < priority {
            return
        }
        startCapture(Capture(field: field, scope: scope, depth: stack.count, type: type), inherited: inherited)
        capture?.priority = priority
    }

    /// Starts a text construct: Atom's `type`/`mode` attributes decide how to read it; RSS text
    /// is HTML in descriptions and guessed elsewhere.
    private func beginTextConstruct(_ field: Field, scope: Scope, attributes: AttributeList, inherited: Int32, priority: Int = 0) {
        let typeAttribute = attributes["type"]?.trimmed().lowercased()
        let mode = attributes["mode"]?.trimmed().lowercased()
        var type: TextType
        var guesses = false
        var isBase64 = mode == "base64"
        if format == .atom || typeAttribute != nil {
            type = Self.textType(typeAttribute)
            isBase64 = isBase64 || Self.isBinary(typeAttribute)
            if isAtom03, mode == "xml" || (mode == nil && typeAttribute?.contains("html") == true) {
                type = typeAttribute == "text/plain" ? .text : (type == .text ? .html : type)
            }
        } else if field == .summary || field == .subtitle {
            type = .html
        } else {
            type = .text
            guesses = true
        }
        beginCapture(field, scope: scope, type: type, inherited: inherited, priority: priority)
        guard capture != nil else { return }
        capture?.isBase64 = isBase64
        capture?.guessesHTML = guesses
    }

    private func beginContent(name: String, element: Element?, attributes: AttributeList, inherited: Int32) {
        if name == "atom:content" {
            let typeAttribute = attributes["type"]?.trimmed().lowercased()
            let mode = attributes["mode"]?.trimmed().lowercased()
            var type = Self.textType(typeAttribute)
            if isAtom03, mode == "xml", type == .text { type = .html }
            startCapture(Capture(field: .content, scope: .entry, depth: stack.count, type: type), inherited: inherited)
            capture?.isBase64 = mode == "base64" || Self.isBinary(typeAttribute)
            if let src = attributes["src"] {
                captureExtras.source = resolve(src.trimmed(), against: base(of: inherited))
            }
        } else if name == "xhtml:body" || name == "xhtml:div" {
            startCapture(Capture(field: .content, scope: .entry, depth: stack.count, type: .xhtml), inherited: inherited)
            capture?.sawMarkup = true
            capturesMarkup = true
        } else {
            startCapture(Capture(field: .content, scope: .entry, depth: stack.count, type: .html), inherited: inherited)
        }
    }

    /// Atom content of a MIME type that is neither text nor XML is base64 (RFC 4287, 4.1.3.3).
    static func isBinary(_ attribute: String?) -> Bool {
        guard let attribute, attribute.contains("/") else { return false }
        return !attribute.hasPrefix("text/") && !attribute.hasSuffix("+xml") && !attribute.hasSuffix("/xml")
    }

    static func textType(_ attribute: String?) -> TextType {
        guard let attribute else { return .text }
        switch attribute {
        case "text", "text/plain": return .text
        case "html", "text/html": return .html
        case "xhtml", "application/xhtml+xml": return .xhtml
        default:
            if attribute.hasSuffix("+xml") || attribute.hasSuffix("/xml") { return .xhtml }
            return .text
        }
    }

    private func appendMarkupStart(_ elementName: ElementName, attributes: AttributeList, namespaces: [(String?, String)]) {
        guard var current = capture else { return }
        capture = nil
        let isWrapper =
            current.type == .xhtml && !isAtom03 && !current.sawElement && current.xhtmlWrapperDepth == nil
            && elementName.element == .xhtmlDiv && stack.count == current.depth + 1
            && captureBuffer.allSatisfy(DocumentDecoder.isXMLSpace)
        current.sawElement = true
        if isWrapper {
            current.xhtmlWrapperDepth = stack.count
            capturesMarkup = true
            captureBuffer.removeAll(keepingCapacity: true)
            capture = current
            return
        }
        if !current.sawMarkup, current.xhtmlWrapperDepth == nil {
            // Text before the first element arrived unescaped; escape it now it is markup.
            let text = captureBuffer
            captureBuffer.removeAll(keepingCapacity: true)
            text.withUnsafeBufferPointer { HTMLEscaping.appendEscapedText($0, to: &captureBuffer) }
        }
        current.sawMarkup = true
        capturesMarkup = true
        captureBuffer.append(UInt8(ascii: "<"))
        captureBuffer.append(contentsOf: elementName.written.utf8)
        var pairs: [(String, String)] = []
        for index in 0..<attributes.count {
            if let name = attributes.name(at: index) { pairs.append((name.written, attributes.value(at: index))) }
        }
        for (prefix, uri) in namespaces where uri.lowercased() != "http://www.w3.org/1999/xhtml" {
            pairs.append((prefix.map { "xmlns:" + $0 } ?? "xmlns", uri))
        }
        for (attributeName, value) in pairs {
            captureBuffer.append(UInt8(ascii: " "))
            captureBuffer.append(contentsOf: attributeName.utf8)
            captureBuffer.append(literal: "=\"")
            HTMLEscaping.appendEscapedAttribute(value, to: &captureBuffer)
            captureBuffer.append(UInt8(ascii: "\""))
        }
        if elementName.isVoid {
            captureBuffer.append(literal: " />")
        } else {
            captureBuffer.append(UInt8(ascii: ">"))
        }
        capture = current
    }

    private func appendMarkupEnd(_ elementName: ElementName, capture current: Capture) {
        if let wrapper = current.xhtmlWrapperDepth, wrapper == stack.count {
            return
        }
        guard !elementName.isVoid else { return }
        captureBuffer.append(literal: "</")
        captureBuffer.append(contentsOf: elementName.written.utf8)
        captureBuffer.append(UInt8(ascii: ">"))
    }

    // MARK: - Finishing values

    private func finish(_ capture: Capture) {
        var type = capture.type
        if capture.sawMarkup, type == .text {
            type = .html
        }
        let value = captureBuffer.withUnsafeBufferPointer { buffer -> String in
            let trimmed = ByteScan.trimmingASCIISpace(buffer)
            guard !capture.isBase64, trimmed.first.map({ $0 < 0x80 }) ?? true, trimmed.last.map({ $0 < 0x80 }) ?? true else {
                // Base64, or a non-ASCII character at an end that may be Unicode whitespace.
                var raw = String(decoding: buffer, as: UTF8.self)
                if capture.isBase64 {
                    raw = Base64.decodeToString(raw.filter { !$0.isWhitespace }) ?? raw
                }
                let text = raw.trimmed()
                if capture.guessesHTML, HTMLSanitizer.looksLikeHTML(text) { type = .html }
                return type == .text ? text : HTMLSanitizer.sanitize(text, base: captureBase)
            }
            if capture.guessesHTML, HTMLSanitizer.looksLikeHTML(trimmed) { type = .html }
            return type == .text
                ? String(decoding: trimmed, as: UTF8.self) : HTMLSanitizer.sanitize(trimmed, base: captureBase, baseCache: baseCache)
        }
        captureBuffer.removeAll(keepingCapacity: true)
        assign(value, type: type, capture: capture)
    }

    private func assign(_ value: consuming String, type: TextType, capture: Capture) {
        let scope = capture.scope
        let priority = capture.priority
        let key = PriorityKey(field: capture.field, scope: scope).index
        let previousPriority = priorities[key]
        priorities[key] = min(previousPriority, priority)
        let replaces = priority < previousPriority
        switch capture.field {
        case .title:
            if scope == .feed {
                if replaces || feed.title == nil { (feed.title, feed.titleType) = (value, type) }
            } else if replaces || entry.title == nil {
                entry.title = value
                entry.titleType = type
            }
        case .subtitle:
            if replaces || feed.subtitle == nil { (feed.subtitle, feed.subtitleType) = (value, type) }
        case .summary:
            if replaces || entry.summary == nil {
                entry.summary = value
                entry.summaryType = type
            }
        case .content:
            if let src = captureExtras.source, value.isEmpty {
                entry.links.appendElement(Link(href: src, rel: "alternate"))
                if entry.link == nil { entry.link = src }
                return
            }
            let content = Content(value: value, type: type, language: captureLanguage?.nilIfEmpty, base: captureBase)
            entry.content.appendElement(content)
        case .link:
            guard !value.isEmpty else { return }
            let href = resolve(value, against: captureBase)
            if scope == .feed {
                if feed.link == nil { feed.link = href }
                if !(feed.links ?? []).contains(where: { $0.href == href }) {
                    feed.links.appendElement(Link(href: href, rel: "alternate"))
                }
            } else {
                if entry.link == nil || (entry.links ?? []).allSatisfy({ $0.href != entry.link }) {
                    entry.link = href
                }
                if !(entry.links ?? []).contains(where: { $0.href == href }) {
                    entry.links.appendElement(Link(href: href, rel: "alternate"))
                }
            }
        case .id:
            if scope == .feed { feed.id = value } else { entry.id = value }
        case .guid:
            entry.id = value
            entryGuid = entryGuidIsPermalink ? resolve(value, against: captureBase) : nil
        case .language:
            feed.language = value
        case .rights:
            if replaces || feed.rights == nil { feed.rights = value }
        case .generator:
            feed.generator = value
        case .published, .updated:
            guard let date = DateParser.parse(value) else {
                if !value.isEmpty { notes.append("unreadable date '\(value.prefix(60))'") }
                return
            }
            if date.assumedUTC { notes.append("date '\(value.prefix(60))' has no time zone; read as UTC") }
            let isPublished = capture.field == .published
            if scope == .feed {
                if isPublished {
                    if replaces || priority == previousPriority { feed.published = date.timestamp }
                } else {
                    feed.updated = date.timestamp
                }
            } else {
                if isPublished {
                    if replaces || priority == previousPriority { entry.published = date.timestamp }
                } else {
                    entry.updated = date.timestamp
                }
            }
        case .author:
            guard !value.isEmpty else { return }
            let author = Self.person(fromRSS: value)
            if scope == .feed {
                if replaces { feed.authors = nil }
                feed.authors.appendElement(author)
            } else {
                if replaces { entry.authors = nil }
                entry.authors.appendElement(author)
            }
        case .personName: person?.name = value
        case .personEmail: person?.email = value
        case .personURI: person?.uri = resolve(value, against: captureBase)
        case .category:
            guard !value.isEmpty else { return }
            appendCategory(Category(term: value, scheme: captureExtras.scheme?.nilIfEmpty), scope: scope)
        case .ttl:
            if let minutes = Int(value) { feed.ttl = minutes }
        case .comments:
            entry.comments = resolve(value, against: captureBase)
        case .atomLink:
            if !value.isEmpty { addAtomLink(captureExtras.linkAttributes, href: value, scope: scope, base: captureBase) }
        case .keywords:
            for keyword in value.split(separator: ",") where !keyword.trimmed().isEmpty {
                appendCategory(Category(term: keyword.trimmed()), scope: scope)
            }
        case .sourceTitle:
            entry.source = Source(title: value, link: entry.source?.link)
        case .imageURL:
            feed.image = Image(url: resolve(value, against: captureBase), title: feed.image?.title, link: feed.image?.link)
        case .imageTitle:
            feed.image = Image(url: feed.image?.url, title: value, link: feed.image?.link)
        case .imageLink:
            feed.image = Image(url: feed.image?.url, title: feed.image?.title, link: resolve(value, against: captureBase))
        case .logo:
            if replaces || feed.image?.url == nil {
                feed.image = Image(url: resolve(value, against: captureBase), title: feed.image?.title, link: feed.image?.link)
            }
        }
    }

    private func appendCategory(_ category: consuming Category, scope: Scope) {
        // The list is only borrowed for the check: a copy held across the append would make
        // every append copy the whole list. The category itself moves into the list.
        let term = category.term
        let label = category.label
        func isKnown(_ list: [Category]?) -> Bool {
            list?.contains { $0.term == term && ($0.label == label || label == nil) } ?? false
        }
        switch scope {
        case .feed: if !isKnown(feed.categories) { feed.categories.appendElement(category) }
        case .entry: if !isKnown(entry.categories) { entry.categories.appendElement(category) }
        case .source: break
        }
    }

    /// Splits RSS's `jo@example.org (Jo Doe)` and `Jo Doe <jo@example.org>` into their parts.
    /// An address written as a `mailto:` URI ("Jo (mailto:jo@example.org)") is left in the name,
    /// as RSS 1.0's Dublin Core examples intend a display string there.
    static func person(fromRSS text: consuming String) -> Person {
        // Without an "@" there is no address to split off, which is the common case.
        guard text.containsByte(UInt8(ascii: "@")) else { return Person(name: text) }
        for (open, close) in [("(", ")"), ("<", ">")] {
            guard text.hasSuffix(close), let start = text.lastIndex(of: Character(open)) else { continue }
            let outside = text[..<start].trimmed()
            let inside = text[text.index(after: start)..<text.index(before: text.endIndex)].trimmed()
            if inside.contains("@"), !inside.contains(" "), !inside.hasPrefix("mailto:") {
                return Person(name: outside.nilIfEmpty, email: inside)
            }
            if outside.contains("@"), !outside.contains(" "), !outside.hasPrefix("mailto:") {
                return Person(name: inside.nilIfEmpty, email: outside)
            }
        }
        if text.contains("@"), !text.contains(" ") {
            return Person(email: text.strippingMailto())
        }
        return Person(name: text)
    }

    // MARK: - Closing elements

    private func close(_ frame: Frame) {
        switch frame.context {
        case .item:
            guard isInEntry else { return }
            endEntry()
        case .person(let scope):
            guard let finished = person, !finished.isEmpty else { return }
            person = nil
            switch scope {
            case .feed: feed.authors.appendElement(finished)
            case .entry: entry.authors.appendElement(finished)
            case .source: break
            }
        default:
            break
        }
    }

    private func endEntry() {
        if entry.link == nil, let guid = entryGuid {
            entry.link = guid
            entry.links.appendElement(Link(href: guid, rel: "alternate"))
        }
        // Moved rather than copied: a copy would retain, then release, every string of the entry.
        var finished = Entry()
        swap(&finished, &entry)
        entries.append(finished)
        isInEntry = false
    }

    /// The feed, once the document has ended; its entries are handed over, not kept.
    func result(encoding: String, problems extra: [String]) -> ParsedFeed? {
        guard let format else { return nil }
        if isInEntry {
            // A truncated document: keep the entry that was being read.
            endEntry()
        }
        if feed.language == nil, let rootLanguage = rootLanguage?.trimmed().nilIfEmpty {
            feed.language = rootLanguage.replacingAll("_", with: "-")
        }
        let errors = extra + problems
        let parsed = ParsedFeed(
            format: format, version: version, bozo: !errors.isEmpty, problems: errors + notes, encoding: encoding, feed: feed,
            entries: entries)
        // Handed over, not shared: the daemon moves the entries out of the result one by one,
        // which a second reference to them would turn into a copy of all of them.
        entries = []
        return parsed
    }
}

extension String {
    /// The text without leading and trailing whitespace; the string itself, not a copy, when
    /// both ends are printable ASCII (nearly every value a feed gives).
    func trimmed() -> String {
        let isTrimmed = utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
        }
        return isTrimmed == true ? self : self[...].trimmed()
    }
}

extension Substring {
    /// The text without leading and trailing whitespace. ASCII ends are found on the UTF-8 view,
    /// which is the common case and much cheaper than walking Unicode scalars.
    func trimmed() -> String {
        let utf8 = self.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return "" }
        if firstByte < 0x80, lastByte < 0x80, !ByteScan.isASCIISpace(firstByte), !ByteScan.isASCIISpace(lastByte) {
            return String(self)
        }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, ByteScan.isASCIISpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, ByteScan.isASCIISpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        let inner = self[start..<end]
        guard let innerFirst = inner.utf8.first, let innerLast = inner.utf8.last else { return "" }
        if innerFirst < 0x80, innerLast < 0x80 { return String(inner) }
        // A non-ASCII character at an end: it may be Unicode whitespace (a no-break space).
        let scalars = inner.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex { !$0.properties.isWhitespace }!
        return String(inner[first...last])
    }

}

extension String {
    func strippingMailto() -> String {
        hasPrefix("mailto:") ? String(dropFirst(7)) : self
    }

    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Optional {
    /// Appends to the array in place, making it when there is none yet: the builder's lists are
    /// optional (absent in the JSON when empty), and `(list ?? []) + [element]` would copy the
    /// whole list for every element.
    mutating func appendElement<Element>(_ element: consuming Element) where Wrapped == [Element] {
        guard self != nil else {
            var list: [Element] = []
            list.reserveCapacity(4)
            list.append(element)
            self = list
            return
        }
        self!.append(element)
    }
}
