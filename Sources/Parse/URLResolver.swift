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
        private var parts: Parts?

        func parts(of base: String) -> Parts? {
            if base != text {
                text = base
                parts = Parts(base)
            }
            return parts
        }
    }

    static func resolve(_ reference: String, against base: String?, cache: BaseCache?) -> String {
        let reference = reference.trimmed()
        guard let base, !base.isEmpty else { return reference }
        if reference.utf8.first == UInt8(ascii: "h"), reference.utf8.starts(with: "http".utf8), schemeLength(reference) != nil {
            return reference
        }
        if schemeLength(reference) != nil { return reference }
        guard let baseParts = cache?.parts(of: base) ?? Parts(base), baseParts.scheme != nil else { return reference }
        if reference.isEmpty { return baseParts.withoutFragment }
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
                    target.path = removeDotSegments(merge(base: baseParts, path: ref.path))
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

    static func merge(base: Parts, path: String) -> String {
        if base.authority != nil, base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return String(base.path[...slash]) + path
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

    /// Whether a segment of `path` is `.` or `..`, the only case `removeDotSegments` changes.
    static func hasDotSegment(_ path: String) -> Bool {
        var atSegmentStart = true
        var dots = 0
        for byte in path.utf8 {
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
