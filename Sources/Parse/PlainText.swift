import CLibXML2

/// Turns item HTML into plain text for the stages that read words, not markup (tagging,
/// clustering, summaries, plain-text digests): libxml2's HTML parser builds the tree, and a
/// walk keeps text, starts a new paragraph at each block element, folds whitespace and drops
/// scripts, styles and other non-content elements.
public enum PlainText {
    static let blockElements = ShortNameSet([
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "br",
    ])
    static let skippedElements = ShortNameSet(["script", "style", "noscript", "iframe", "object", "embed", "template", "head", "title"])

    /// The visible text of `html`, paragraphs separated by a blank line.
    ///
    /// ```swift
    /// PlainText.fromHTML("<p>Hello&nbsp;<b>world</b></p><p>Bye</p>")  // "Hello world\n\nBye"
    /// ```
    public static func fromHTML(_ html: String) -> String {
        guard html.containsByte(UInt8(ascii: "<")) || html.containsByte(UInt8(ascii: "&")) else {
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
                let name = element.pointee.name.map { ShortNameSet.Key(UnsafeBufferPointer(start: $0, count: Int(xmlStrlen($0)))) } ?? nil
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

    /// Collapses runs of whitespace (Unicode's White_Space, no-break spaces included) to one
    /// space and trims the ends; works on UTF-8 bytes, as this runs over every item's text.
    static func fold(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let length = whitespaceLength(bytes, at: index)
                if length > 0 {
                    pendingSpace = !output.isEmpty
                    index += length
                    continue
                }
                if pendingSpace {
                    output.append(0x20)
                    pendingSpace = false
                }
                // The run up to the next whitespace is copied whole.
                var end = index + 1
                while end < bytes.count, whitespaceLength(bytes, at: end) == 0 { end += 1 }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// The byte length of the whitespace character at `index`, or 0.
    @inline(__always)
    static func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (0x09...0x0D).contains(byte) ? 1 : 0 }
        let remaining = bytes.count - index
        switch byte {
        case 0xC2 where remaining >= 2:
            return bytes[index + 1] == 0xA0 || bytes[index + 1] == 0x85 ? 2 : 0  // U+00A0, U+0085
        case 0xE1 where remaining >= 3:
            return bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80 ? 3 : 0  // U+1680
        case 0xE2 where remaining >= 3:
            let second = bytes[index + 1]
            let third = bytes[index + 2]
            // U+2000–200A, U+2028, U+2029, U+202F
            if second == 0x80, (0x80...0x8A).contains(third) || third == 0xA8 || third == 0xA9 || third == 0xAF { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : 0  // U+205F
        case 0xE3 where remaining >= 3:
            return bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 ? 3 : 0  // U+3000
        default:
            return 0
        }
    }
}
