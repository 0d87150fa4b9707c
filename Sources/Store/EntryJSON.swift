import AINewsCore

/// The stored JSON form of an entry, written by hand: the store writes one for every new or
/// changed entry, and Foundation's `JSONEncoder` spends most of its time on reflection. The
/// output is what `JSONDecoder` reads back into an equal `Entry`: keys sorted, absent optionals
/// left out, dates as RFC 3339 strings, as `JSONEncoder` with sorted keys writes them.
enum EntryJSON {
    static func encode(_ entry: Entry) -> String {
        // Room for the long texts and links up front: growing by doubling from nothing copied
        // an item's content half a dozen times.
        var json = Object(capacity: estimatedLength(of: entry))
        json.array("authors", entry.authors) { person in
            var object = Object()
            object.string("email", person.email)
            object.string("name", person.name)
            object.string("uri", person.uri)
            return object.close()
        }
        json.array("categories", entry.categories) { category in
            var object = Object()
            object.string("label", category.label)
            object.string("scheme", category.scheme)
            object.string("term", category.term)
            return object.close()
        }
        json.string("comments", entry.comments)
        json.array("content", entry.content) { content in
            var object = Object()
            object.string("base", content.base)
            object.string("language", content.language)
            object.string("type", content.type.rawValue)
            object.string("value", content.value)
            return object.close()
        }
        json.array("enclosures", entry.enclosures) { enclosure in
            var object = Object()
            object.integer("length", enclosure.length)
            object.string("type", enclosure.type)
            object.string("url", enclosure.url)
            return object.close()
        }
        json.string("id", entry.id)
        json.string("link", entry.link)
        json.array("links", entry.links) { link in
            var object = Object()
            object.string("href", link.href)
            object.string("hreflang", link.hreflang)
            object.integer("length", link.length)
            object.string("rel", link.rel)
            object.string("title", link.title)
            object.string("type", link.type)
            return object.close()
        }
        json.string("published", entry.published?.rfc3339)
        if let source = entry.source {
            var object = Object()
            object.string("link", source.link)
            object.string("title", source.title)
            json.raw("source", object.close())
        }
        json.string("summary", entry.summary)
        json.string("summaryType", entry.summaryType?.rawValue)
        json.string("title", entry.title)
        json.string("titleType", entry.titleType?.rawValue)
        json.string("updated", entry.updated?.rfc3339)
        return String(decoding: json.close(), as: UTF8.self)
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
        var json: [UInt8] = [UInt8(ascii: "[")]
        for (index, model) in models.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            var object = Object()
            object.string("name", model.name)
            object.string("openness", model.openness)
            json += object.close()
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json, as: UTF8.self)
    }

    /// Strings as a JSON array, `["…", …]`.
    static func encode(_ strings: [String]) -> String {
        var json: [UInt8] = [UInt8(ascii: "[")]
        for (index, string) in strings.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            Object.appendString(string, to: &json)
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json, as: UTF8.self)
    }

    /// One JSON object being written, its members in the order given.
    struct Object {
        private var bytes: [UInt8]

        init(capacity: Int = 64) {
            bytes = [UInt8(ascii: "{")]
            bytes.reserveCapacity(capacity)
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

        mutating func raw(_ name: StaticString, _ json: [UInt8]) {
            key(name)
            bytes += json
        }

        mutating func array<Element>(_ name: StaticString, _ values: [Element]?, _ element: (Element) -> [UInt8]) {
            guard let values else { return }
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += element(value)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        mutating func close() -> [UInt8] {
            bytes.append(UInt8(ascii: "}"))
            return bytes
        }

        /// A member's name: one of the literals above, which need no escape.
        private mutating func key(_ name: StaticString) {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(literal: name)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        static let hex = Array("0123456789abcdef".utf8)

        static func appendString(_ value: String, to bytes: inout [UInt8]) {
            bytes.append(UInt8(ascii: "\""))
            var value = value
            value.withUTF8 { utf8 in
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
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
