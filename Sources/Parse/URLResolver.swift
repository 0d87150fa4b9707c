/// Resolves relative references against a base URL (RFC 3986, section 5.2), without Foundation,
/// because the parser resolves every link and every `href`/`src` in item HTML.
public enum URLResolver {
    /// `reference` made absolute against `base`; unchanged when it is already absolute, when
    /// there is no base, or when the base itself is not absolute.
    public static func resolve(_ reference: String, against base: String?) -> String {
        let reference = reference.trimmed()
        guard let base, !base.isEmpty else { return reference }
        if scheme(of: reference) != nil { return reference }
        guard let baseParts = Parts(base), baseParts.scheme != nil else { return reference }
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
        var scheme = ""
        for (offset, character) in text.unicodeScalars.enumerated() {
            if character == ":" { return offset > 0 ? scheme.lowercased() : nil }
            let isValid =
                ("a"..."z").contains(character) || ("A"..."Z").contains(character)
                || (offset > 0 && ("0"..."9" ~= character || character == "+" || character == "-" || character == "."))
            if !isValid || !character.isASCII { return nil }
            scheme.unicodeScalars.append(character)
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
            if let hash = rest.firstIndex(of: "#") {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let mark = rest.firstIndex(of: "?") {
                query = String(rest[rest.index(after: mark)...])
                rest = rest[..<mark]
            }
            if let found = URLResolver.scheme(of: String(rest)) {
                scheme = found
                rest = rest[rest.index(rest.startIndex, offsetBy: found.count + 1)...]
            }
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let end = rest.firstIndex(of: "/") ?? rest.endIndex
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
        guard path.contains(".") else { return path }
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
}
