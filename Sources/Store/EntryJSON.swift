import AINewsCore

/// The stored JSON form of an entry, written by hand: the store writes one for every new or
/// changed entry, and Foundation's `JSONEncoder` spends most of its time on reflection. The
/// output is what `JSONDecoder` reads back into an equal `Entry`: keys sorted, absent optionals
/// left out, dates as RFC 3339 strings, as `JSONEncoder` with sorted keys writes them.
enum EntryJSON {
    /// The JSON as UTF-8 bytes, as the store binds it: made into a `String`, 112 MB of JSON in
    /// the fetch benchmark's first cycle were checked for valid UTF-8 once more for nothing.
    static func utf8(_ entry: Entry) -> [UInt8] {
        // Room for the long texts and links up front: growing by doubling from nothing copied
        // an item's content half a dozen times.
        var json = Writer(capacity: estimatedLength(of: entry))
        json.object { json in
            json.array("authors", entry.authors) { json, person in
                json.string("email", person.email)
                json.string("name", person.name)
                json.string("uri", person.uri)
            }
            json.array("categories", entry.categories) { json, category in
                json.string("label", category.label)
                json.string("scheme", category.scheme)
                json.string("term", category.term)
            }
            json.string("comments", entry.comments)
            json.array("content", entry.content) { json, content in
                json.string("base", content.base)
                json.string("language", content.language)
                json.string("type", content.type.rawValue)
                json.string("value", content.value)
            }
            json.array("enclosures", entry.enclosures) { json, enclosure in
                json.integer("length", enclosure.length)
                json.string("type", enclosure.type)
                json.string("url", enclosure.url)
            }
            json.string("id", entry.id)
            json.string("link", entry.link)
            json.array("links", entry.links) { json, link in
                json.string("href", link.href)
                json.string("hreflang", link.hreflang)
                json.integer("length", link.length)
                json.string("rel", link.rel)
                json.string("title", link.title)
                json.string("type", link.type)
            }
            json.string("published", entry.published?.rfc3339)
            if let source = entry.source {
                json.object("source") { json in
                    json.string("link", source.link)
                    json.string("title", source.title)
                }
            }
            json.string("summary", entry.summary)
            json.string("summaryType", entry.summaryType?.rawValue)
            json.string("title", entry.title)
            json.string("titleType", entry.titleType?.rawValue)
            json.string("updated", entry.updated?.rfc3339)
        }
        return json.bytes
    }

    /// The JSON's length give or take escapes and short fields: its texts, links and ids.
    private static func estimatedLength(of entry: Entry) -> Int {
        var length = 256 + (entry.title?.utf8.count ?? 0) + (entry.summary?.utf8.count ?? 0)
        length += 2 * ((entry.id?.utf8.count ?? 0) + (entry.link?.utf8.count ?? 0))
        for content in entry.content ?? [] { length += content.value.utf8.count }
        return length
    }

    /// A tag's models, as `[{"name": …, "openness": …}]`.
    static func encode(_ models: [StoredTag.Model]) -> String {
        var json = Writer(capacity: 2 + models.count * 48)
        json.array(models) { json, model in
            json.string("name", model.name)
            json.string("openness", model.openness)
        }
        return json.string
    }

    /// Strings as a JSON array, `["…", …]`.
    static func encode(_ strings: [String]) -> String {
        var json = Writer(capacity: 2 + strings.reduce(0) { $0 + $1.utf8.count + 3 })
        json.bytes.append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { json.bytes.append(UInt8(ascii: ",")) }
            Writer.appendString(string, to: &json.bytes)
        }
        json.bytes.append(UInt8(ascii: "]"))
        return json.string
    }

    /// JSON written into one buffer, nested objects and arrays too (one buffer each cost an
    /// allocation and a copy for every link of every entry), members in the order given.
    struct Writer {
        fileprivate(set) var bytes: [UInt8] = []
        /// Whether the object being written has a member yet, so the next one needs a comma.
        private var hasMember = false

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }

        /// An object whose members `body` writes.
        mutating func object(_ body: (inout Writer) -> Void) {
            bytes.append(UInt8(ascii: "{"))
            let outer = hasMember
            hasMember = false
            body(&self)
            hasMember = outer
            bytes.append(UInt8(ascii: "}"))
        }

        /// A member that is an object.
        mutating func object(_ name: StaticString, _ body: (inout Writer) -> Void) {
            key(name)
            object(body)
        }

        /// An array of objects, each written by `element`.
        mutating func array<Element>(_ values: [Element], _ element: (inout Writer, Element) -> Void) {
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                object { element(&$0, value) }
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// A member that is an array of objects; none when `values` is nil.
        mutating func array<Element>(_ name: StaticString, _ values: [Element]?, _ element: (inout Writer, Element) -> Void) {
            guard let values else { return }
            key(name)
            array(values, element)
        }

        mutating func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.appendString(value, to: &bytes)
        }

        mutating func integer(_ name: StaticString, _ value: Int?) {
            guard let value else { return }
            key(name)
            bytes += String(value).utf8
        }

        /// A member's name: one of the literals above, which need no escape.
        private mutating func key(_ name: StaticString) {
            if hasMember { bytes.append(UInt8(ascii: ",")) }
            hasMember = true
            bytes.append(UInt8(ascii: "\""))
            bytes.append(literal: name)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        static let hex = Array("0123456789abcdef".utf8)

        static func appendString(_ value: String, to bytes: inout [UInt8]) {
            bytes.append(UInt8(ascii: "\""))
            // The string's own bytes, borrowed: `withUTF8` on a copy retained and released it,
            // once for every text of every entry. Only a string not stored as UTF-8 is copied.
            if value.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, to: &bytes) }) == nil {
                var copy = value
                copy.withUTF8 { appendEscaped($0, to: &bytes) }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        /// The bytes of a JSON string's value, escaped, without the quotes.
        private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
            // Runs of bytes that need no escape are found eight bytes at a time and copied whole.
            var runStart = 0
            while true {
                let index = ByteScan.first(utf8, from: runStart, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "\\"), controls: true) {
                    $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\")
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                guard index < utf8.count else { return }
                let byte = utf8[index]
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(literal: "u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                }
                runStart = index + 1
            }
        }
    }
}
