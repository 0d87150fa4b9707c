import CLibXML2

/// Turns item HTML into plain text for the stages that read words, not markup (tagging,
/// clustering, summaries, plain-text digests): libxml2's HTML parser builds the tree, and a
/// walk keeps text, starts a new paragraph at each block element, folds whitespace and drops
/// scripts, styles and other non-content elements.
public enum PlainText {
    static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "br",
    ]
    static let skippedElements: Set<String> = ["script", "style", "noscript", "iframe", "object", "embed", "template", "head", "title"]

    /// The visible text of `html`, paragraphs separated by a blank line.
    ///
    /// ```swift
    /// PlainText.fromHTML("<p>Hello&nbsp;<b>world</b></p><p>Bye</p>")  // "Hello world\n\nBye"
    /// ```
    public static func fromHTML(_ html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return fold(html)
        }
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NOIMPLIED.rawValue | HTML_PARSE_COMPACT.rawValue)
        // A wrapper element keeps leading text from being dropped by the parser.
        let wrapped = "<div>" + html + "</div>"
        let length = Int32(clamping: wrapped.utf8.count)
        guard let document = wrapped.withCString({ htmlReadMemory($0, length, nil, "UTF-8", options) }) else {
            return fold(html)
        }
        defer { xmlFreeDoc(document) }
        var paragraphs: [String] = []
        var current = ""
        walk(xmlDocGetRootElement(document), paragraphs: &paragraphs, current: &current)
        paragraphs.append(current)
        return paragraphs.map(fold).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    private static func walk(_ start: xmlNodePtr?, paragraphs: inout [String], current: inout String) {
        var node = start
        while let element = node {
            switch element.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = element.pointee.content {
                    current += String(cString: content)
                }
            case XML_ELEMENT_NODE:
                let name = element.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if skippedElements.contains(name) { break }
                let isBlock = blockElements.contains(name)
                if isBlock {
                    paragraphs.append(current)
                    current = ""
                }
                walk(element.pointee.children, paragraphs: &paragraphs, current: &current)
                if isBlock {
                    paragraphs.append(current)
                    current = ""
                }
            default:
                break
            }
            node = element.pointee.next
        }
    }

    /// Collapses runs of whitespace (including no-break spaces) to one space and trims the ends.
    static func fold(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{A0}" {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.unicodeScalars.append(" ")
                pendingSpace = false
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
