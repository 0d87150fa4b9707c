import AINewsCore

/// Plain text from the markup most items carry (paragraphs, lists, links, emphasis, images,
/// properly nested, lightly escaped) read straight from the bytes, with the text, paragraphs and
/// whitespace libxml2's HTML parser gives for it; building libxml2's tree for every item was a
/// fifth of a first fetch cycle. Anything else (comments, scripts, tables, unknown or misnested
/// elements, rare entities, control characters) is left to libxml2: `text(of:)` returns nil.
/// The tests hold the two readings equal over every fixture and over generated markup.
enum SimpleMarkupText {
    /// Elements only text and other inline elements go in.
    static let inlineElements = ShortNameSet([
        "a", "abbr", "acronym", "b", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd", "q", "s", "samp", "small", "span",
        "strike", "strong", "sub", "sup", "tt", "u", "var",
    ])
    /// Blocks that hold other blocks; the HTML5 ones are unknown to libxml2, which closes
    /// nothing for them.
    static let containerElements = ShortNameSet([
        "div", "blockquote", "ul", "ol", "li", "figure", "figcaption", "section", "article", "header", "footer", "aside", "nav", "main",
    ])
    /// Blocks that hold text and inline elements only.
    static let leafBlockElements = ShortNameSet(["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"])
    /// Elements without content: a paragraph break (`br`, `hr`) or nothing (`img`).
    static let voidElements = ShortNameSet(["br", "img", "hr"])

    /// The plain text of `html`, or nil when libxml2 must read it.
    static func text(of html: UnsafeBufferPointer<UInt8>) -> String? {
        var reader = Reader(input: html)
        return reader.run() ? reader.text.string : nil
    }

    private struct Reader {
        /// An open element.
        struct Frame {
            var name: ShortNameSet.Key
            var kind: Kind
        }

        enum Kind { case inline, container, leafBlock }

        let input: UnsafeBufferPointer<UInt8>
        var index = 0
        var text: PlainText.FoldedText
        /// The open elements; the first is the `<div>` that libxml2's reading wraps around the item.
        var stack = [Frame(name: ShortNameSet.Key("div")!, kind: .container)]

        init(input: UnsafeBufferPointer<UInt8>) {
            self.input = input
            text = PlainText.FoldedText(capacity: input.count)
        }

        /// Reads the whole input; false as soon as something is not simple.
        mutating func run() -> Bool {
            while index < input.count {
                let start = index
                while true {
                    // Only these bytes can end a run of text; the others are passed over eight at a time.
                    index = ByteScan.first(input, from: index, UInt8(ascii: "<"), UInt8(ascii: "&"), 0xEF, controls: true) {
                        $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") || $0 == 0xEF || $0 < 0x20
                    }
                    guard index < input.count else { break }
                    let byte = input[index]
                    if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") { break }
                    if byte < 0x20 {
                        guard byte == 0x09 || byte == 0x0A || byte == 0x0D else { return false }
                    } else if index + 2 < input.count, input[index + 1] == 0xBF, input[index + 2] >= 0xBE {
                        // U+FFFE and U+FFFF, which libxml2 refuses.
                        return false
                    }
                    index += 1
                }
                if index > start { text.append(UnsafeBufferPointer(rebasing: input[start..<index])) }
                guard index < input.count else { return true }
                if input[index] == UInt8(ascii: "&") {
                    guard readReference() else { return false }
                } else {
                    guard readTag() else { return false }
                }
            }
            return true
        }

        /// An HTML 4 entity (`&amp;`, `&copy;`) or a character reference to a character libxml2
        /// accepts; false for anything else.
        mutating func readReference() -> Bool {
            var end = index + 1
            while end < input.count, end - index <= 10, input[end] != UInt8(ascii: ";") { end += 1 }
            guard end < input.count, input[end] == UInt8(ascii: ";") else { return false }
            let name = UnsafeBufferPointer(rebasing: input[(index + 1)..<end])
            let value: UInt32?
            if name.first == UInt8(ascii: "#") {
                value = Self.characterReference(UnsafeBufferPointer(rebasing: name.dropFirst()))
            } else {
                // The repair filter's table: libxml2's HTML 4 entities, case-sensitive as libxml2 reads them.
                value = name.allSatisfy(Self.isNameByte) ? XMLRepair.htmlEntity(String(decoding: name, as: UTF8.self)) : nil
            }
            guard let value, let scalar = Unicode.Scalar(value), let encoded = UTF8.encode(scalar) else { return false }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { buffer in
                var count = 0
                for unit in encoded {
                    buffer[count] = unit
                    count += 1
                }
                text.append(UnsafeBufferPointer(rebasing: buffer[..<count]))
            }
            index = end + 1
            return true
        }

        /// The value of `#123` or `#x7B` (without the `#`), when libxml2 reads it as that character.
        static func characterReference(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
            var rest = digits[...]
            let isHex = rest.first.map { $0 | 0x20 == UInt8(ascii: "x") } ?? false
            if isHex { rest = rest.dropFirst() }
            guard !rest.isEmpty, rest.count <= 7, rest.allSatisfy({ XMLRepair.isDigit($0, hex: isHex) }),
                let value = UInt32(String(decoding: rest, as: UTF8.self), radix: isHex ? 16 : 10)
            else { return nil }
            let accepted =
                value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0x7E).contains(value) || (0xA0...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
            return accepted ? value : nil
        }

        /// A start or end tag of a simple element, nested as libxml2 would leave it.
        mutating func readTag() -> Bool {
            var position = index + 1
            let isEnd = position < input.count && input[position] == UInt8(ascii: "/")
            if isEnd { position += 1 }
            let nameStart = position
            while position < input.count, Self.isNameByte(input[position]) { position += 1 }
            guard position > nameStart, position < input.count,
                let name = ShortNameSet.Key(UnsafeBufferPointer(rebasing: input[nameStart..<position])),
                HTMLSanitizer.isLetter(input[nameStart]),
                DocumentDecoder.isXMLSpace(input[position]) || input[position] == UInt8(ascii: "/") || input[position] == UInt8(ascii: ">")
            else { return false }
            // The attributes: double-quoted values, nothing libxml2 could read another way.
            var inQuotes = false
            var hasSlash = false
            while position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    inQuotes.toggle()
                } else if !inQuotes {
                    if byte == UInt8(ascii: ">") { break }
                    guard !isEnd || DocumentDecoder.isXMLSpace(byte) else { return false }
                    guard byte != UInt8(ascii: "'"), byte != UInt8(ascii: "<"), byte != UInt8(ascii: "&") else { return false }
                    if byte == UInt8(ascii: "/") { hasSlash = true }
                }
                position += 1
            }
            guard position < input.count else { return false }
            index = position + 1
            return isEnd ? close(name) : open(name, hasSlash: hasSlash)
        }

        /// `hasSlash`: a `/` in the tag, which only void elements may have (`<br />`).
        mutating func open(_ name: ShortNameSet.Key, hasSlash: Bool) -> Bool {
            let parent = stack[stack.count - 1]
            let parentIsList = parent.name == ShortNameSet.Key("ul") || parent.name == ShortNameSet.Key("ol")
            // Blocks only inside blocks that hold blocks (elsewhere libxml2 closes elements to
            // make room), list items only in lists, no link inside a link.
            let inBlocksOnly = stack.allSatisfy { $0.kind == .container }
            let kind: Kind
            if SimpleMarkupText.voidElements.contains(name) {
                if name == ShortNameSet.Key("hr") { guard inBlocksOnly, !parentIsList else { return false } }
                if PlainText.blockElements.contains(name) { text.breakParagraph() }
                return true
            } else if SimpleMarkupText.inlineElements.contains(name) {
                guard !parentIsList, name != ShortNameSet.Key("a") || !stack.contains(where: { $0.name == name }) else { return false }
                kind = .inline
            } else if SimpleMarkupText.containerElements.contains(name) || SimpleMarkupText.leafBlockElements.contains(name) {
                guard inBlocksOnly, parentIsList == (name == ShortNameSet.Key("li")) else { return false }
                kind = SimpleMarkupText.containerElements.contains(name) ? .container : .leafBlock
            } else {
                return false
            }
            guard !hasSlash else { return false }
            stack.append(Frame(name: name, kind: kind))
            if kind != .inline { text.breakParagraph() }
            return true
        }

        mutating func close(_ name: ShortNameSet.Key) -> Bool {
            guard stack.count > 1, stack[stack.count - 1].name == name else { return false }
            let closed = stack.removeLast()
            if closed.kind != .inline { text.breakParagraph() }
            return true
        }

        static func isNameByte(_ byte: UInt8) -> Bool {
            HTMLSanitizer.isLetter(byte) || HTMLSanitizer.isDigitByte(byte)
        }
    }
}
