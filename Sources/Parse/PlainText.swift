import AINewsCore
import CLibXML2

/// Turns item HTML into plain text for the stages that read words, not markup (tagging,
/// clustering, summaries, plain-text digests): text is kept, a block element starts a new
/// paragraph, whitespace folds, and scripts, styles and other non-content elements are dropped.
/// Simple markup is read from its bytes (`SimpleMarkupText`); the rest through the tree
/// libxml2's HTML parser builds, which decides what both readings give.
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
        var html = html
        if let text = html.withUTF8({ SimpleMarkupText.text(of: $0) }) { return text }
        return readWithLibxml2(html)
    }

    /// The text as libxml2's HTML parser reads it: for markup `SimpleMarkupText` leaves alone.
    static func readWithLibxml2(_ html: String) -> String {
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
        var text = FoldedText(capacity: html.utf8.count)
        walk(xmlDocGetRootElement(document), into: &text)
        return text.string
    }

    private static func walk(_ start: xmlNodePtr?, into text: inout FoldedText) {
        var node = start
        while let element = node {
            switch element.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = element.pointee.content {
                    text.append(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                }
            case XML_ELEMENT_NODE:
                let name = element.pointee.name.map { ShortNameSet.Key(UnsafeBufferPointer(start: $0, count: Int(xmlStrlen($0)))) } ?? nil
                if skippedElements.contains(name) { break }
                let isBlock = blockElements.contains(name)
                if isBlock { text.breakParagraph() }
                walk(element.pointee.children, into: &text)
                if isBlock { text.breakParagraph() }
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
            var folded = FoldedText(capacity: bytes.count)
            folded.append(bytes)
            return folded.string
        }
    }

    /// Text written as it is folded, in one pass with no string per node: whitespace runs become
    /// one space, paragraph breaks one blank line, and neither is written at either end or
    /// twice in a row.
    struct FoldedText {
        private var bytes: [UInt8] = []
        /// Whether the current paragraph has text yet: whitespace before it is dropped.
        private var paragraphHasText = false
        /// Whether whitespace came since the paragraph's last text.
        private var pendingSpace = false

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }

        /// Ends the current paragraph; the next text starts a new one.
        mutating func breakParagraph() {
            paragraphHasText = false
            pendingSpace = false
        }

        mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
            var index = 0
            while index < text.count {
                let byte = text[index]
                if byte > 0x20, byte < 0x80 {
                    // A run of printable ASCII with single spaces inside, the common case, is
                    // copied whole: a lone space between two characters is written as it is.
                    var end = index + 1
                    while end < text.count {
                        if end + 8 <= text.count, ByteScan.isPrintableWithLoneSpaces(text, at: end) {
                            end += 8
                            continue
                        }
                        let next = text[end]
                        if next > 0x20, next < 0x80 {
                            end += 1
                        } else if next == 0x20, end + 1 < text.count, text[end + 1] > 0x20, text[end + 1] < 0x80 {
                            end += 2
                        } else {
                            break
                        }
                    }
                    separate()
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[index..<end]))
                    index = end
                    continue
                }
                let length = PlainText.whitespaceLength(text, at: index)
                if length > 0 {
                    if paragraphHasText { pendingSpace = true }
                    index += length
                    continue
                }
                separate()
                bytes.append(byte)
                index += 1
            }
        }

        /// Writes what goes before new text: a blank line between paragraphs, a space for whitespace.
        @inline(__always)
        private mutating func separate() {
            if !paragraphHasText {
                if !bytes.isEmpty {
                    bytes.append(0x0A)
                    bytes.append(0x0A)
                }
                paragraphHasText = true
            } else if pendingSpace {
                bytes.append(0x20)
            }
            pendingSpace = false
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
