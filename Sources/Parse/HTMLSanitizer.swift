/// Makes item HTML safe to show and self-contained: removes scripts, styles, frames, plug-ins,
/// event-handler attributes and `javascript:` URLs, resolves relative `href`/`src` against the
/// item's base, and writes every tag back in one normal form (lower-case names, double-quoted
/// escaped attributes, `<br />` for void elements).
///
/// It is a tokenizer, not a tree builder, so it never reorders or invents content; text between
/// tags passes through untouched. Comments, doctypes and processing instructions are dropped.
public enum HTMLSanitizer {
    /// Elements removed together with everything inside them.
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "applet", "frame", "frameset", "noscript", "noembed", "noframes", "template",
    ]
    /// Elements removed while their content stays.
    static let droppedTags: Set<String> = ["html", "head", "body", "meta", "link", "base", "param", "form"]
    static let voidElements: Set<String> = [
        "area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link", "meta", "param", "source", "track", "wbr",
    ]
    static let urlAttributes: Set<String> = [
        "href", "src", "action", "background", "cite", "codebase", "data", "dynsrc", "longdesc", "lowsrc", "poster", "usemap",
    ]
    static let acceptableElements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br", "button", "canvas",
        "caption", "center", "cite", "code", "col", "colgroup", "command", "datagrid", "datalist", "dd", "del", "details", "dfn",
        "dialog", "dir", "div", "dl", "dt", "em", "event-source", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd", "keygen", "label", "legend", "li", "m", "map",
        "menu", "meter", "multicol", "nav", "nextid", "noscript", "ol", "optgroup", "option", "output", "p", "pre", "progress", "q",
        "s", "samp", "section", "select", "small", "sound", "source", "spacer", "span", "strike", "strong", "sub", "sup", "table",
        "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
    ]

    /// The sanitised form of `html`, with relative URLs resolved against `base`.
    public static func sanitize(_ html: String, base: String?) -> String {
        let bytes = Array(html.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else { return html }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var skipping: String?
        var skipDepth = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                index = copyReference(bytes, at: index, into: &output, isSkipping: skipping != nil)
                continue
            }
            guard byte == UInt8(ascii: "<"), index + 1 < count else {
                if skipping == nil { output.append(contentsOf: byte == UInt8(ascii: "<") ? Array("&lt;".utf8) : [byte]) }
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "?")
                || (next == UInt8(ascii: "!") && index + 2 < count
                    && (bytes[index + 2] == UInt8(ascii: "-") || isLetter(bytes[index + 2]) || bytes[index + 2] == UInt8(ascii: "[")))
            {
                index = skipDeclaration(bytes, from: index)
                continue
            }
            let isEnd = next == UInt8(ascii: "/")
            let nameStart = index + (isEnd ? 2 : 1)
            guard nameStart < count, isLetter(bytes[nameStart]) else {
                if skipping == nil { output.append(contentsOf: "&lt;".utf8) }
                index += 1
                continue
            }
            guard let tag = Tag.read(bytes, from: nameStart) else {
                // An unterminated tag: the rest is text.
                if skipping == nil { output.append(contentsOf: "&lt;".utf8) }
                index += 1
                continue
            }
            index = tag.end
            if let skipped = skipping {
                if tag.name == skipped {
                    if isEnd {
                        skipDepth -= 1
                        if skipDepth == 0 { skipping = nil }
                    } else if !tag.isSelfClosing {
                        skipDepth += 1
                    }
                }
                continue
            }
            if droppedWithContent.contains(tag.name) {
                if !isEnd, !tag.isSelfClosing, !voidElements.contains(tag.name) {
                    skipping = tag.name
                    skipDepth = 1
                }
                continue
            }
            if droppedTags.contains(tag.name) { continue }
            if isEnd {
                if !voidElements.contains(tag.name) {
                    output.append(contentsOf: "</".utf8)
                    output.append(contentsOf: tag.name.utf8)
                    output.append(UInt8(ascii: ">"))
                }
                continue
            }
            output.append(UInt8(ascii: "<"))
            output.append(contentsOf: tag.name.utf8)
            for (name, value) in tag.attributes.sorted(by: { $0.0 < $1.0 }) {
                if name.hasPrefix("on") || name == "formaction" { continue }
                var value = value
                if urlAttributes.contains(name) {
                    let lowered = value.trimmed().lowercased().filter { !$0.isWhitespace }
                    if lowered.hasPrefix("javascript:") || lowered.hasPrefix("vbscript:") { continue }
                    value = URLResolver.resolve(value, against: base)
                } else if name == "style", value.lowercased().contains("expression(") || value.lowercased().contains("javascript:") {
                    continue
                }
                output.append(UInt8(ascii: " "))
                output.append(contentsOf: name.utf8)
                output.append(contentsOf: "=\"".utf8)
                appendAttribute(value, to: &output)
                output.append(UInt8(ascii: "\""))
            }
            if voidElements.contains(tag.name) || tag.isSelfClosing {
                output.append(contentsOf: " />".utf8)
            } else {
                output.append(UInt8(ascii: ">"))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Copies a character or entity reference as it is (`&#X61;` as `&#x61;`), or escapes a bare
    /// `&`; returns the index after what it used.
    private static func copyReference(_ bytes: [UInt8], at index: Int, into output: inout [UInt8], isSkipping: Bool) -> Int {
        var end = index + 1
        let isNumeric = end < bytes.count && bytes[end] == UInt8(ascii: "#")
        if isNumeric {
            end += 1
            if end < bytes.count, bytes[end] == UInt8(ascii: "x") || bytes[end] == UInt8(ascii: "X") { end += 1 }
        }
        let start = end
        while end < bytes.count, end - start < 32, isLetter(bytes[end]) || isDigitByte(bytes[end]) { end += 1 }
        let isReference = end > start && end < bytes.count && bytes[end] == UInt8(ascii: ";")
        guard !isSkipping else { return isReference ? end + 1 : index + 1 }
        guard isReference else {
            output.append(contentsOf: "&amp;".utf8)
            return index + 1
        }
        if isNumeric {
            // References to C1 controls mean windows-1252 characters, as browsers read them.
            let digits = String(decoding: bytes[start..<end], as: UTF8.self)
            if let value = UInt32(digits, radix: end - start > 0 && start - index == 3 ? 16 : 10), (0x80...0x9F).contains(value) {
                output.append(contentsOf: "&#x\(String(XMLRepair.fixedCodePoint(value), radix: 16));".utf8)
                return end + 1
            }
        }
        for position in index...end {
            output.append(bytes[position] == UInt8(ascii: "X") && position == index + 2 && isNumeric ? UInt8(ascii: "x") : bytes[position])
        }
        return end + 1
    }

    /// feedparser's heuristic for RSS text that is really HTML: a closing tag or an entity, and
    /// only known HTML elements.
    static func looksLikeHTML(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var hasCloseTag = false
        var hasEntity = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<"), index + 1 < bytes.count {
                var start = index + 1
                let isEnd = bytes[start] == UInt8(ascii: "/")
                if isEnd { start += 1 }
                var end = start
                while end < bytes.count, isLetter(bytes[end]) || (end > start && isDigitByte(bytes[end])) { end += 1 }
                if end > start {
                    let name = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
                    if !acceptableElements.contains(name) { return false }
                    if isEnd, end < bytes.count, bytes[end] == UInt8(ascii: ">") { hasCloseTag = true }
                }
            } else if byte == UInt8(ascii: "&") {
                var end = index + 1
                if end < bytes.count, bytes[end] == UInt8(ascii: "#") { end += 1 }
                let start = end
                while end < bytes.count, isLetter(bytes[end]) || isDigitByte(bytes[end]) { end += 1 }
                if end > start, end < bytes.count, bytes[end] == UInt8(ascii: ";") {
                    let name = String(decoding: bytes[start..<end], as: UTF8.self)
                    if bytes[index + 1] != UInt8(ascii: "#"), XMLRepair.htmlEntity(name) == nil { return false }
                    hasEntity = true
                }
            }
            index += 1
        }
        return hasCloseTag || hasEntity
    }

    private static func skipDeclaration(_ bytes: [UInt8], from start: Int) -> Int {
        if bytes.count - start >= 4, bytes[start + 2] == UInt8(ascii: "-"), bytes[start + 3] == UInt8(ascii: "-") {
            var index = start + 4
            while index + 2 < bytes.count {
                if bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == UInt8(ascii: ">") {
                    return index + 3
                }
                index += 1
            }
            return bytes.count
        }
        var index = start + 2
        while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
        return min(index + 1, bytes.count)
    }

    private static func appendAttribute(_ value: String, to output: inout [UInt8]) {
        HTMLEscaping.appendEscapedAttribute(value, to: &output)
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    static func isDigitByte(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// One start or end tag read from HTML source.
    struct Tag {
        var name: String
        var attributes: [(String, String)] = []
        var isSelfClosing = false
        var end: Int

        static func read(_ bytes: [UInt8], from nameStart: Int) -> Tag? {
            var index = nameStart
            let count = bytes.count
            while index < count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") { index += 1 }
            var tag = Tag(name: String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased(), end: index)
            while index < count {
                while index < count, isSpace(bytes[index]) { index += 1 }
                guard index < count else { return nil }
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") {
                    tag.end = index + 1
                    return tag
                }
                if byte == UInt8(ascii: "/") {
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: ">") { tag.isSelfClosing = true }
                    index += 1
                    continue
                }
                let attributeStart = index
                while index < count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ">"),
                    !(bytes[index] == UInt8(ascii: "/") && index + 1 < count && bytes[index + 1] == UInt8(ascii: ">"))
                {
                    index += 1
                }
                let name = String(decoding: bytes[attributeStart..<index], as: UTF8.self).lowercased()
                while index < count, isSpace(bytes[index]) { index += 1 }
                var value = ""
                if index < count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    while index < count, isSpace(bytes[index]) { index += 1 }
                    guard index < count else { return nil }
                    let quote = bytes[index]
                    if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                        let valueStart = index + 1
                        guard let close = bytes[valueStart...].firstIndex(of: quote) else { return nil }
                        value = String(decoding: bytes[valueStart..<close], as: UTF8.self)
                        index = close + 1
                    } else {
                        let valueStart = index
                        while index < count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
                        value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    }
                } else {
                    value = name
                }
                if !name.isEmpty, !tag.attributes.contains(where: { $0.0 == name }) {
                    tag.attributes.append((name, HTMLEntities.decodeAttribute(value)))
                }
            }
            return nil
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C
        }
    }
}
