import AINewsCore
import CLibXML2
import Synchronization

/// An element name as the feed builder matches it, resolved once per distinct name a document
/// uses and then shared by reference, so a start tag costs no string building.
final class ElementName: Sendable {
    /// The matching key (`FeedBuilder.canonicalName`).
    let name: String
    /// The name for writing markup.
    let written: String
    let uri: String?
    /// The known element it is.
    let element: FeedBuilder.Element?
    /// Whether the name written as markup is an HTML void element (`<br />`).
    let isVoid: Bool

    init(name: String, written: String, uri: String?, element: FeedBuilder.Element?) {
        self.name = name
        self.written = written
        self.uri = uri
        self.element = element
        isVoid = HTMLSanitizer.voidElements.contains(written)
    }
}

/// An attribute name: the canonical key (`xml:base`, `rdf:about`, `href`, lower-cased) and the
/// name as written.
final class AttributeName {
    let name: String
    let written: String

    init(name: String, written: String) {
        self.name = name
        self.written = written
    }
}

/// libxml2 interns names and namespace URIs in its dictionary, so the same name arrives as the
/// same pointers: a small direct-mapped table keyed by those pointers resolves each distinct
/// name once per document.
struct InternedNameKey: Equatable {
    var local: UnsafePointer<xmlChar>
    var prefix: UnsafePointer<xmlChar>?
    var uri: UnsafePointer<xmlChar>?

    /// The table slot of the key in a table of `count` (a power of two) slots.
    func slot(in count: Int) -> Int {
        // Multiplying spreads the pointers' middle bits over the top ones, which pick the slot:
        // libxml2 packs names into pools, so their low bits alone often collide.
        let mixed = UInt(bitPattern: Int(bitPattern: local) ^ Int(bitPattern: uri) &* 31 ^ Int(bitPattern: prefix) &* 7) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt(UInt.bitWidth - count.trailingZeroBitCount))
    }

    /// Whether every pointer of the key lives in `dictionary`, so it stays valid and unique for
    /// the document's lifetime (names outside it may be freed and reused).
    func isInterned(in dictionary: xmlDictPtr?) -> Bool {
        guard let dictionary else { return false }
        return xmlDictOwns(dictionary, local) == 1 && prefix.map { xmlDictOwns(dictionary, $0) == 1 } ?? true
            && uri.map { xmlDictOwns(dictionary, $0) == 1 } ?? true
    }
}

/// A small direct-mapped table from interned names to what they resolved to. The slots hold
/// plain pointers and unretained references, so making and freeing a table (once per document)
/// touches no slot one by one; `owned` keeps the values alive.
struct InternedNameTable<Value: AnyObject> {
    private var keys: [InternedNameKey?]
    private var values: [Unmanaged<Value>?]
    private var owned: [Value] = []

    init(count: Int) {
        keys = Array(repeating: nil, count: count)
        values = Array(repeating: nil, count: count)
    }

    subscript(key: InternedNameKey) -> Value? {
        let slot = key.slot(in: keys.count)
        return keys[slot] == key ? values[slot]?.takeUnretainedValue() : nil
    }

    /// Caches `value`; past a few values per slot (names that keep evicting each other) it
    /// stops, so `owned` stays small whatever the document.
    mutating func insert(_ value: Value, for key: InternedNameKey) {
        guard owned.count < keys.count * 4 else { return }
        let slot = key.slot(in: keys.count)
        keys[slot] = key
        values[slot] = Unmanaged.passUnretained(value)
        owned.append(value)
    }
}

/// Resolves attribute names for one document.
final class AttributeNames {
    private var slots = InternedNameTable<AttributeName>(count: 32)
    /// The parser's name dictionary, set once the parser exists.
    var dictionary: xmlDictPtr?

    func resolve(local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?) -> AttributeName {
        let key = InternedNameKey(local: local, prefix: prefix, uri: uri)
        if let cached = slots[key] { return cached }
        let localText = String(cString: local)
        let resolved: AttributeName
        if let prefix {
            let prefixText = String(cString: prefix)
            let uriText = uri.map { String(cString: $0) }
            resolved = AttributeName(
                name: Namespaces.prefix(uri: uriText, writtenPrefix: prefixText) + ":" + localText.lowercased(), written: prefixText + ":" + localText
            )
        } else {
            resolved = AttributeName(name: localText.lowercased(), written: localText)
        }
        if key.isInterned(in: dictionary) { slots.insert(resolved, for: key) }
        return resolved
    }
}

/// The attributes of one start tag, read from libxml2's array (five pointers per attribute:
/// local name, prefix, URI, value start, value end) only when asked: most tags' attributes are
/// never looked at, so their values never become strings. Valid only during the callback.
struct AttributeList {
    private let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int
    private unowned(unsafe) let names: AttributeNames

    init(raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int, names: AttributeNames) {
        self.raw = raw
        self.count = raw == nil ? 0 : count
        self.names = names
    }

    /// The name of the attribute at `index`, nil for a malformed entry.
    func name(at index: Int) -> AttributeName? {
        guard let raw, let local = raw[index * 5] else { return nil }
        return names.resolve(local: local, prefix: raw[index * 5 + 1], uri: raw[index * 5 + 2])
    }

    /// The value of the attribute at `index`.
    func value(at index: Int) -> String {
        guard let raw, let start = raw[index * 5 + 3], let end = raw[index * 5 + 4] else { return "" }
        let bytes = UnsafeBufferPointer(start: start, count: end - start)
        let value = String(decoding: bytes, as: UTF8.self)
        // libxml2 keeps "&#38;" in attribute values when it does not substitute entities.
        return bytes.contains(UInt8(ascii: "&")) ? value.replacingAll("&#38;", with: "&") : value
    }

    /// The value of the attribute whose canonical name is `name`.
    subscript(name: StaticString) -> String? {
        for index in 0..<count where isNamed(name, at: index) {
            return value(at: index)
        }
        return nil
    }

    /// Whether the NUL-terminated `local`, lower-cased, is the lower-case ASCII `key`; nil when a
    /// non-ASCII byte comes first, whose lower case only the canonical name can tell. An ASCII
    /// byte that differs settles it (the characters before it were ASCII, so the canonical name
    /// differs there too), and so does a name longer than the key (lower-casing never drops a
    /// character).
    private static func equalsLowerCased(_ local: UnsafePointer<xmlChar>, _ key: UnsafeBufferPointer<UInt8>) -> Bool? {
        for offset in 0..<key.count {
            let byte = local[offset]
            if byte >= 0x80 { return nil }
            let lower = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
            if lower != key[offset] { return false }
        }
        return local[key.count] == 0
    }

    /// Whether the attribute at `index` has the canonical name `key`. A key without a prefix is
    /// compared with the name's bytes as written, which settles nearly every attribute without
    /// resolving its name; a prefixed name's canonical form always holds a ":".
    func isNamed(_ key: StaticString, at index: Int) -> Bool {
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        if let raw, let local = raw[index * 5], !keyBytes.contains(UInt8(ascii: ":")) {
            if raw[index * 5 + 1] != nil { return false }
            if let isEqual = Self.equalsLowerCased(local, keyBytes) { return isEqual }
        }
        return name(at: index)?.name.utf8.elementsEqual(keyBytes) ?? false
    }

    /// Whether the attribute at `index` is in the `xml:` namespace with local name `local`: the
    /// check every start tag makes for `xml:base` and `xml:lang`, without resolving names.
    func isXML(_ local: StaticString, at index: Int) -> Bool {
        guard let raw, let prefix = raw[index * 5 + 1], let name = raw[index * 5] else { return false }
        let xml: StaticString = "xml"
        return xmlStrEqual(prefix, xml.utf8Start) == 1 && xmlStrEqual(name, local.utf8Start) == 1
    }
}

/// Element names resolved by earlier documents, shared by every parser in the process: feeds use
/// the same few dozen names, and resolving one from scratch costs more than parsing a small
/// item. Keyed by an FNV-1a hash of the name's bytes and checked against them on a hit; it stops
/// growing at `capacity`, so hostile feeds with endless made-up names cannot bloat it.
enum SharedElementNames {
    private struct Cached {
        var local: [UInt8]
        var prefix: [UInt8]?
        var uri: [UInt8]?
        var name: ElementName
    }

    private static let capacity = 4096
    private static let table = Mutex<[UInt64: Cached]>([:])

    /// The hash of a name in a document whose unprefixed names are Atom's or not.
    static func key(local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, atomDefault: Bool) -> UInt64 {
        var hasher = FNV1a()
        for part in [local, prefix, uri] {
            if var pointer = part {
                while pointer.pointee != 0 {
                    hasher.combine(pointer.pointee)
                    pointer += 1
                }
                hasher.combine(0)
            } else {
                hasher.combine(1)
            }
        }
        hasher.combine(atomDefault ? 1 : 0)
        return hasher.value
    }

    static func lookup(_ key: UInt64, local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?) -> ElementName? {
        table.withLock { table in
            guard let cached = table[key], matches(cached.local, local), matches(cached.prefix, prefix), matches(cached.uri, uri) else {
                return nil
            }
            return cached.name
        }
    }

    static func insert(_ name: ElementName, key: UInt64, local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?)
    {
        let cached = Cached(local: bytes(local), prefix: prefix.map(bytes), uri: uri.map(bytes), name: name)
        table.withLock { table in
            if table.count < capacity, table[key] == nil { table[key] = cached }
        }
    }

    private static func bytes(_ pointer: UnsafePointer<xmlChar>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: pointer, count: Int(xmlStrlen(pointer))))
    }

    private static func matches(_ stored: [UInt8]?, _ pointer: UnsafePointer<xmlChar>?) -> Bool {
        guard let stored, let pointer else { return stored == nil && pointer == nil }
        return stored.withUnsafeBufferPointer { buffer in
            for (offset, byte) in buffer.enumerated() where pointer[offset] != byte { return false }
            return pointer[buffer.count] == 0
        }
    }
}
