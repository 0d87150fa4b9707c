/// Resolves relative references against a base URL (RFC 3986, section 5.2), without Foundation,
/// because the parser resolves every link and every `href`/`src` in item HTML.
public enum URLResolver {
    /// `reference` made absolute against `base`; unchanged when it is already absolute, when
    /// there is no base, or when the base itself is not absolute.
    public static func resolve(_ reference: String, against base: String?) -> String {
        resolve(reference, against: base, cache: nil)
    }

    /// The last base parsed, kept by a caller that resolves many references against the same
    /// base (every link of a feed, every `href` of an item).
    final class BaseCache {
        private var text: String?
        private var resolved: Base?

        func base(_ base: String) -> Base? {
            if base != text {
                text = base
                resolved = Base(base)
            }
            return resolved
        }
    }

    /// An absolute base URL with what resolving a plain path against it needs.
    struct Base {
        var parts: Parts
        /// The scheme and authority ("https://example.org").
        var origin: String
        /// What a relative path is appended to (RFC 3986, 5.2.3): the base path up to its last
        /// "/", or "/" when there is an authority and no path.
        var directory: String
        var directoryHasDotSegment: Bool

        init?(_ text: String) {
            guard let parts = Parts(text), let scheme = parts.scheme else { return nil }
            self.parts = parts
            origin = scheme + ":" + (parts.authority.map { "//" + $0 } ?? "")
            if parts.authority != nil, parts.path.isEmpty {
                directory = "/"
            } else if let slash = parts.path.lastIndex(of: "/") {
                directory = String(parts.path[...slash])
            } else {
                directory = ""
            }
            directoryHasDotSegment = URLResolver.hasDotSegment(directory)
        }
    }

    static func resolve(_ reference: consuming String, against base: String?, cache: BaseCache?) -> String {
        let reference = reference.trimmed()
        guard let base, !base.isEmpty else { return reference }
        if reference.utf8.first == UInt8(ascii: "h"), reference.utf8.starts(with: "http".utf8), schemeLength(reference) != nil {
            return reference
        }
        if schemeLength(reference) != nil { return reference }
        guard let resolvedBase = cache?.base(base) ?? Base(base) else { return reference }
        let baseParts = resolvedBase.parts
        if reference.isEmpty { return baseParts.withoutFragment }
        // A path ("/a/b?c#d", "b/c") without dot segments, the common relative link, keeps every
        // byte: only the base's origin (and directory) go before it. Other references are taken
        // apart and put together again.
        if let isRooted = plainPathKind(reference) {
            if isRooted { return resolvedBase.origin + reference }
            if !resolvedBase.directoryHasDotSegment { return resolvedBase.origin + resolvedBase.directory + reference }
        }
        guard let ref = Parts(reference) else { return reference }
        var target = Parts()
        target.scheme = baseParts.scheme
        if ref.authority != nil {
            target.authority = ref.authority
            target.path = removeDotSegments(ref.path)
            target.query = ref.query
        } else {
            target.authority = baseParts.authority
            if ref.path.isEmpty {
                target.path = baseParts.path
                target.query = ref.query ?? baseParts.query
            } else {
                if ref.path.hasPrefix("/") {
                    target.path = removeDotSegments(ref.path)
                } else {
                    target.path = removeDotSegments(resolvedBase.directory + ref.path)
                }
                target.query = ref.query
            }
        }
        target.fragment = ref.fragment
        return target.text
    }

    /// The scheme of an absolute URL, lower-cased, or nil for a relative reference.
    public static func scheme(of text: String) -> String? {
        guard let length = schemeLength(text) else { return nil }
        return String(text.utf8.prefix(length).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }.lazy.map { Character(UnicodeScalar($0)) })
    }

    /// The length of the scheme (`http` in `http://…`): a letter, then letters, digits, `+`, `-`
    /// or `.`, then `:`.
    static func schemeLength(_ text: some StringProtocol) -> Int? {
        var length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":") { return length > 0 ? length : nil }
            let isLetter = (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
            let isOther = (byte >= 48 && byte <= 57) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isLetter || (length > 0 && isOther) else { return nil }
            length += 1
        }
        return nil
    }

    struct Parts {
        var scheme: String?
        var authority: String?
        var path = ""
        var query: String?
        var fragment: String?

        init() {}

        init?(_ text: String) {
            var rest = Substring(text)
            if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let mark = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
                query = String(rest[rest.index(after: mark)...])
                rest = rest[..<mark]
            }
            if let length = URLResolver.schemeLength(rest) {
                let colon = rest.utf8.index(rest.startIndex, offsetBy: length)
                scheme = String(rest[..<colon]).lowercased()
                rest = rest[rest.utf8.index(after: colon)...]
            }
            if rest.utf8.starts(with: "//".utf8) {
                rest = rest.dropFirst(2)
                let end = rest.utf8.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
                authority = String(rest[..<end])
                rest = rest[end...]
            }
            path = String(rest)
        }

        var withoutFragment: String {
            var copy = self
            copy.fragment = nil
            return copy.text
        }

        var text: String {
            var result = ""
            if let scheme { result += scheme + ":" }
            if let authority { result += "//" + authority }
            result += path
            if let query { result += "?" + query }
            if let fragment { result += "#" + fragment }
            return result
        }
    }

    static func removeDotSegments(_ path: String) -> String {
        guard hasDotSegment(path) else { return path }
        var input = Substring(path)
        var output: [Substring] = []
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") || input == "/.." {
                input = input == "/.." ? "/" : input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                let start = input.hasPrefix("/") ? input.index(after: input.startIndex) : input.startIndex
                let end = input[start...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return output.joined()
    }

    /// For a reference without a scheme that is a non-empty path with no dot segment (which
    /// resolving leaves as it is): whether it starts from the root ("/a", not "//host"); nil for
    /// any other reference.
    static func plainPathKind(_ reference: String) -> Bool? {
        // On the contiguous bytes: the generic `prefix(while:)` of the UTF-8 view cost a few
        // thousand instructions per link.
        var reference = reference
        return reference.withUTF8 { bytes in
            guard let first = bytes.first, first != UInt8(ascii: "?"), first != UInt8(ascii: "#") else { return nil }
            let isRooted = first == UInt8(ascii: "/")
            if isRooted, bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return nil }
            let pathEnd = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
            return hasDotSegment(UnsafeBufferPointer(rebasing: bytes[..<pathEnd])) ? nil : isRooted
        }
    }

    /// Whether a segment of `path` is `.` or `..`, the only case `removeDotSegments` changes.
    static func hasDotSegment(_ path: String) -> Bool {
        hasDotSegment(path.utf8)
    }

    static func hasDotSegment(_ path: some Sequence<UInt8>) -> Bool {
        var atSegmentStart = true
        var dots = 0
        for byte in path {
            if byte == UInt8(ascii: "/") {
                if atSegmentStart, dots > 0 { return true }
                atSegmentStart = true
                dots = 0
            } else if atSegmentStart, byte == UInt8(ascii: "."), dots < 2 {
                dots += 1
            } else {
                atSegmentStart = false
                dots = 0
            }
        }
        return atSegmentStart && dots > 0
    }
}
