import AINewsCore

/// Makes item HTML safe to show and self-contained: removes scripts, styles, frames, plug-ins,
/// event-handler attributes and `javascript:` URLs, resolves relative `href`/`src` against the
/// item's base, and writes every tag back in one normal form (lower-case names, double-quoted
/// escaped attributes, `<br />` for void elements).
///
/// It is a tokenizer, not a tree builder, so it never reorders or invents content; text between
/// tags passes through untouched. Comments, doctypes and processing instructions are dropped.
public enum HTMLSanitizer {
    /// Elements removed together with everything inside them.
    static let droppedWithContent = ShortNameSet([
        "script", "style", "iframe", "object", "embed", "applet", "frame", "frameset", "noscript", "noembed", "noframes", "template",
    ])
    /// Elements removed while their content stays.
    static let droppedTags = ShortNameSet(["html", "head", "body", "meta", "link", "base", "param", "form"])
    static let voidElements = ShortNameSet([
        "area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link", "meta", "param", "source", "track", "wbr",
    ])
    static let urlAttributes = ShortNameSet([
        "href", "src", "action", "background", "cite", "codebase", "data", "dynsrc", "longdesc", "lowsrc", "poster", "usemap",
    ])
    static let acceptableElements = ShortNameSet([
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br", "button", "canvas",
        "caption", "center", "cite", "code", "col", "colgroup", "command", "datagrid", "datalist", "dd", "del", "details", "dfn",
        "dialog", "dir", "div", "dl", "dt", "em", "event-source", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd", "keygen", "label", "legend", "li", "m", "map",
        "menu", "meter", "multicol", "nav", "nextid", "noscript", "ol", "optgroup", "option", "output", "p", "pre", "progress", "q",
        "s", "samp", "section", "select", "small", "sound", "source", "spacer", "span", "strike", "strong", "sub", "sup", "table",
        "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
    ])

    /// The sanitised form of `html`, with relative URLs resolved against `base`.
    public static func sanitize(_ html: String, base: String?) -> String {
        var html = html
        return html.withUTF8 { sanitize($0, base: base) }
    }

    /// The sanitised form of the UTF-8 `html`, with relative URLs resolved against `base`.
    static func sanitize(_ html: UnsafeBufferPointer<UInt8>, base: String?, baseCache: URLResolver.BaseCache = URLResolver.BaseCache()) -> String {
        guard Writer.firstMarkup(html, from: 0) < html.count else { return String(decoding: html, as: UTF8.self) }
        var writer = Writer(input: html, base: base, baseCache: baseCache)
        writer.run()
        return String(decoding: writer.output, as: UTF8.self)
    }

    /// One pass over the input bytes, copying text in runs and rewriting each tag.
    private struct Writer {
        let input: UnsafeBufferPointer<UInt8>
        let base: String?
        var output: [UInt8] = []
        var index = 0
        /// The element whose content is being dropped, and how deeply it is nested in itself.
        var skipping: ShortNameSet.Key?
        var skipDepth = 0
        let baseCache: URLResolver.BaseCache
        /// Attribute ranges of the current tag, reused from tag to tag.
        var attributes: [AttributeRange] = []

        init(input: UnsafeBufferPointer<UInt8>, base: String?, baseCache: URLResolver.BaseCache) {
            self.baseCache = baseCache
            self.input = input
            self.base = base
            output.reserveCapacity(input.count + 64)
        }

        mutating func run() {
            let count = input.count
            while index < count {
                let end = Self.firstMarkup(input, from: index)
                if end > index {
                    if skipping == nil { output.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<end])) }
                    index = end
                    if index == count { return }
                }
                if input[index] == UInt8(ascii: "&") {
                    copyReference()
                } else {
                    readMarkup()
                }
            }
        }

        /// The index of the first `<` or `&` at or after `start`, or the end.
        static func firstMarkup(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
            ByteScan.first(bytes, from: start, UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "<"), controls: false) {
                $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&")
            }
        }

        /// Copies a character or entity reference (`&#X61;` as `&#x61;`, C1 references as the
        /// windows-1252 character), or escapes a bare `&`.
        mutating func copyReference() {
            let start = index
            var end = start + 1
            let isNumeric = end < input.count && input[end] == UInt8(ascii: "#")
            var isHex = false
            if isNumeric {
                end += 1
                if end < input.count, input[end] | 0x20 == UInt8(ascii: "x") {
                    isHex = true
                    end += 1
                }
            }
            let digitsStart = end
            while end < input.count, end - digitsStart < 32, isLetter(input[end]) || isDigitByte(input[end]) { end += 1 }
            let isReference = end > digitsStart && end < input.count && input[end] == UInt8(ascii: ";")
            index = isReference ? end + 1 : start + 1
            guard skipping == nil else { return }
            guard isReference else {
                output.append(literal: "&amp;")
                return
            }
            if isNumeric {
                var value: UInt32 = 0
                for position in digitsStart..<end {
                    let digit = input[position]
                    let nibble: UInt32 = isDigitByte(digit) ? UInt32(digit - 48) : UInt32((digit | 0x20) - 87)
                    value = value &* (isHex ? 16 : 10) &+ nibble
                }
                if (0x80...0x9F).contains(value) {
                    output.append(contentsOf: "&#x\(String(XMLRepair.fixedCodePoint(value), radix: 16));".utf8)
                    return
                }
                output.append(literal: isHex ? "&#x" : "&#")
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[digitsStart...end]))
                return
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start...end]))
        }

        /// Handles `<` at `index`: a tag, a comment or declaration (dropped), or a bare `<`.
        mutating func readMarkup() {
            let count = input.count
            guard index + 1 < count else {
                if skipping == nil { output.append(literal: "&lt;") }
                index += 1
                return
            }
            let next = input[index + 1]
            if next == UInt8(ascii: "?")
                || (next == UInt8(ascii: "!") && index + 2 < count
                    && (input[index + 2] == UInt8(ascii: "-") || isLetter(input[index + 2]) || input[index + 2] == UInt8(ascii: "[")))
            {
                index = skipDeclaration(from: index)
                return
            }
            let isEnd = next == UInt8(ascii: "/")
            let nameStart = index + (isEnd ? 2 : 1)
            guard nameStart < count, isLetter(input[nameStart]), let tag = readTag(nameStart: nameStart) else {
                if skipping == nil { output.append(literal: "&lt;") }
                index += 1
                return
            }
            index = tag.end
            let name = tag.key
            let nameBytes = UnsafeBufferPointer(rebasing: input[tag.name])
            if let skipped = skipping {
                if name == skipped {
                    if isEnd {
                        skipDepth -= 1
                        if skipDepth == 0 { skipping = nil }
                    } else if !tag.isSelfClosing {
                        skipDepth += 1
                    }
                }
                return
            }
            if droppedWithContent.contains(name) {
                if !isEnd, !tag.isSelfClosing, !voidElements.contains(name) {
                    skipping = name
                    skipDepth = 1
                }
                return
            }
            if droppedTags.contains(name) { return }
            let isVoid = voidElements.contains(name)
            if isEnd {
                if !isVoid {
                    output.append(literal: "</")
                    appendLowercased(nameBytes)
                    output.append(UInt8(ascii: ">"))
                }
                return
            }
            output.append(UInt8(ascii: "<"))
            appendLowercased(nameBytes)
            writeAttributes()
            output.append(literal: isVoid || tag.isSelfClosing ? " />" : ">")
        }

        struct AttributeRange {
            var name: Range<Int>
            var value: Range<Int>?
        }

        struct TagInfo {
            var name: Range<Int>
            var key: ShortNameSet.Key?
            var isSelfClosing: Bool
            var end: Int
        }

        /// Reads a tag's name and attribute ranges; nil when the tag never closes.
        mutating func readTag(nameStart: Int) -> TagInfo? {
            let count = input.count
            var position = nameStart
            while position < count, !isSpace(input[position]), input[position] != UInt8(ascii: ">"), input[position] != UInt8(ascii: "/") {
                position += 1
            }
            let name = nameStart..<position
            let key = ShortNameSet.Key(UnsafeBufferPointer(rebasing: input[name]))
            var isSelfClosing = false
            if !attributes.isEmpty { attributes.removeAll(keepingCapacity: true) }
            while position < count {
                while position < count, isSpace(input[position]) { position += 1 }
                guard position < count else { return nil }
                let byte = input[position]
                if byte == UInt8(ascii: ">") {
                    return TagInfo(name: name, key: key, isSelfClosing: isSelfClosing, end: position + 1)
                }
                if byte == UInt8(ascii: "/") {
                    if position + 1 < count, input[position + 1] == UInt8(ascii: ">") { isSelfClosing = true }
                    position += 1
                    continue
                }
                let attributeStart = position
                while position < count, !isSpace(input[position]), input[position] != UInt8(ascii: "="), input[position] != UInt8(ascii: ">"),
                    !(input[position] == UInt8(ascii: "/") && position + 1 < count && input[position + 1] == UInt8(ascii: ">"))
                {
                    position += 1
                }
                let nameRange = attributeStart..<position
                while position < count, isSpace(input[position]) { position += 1 }
                var valueRange: Range<Int>?
                if position < count, input[position] == UInt8(ascii: "=") {
                    position += 1
                    while position < count, isSpace(input[position]) { position += 1 }
                    guard position < count else { return nil }
                    let quote = input[position]
                    if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                        let valueStart = position + 1
                        var close = valueStart
                        while close < count, input[close] != quote { close += 1 }
                        guard close < count else { return nil }
                        valueRange = valueStart..<close
                        position = close + 1
                    } else {
                        let valueStart = position
                        while position < count, !isSpace(input[position]), input[position] != UInt8(ascii: ">") { position += 1 }
                        valueRange = valueStart..<position
                    }
                }
                if !nameRange.isEmpty, !attributes.contains(where: { equalIgnoringCase($0.name, nameRange) }) {
                    attributes.append(AttributeRange(name: nameRange, value: valueRange))
                }
            }
            return nil
        }

        /// Writes the kept attributes in name order, values escaped, URLs resolved.
        mutating func writeAttributes() {
            if attributes.count > 1 {
                // Insertion sort: tags have a handful of attributes.
                for position in 1..<attributes.count {
                    var current = position
                    while current > 0, lessIgnoringCase(attributes[current].name, attributes[current - 1].name) {
                        attributes.swapAt(current, current - 1)
                        current -= 1
                    }
                }
            }
            for attribute in attributes {
                let nameRange = attribute.name
                if nameRange.count >= 2, input[nameRange.lowerBound] | 0x20 == UInt8(ascii: "o"),
                    input[nameRange.lowerBound + 1] | 0x20 == UInt8(ascii: "n")
                {
                    continue  // event handlers
                }
                let nameBytes = UnsafeBufferPointer(rebasing: input[nameRange])
                let key = ShortNameSet.Key(nameBytes)
                if key == Self.formaction { continue }
                let valueRange = attribute.value ?? nameRange
                let isURL = urlAttributes.contains(key)
                if isURL, hasScriptScheme(valueRange) { continue }
                if key == Self.style, containsIgnoringCase(valueRange, "expression(") || containsIgnoringCase(valueRange, "javascript:") { continue }
                output.append(UInt8(ascii: " "))
                appendLowercased(nameBytes)
                output.append(literal: "=\"")
                let raw = UnsafeBufferPointer(rebasing: input[valueRange])
                if isURL, !isAbsoluteHTTP(valueRange), base != nil {
                    let value = HTMLEntities.decodeAttribute(String(decoding: raw, as: UTF8.self))
                    HTMLEscaping.appendEscapedAttribute(URLResolver.resolve(value, against: base, cache: baseCache), to: &output)
                } else if raw.contains(UInt8(ascii: "&")) {
                    HTMLEscaping.appendEscapedAttribute(HTMLEntities.decodeAttribute(String(decoding: raw, as: UTF8.self)), to: &output)
                } else {
                    HTMLEscaping.appendEscapedAttribute(raw, to: &output)
                }
                output.append(UInt8(ascii: "\""))
            }
        }

        static let formaction = ShortNameSet.Key("formaction")
        static let style = ShortNameSet.Key("style")

        mutating func appendLowercased(_ bytes: UnsafeBufferPointer<UInt8>) {
            for byte in bytes { output.append(byte >= 65 && byte <= 90 ? byte | 0x20 : byte) }
        }

        func equalIgnoringCase(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
            guard left.count == right.count else { return false }
            for offset in 0..<left.count where input[left.lowerBound + offset] | 0x20 != input[right.lowerBound + offset] | 0x20 {
                return false
            }
            return true
        }

        func lessIgnoringCase(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
            for offset in 0..<min(left.count, right.count) {
                let a = lowerASCII(input[left.lowerBound + offset])
                let b = lowerASCII(input[right.lowerBound + offset])
                if a != b { return a < b }
            }
            return left.count < right.count
        }

        func lowerASCII(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }

        /// `javascript:` or `vbscript:` after any whitespace, in any case, with whitespace inside.
        func hasScriptScheme(_ range: Range<Int>) -> Bool {
            let javascript: StaticString = "javascript"
            let vbscript: StaticString = "vbscript"
            var count = 0
            var mayBeJavaScript = true
            var mayBeVBScript = true
            for position in range {
                let byte = input[position]
                if isSpace(byte) || byte < 0x20 { continue }
                if byte == UInt8(ascii: ":") { break }
                let lower = lowerASCII(byte)
                mayBeJavaScript = mayBeJavaScript && count < javascript.utf8CodeUnitCount && javascript.utf8Start[count] == lower
                mayBeVBScript = mayBeVBScript && count < vbscript.utf8CodeUnitCount && vbscript.utf8Start[count] == lower
                guard mayBeJavaScript || mayBeVBScript else { return false }
                count += 1
            }
            return (mayBeJavaScript && count == javascript.utf8CodeUnitCount) || (mayBeVBScript && count == vbscript.utf8CodeUnitCount)
        }

        func isAbsoluteHTTP(_ range: Range<Int>) -> Bool {
            hasPrefixIgnoringCase(range, "http://") || hasPrefixIgnoringCase(range, "https://")
        }

        func hasPrefixIgnoringCase(_ range: Range<Int>, _ prefix: StaticString) -> Bool {
            let length = prefix.utf8CodeUnitCount
            guard range.count >= length else { return false }
            for offset in 0..<length where lowerASCII(input[range.lowerBound + offset]) != prefix.utf8Start[offset] { return false }
            return true
        }

        func containsIgnoringCase(_ range: Range<Int>, _ needle: StaticString) -> Bool {
            let length = needle.utf8CodeUnitCount
            guard range.count >= length else { return false }
            return (range.lowerBound...(range.upperBound - length)).contains { hasPrefixIgnoringCase($0..<range.upperBound, needle) }
        }

        func skipDeclaration(from start: Int) -> Int {
            let count = input.count
            if count - start >= 4, input[start + 2] == UInt8(ascii: "-"), input[start + 3] == UInt8(ascii: "-") {
                var position = start + 4
                while position + 2 < count {
                    if input[position] == UInt8(ascii: "-"), input[position + 1] == UInt8(ascii: "-"), input[position + 2] == UInt8(ascii: ">") {
                        return position + 3
                    }
                    position += 1
                }
                return count
            }
            var position = start + 2
            while position < count, input[position] != UInt8(ascii: ">") { position += 1 }
            return min(position + 1, count)
        }
    }

    /// feedparser's heuristic for RSS text that is really HTML: a closing tag or an entity, and
    /// only known HTML elements.
    static func looksLikeHTML(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { looksLikeHTML($0) }
    }

    static func looksLikeHTML(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
                    if !acceptableElements.contains(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return false }
                    if isEnd, end < bytes.count, bytes[end] == UInt8(ascii: ">") { hasCloseTag = true }
                }
            } else if byte == UInt8(ascii: "&") {
                var end = index + 1
                if end < bytes.count, bytes[end] == UInt8(ascii: "#") { end += 1 }
                let start = end
                while end < bytes.count, isLetter(bytes[end]) || isDigitByte(bytes[end]) { end += 1 }
                if end > start, end < bytes.count, bytes[end] == UInt8(ascii: ";") {
                    let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    if bytes[index + 1] != UInt8(ascii: "#"), XMLRepair.htmlEntity(name) == nil { return false }
                    hasEntity = true
                }
            }
            index += 1
        }
        return hasCloseTag || hasEntity
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    static func isDigitByte(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C
    }
}

private func isLetter(_ byte: UInt8) -> Bool { HTMLSanitizer.isLetter(byte) }
private func isDigitByte(_ byte: UInt8) -> Bool { HTMLSanitizer.isDigitByte(byte) }
private func isSpace(_ byte: UInt8) -> Bool { HTMLSanitizer.isSpace(byte) }
