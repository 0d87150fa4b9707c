import AINewsCore

/// Reads the `.kb` format: one declaration a line; a line starting with `#` is a comment.
///
/// ```
/// family Llama open vendor=Meta licence="Llama Community": llama, code llama
/// model "Grok-1" open family=Grok since=2024-03-17: grok 1
/// product ChatGPT closed: chatgpt
/// vendor OpenAI: openai
/// licence "Apache 2.0" open: apache 2.0, apache license
/// cue open: open weights, weights on hugging face
/// ```
///
/// Before the colon: the kind, the name (quoted when it has spaces), `open` or `closed`, and
/// `key=value` options (`vendor`, `family`, `licence`, `since` as YYYY-MM-DD, `case=exact`).
/// After it: comma-separated patterns, tokenised like item text; `#` matches any number and `*`
/// any one word ("qwen # max").
public enum KnowledgeBaseFile {
    public static func parse(_ text: String, file: String) throws(KnowledgeBaseError) -> KnowledgeBase {
        var base = KnowledgeBase()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let trimmed = Substring(rawLine).trimmingSpaces()
            // A comment is a whole line; "#" inside a pattern is the number wildcard.
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            func fail(_ message: String) -> KnowledgeBaseError {
                KnowledgeBaseError(file: file, line: lineNumber, message: message)
            }
            guard let colon = colonOutsideQuotes(trimmed) else {
                throw fail("expected 'KIND NAME …: patterns', found no ':'")
            }
            let head = try words(trimmed[..<colon], fail: fail)
            let patterns = trimmed[trimmed.index(after: colon)...].split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            guard let kindWord = head.first else { throw fail("missing the kind before ':'") }
            if kindWord == "cue" {
                guard head.count == 2, let kind = KnowledgeBase.CueKind(rawValue: head[1]) else {
                    let kinds = KnowledgeBase.CueKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("a cue is 'cue KIND: phrases' with KIND one of \(kinds)")
                }
                guard !patterns.isEmpty else { throw fail("cue \(kind.rawValue) lists no phrases") }
                for pattern in patterns {
                    let tokens = Tokenizer.tokens(String(pattern)).map(\.text)
                    guard !tokens.isEmpty else { throw fail("phrase '\(pattern)' has no words") }
                    base.add(KnowledgeBase.Cue(kind: kind, tokens: tokens))
                }
                continue
            }
            guard let kind = KnowledgeBase.Entry.Kind(rawValue: kindWord) else {
                let kinds = (KnowledgeBase.Entry.Kind.allCases.map(\.rawValue) + ["cue"]).joined(separator: ", ")
                throw fail("unknown kind '\(kindWord)'; expected one of \(kinds)")
            }
            guard head.count >= 2 else { throw fail("\(kind.rawValue) needs a name") }
            var entry = KnowledgeBase.Entry(
                kind: kind, name: head[1], openness: nil, openSince: nil, vendor: nil, family: nil, licence: nil, requiresCapital: false,
                patterns: [],
                origin: "\(file):\(lineNumber)")
            for word in head.dropFirst(2) {
                if let openness = Openness(rawValue: word) {
                    entry.openness = openness
                    continue
                }
                guard let equals = word.firstIndex(of: "=") else { throw fail("unknown word '\(word)'; expected open, closed or key=value") }
                let key = String(word[..<equals])
                let value = String(word[word.index(after: equals)...])
                switch key {
                case "vendor": entry.vendor = value
                case "family": entry.family = value
                case "licence", "license": entry.licence = value
                case "since":
                    guard let date = DateText.day(value) else { throw fail("since=\(value) is not a date like 2024-03-17") }
                    entry.openSince = date
                case "case":
                    guard value == "exact" else { throw fail("case=\(value): only case=exact is known") }
                    entry.requiresCapital = true
                default:
                    throw fail("unknown option '\(key)'; expected vendor, family, licence, since or case")
                }
            }
            if kind == .model || kind == .family || kind == .product, entry.openness == nil {
                throw fail("\(kind.rawValue) \(entry.name) needs 'open' or 'closed'")
            }
            if entry.openSince != nil, entry.openness != .open {
                throw fail("since= only makes sense for an open model")
            }
            let sources = patterns.isEmpty ? [Substring(entry.name)] : patterns
            for pattern in sources {
                let tokens = patternTokens(pattern)
                guard let first = tokens.first else { throw fail("pattern '\(pattern)' has no words") }
                guard first != "#", first != "*" else { throw fail("pattern '\(pattern)' may not start with a wildcard") }
                entry.patterns.append(tokens)
            }
            base.add(entry)
        }
        return base
    }

    /// A pattern's words, tokenised like item text, with the wildcards `#` and `*` kept.
    static func patternTokens(_ pattern: Substring) -> [String] {
        pattern.split(separator: " ").flatMap { word -> [String] in
            word == "#" || word == "*" ? [String(word)] : Tokenizer.tokens(String(word)).map(\.text)
        }
    }

    private static func colonOutsideQuotes(_ text: Substring) -> Substring.Index? {
        var inQuotes = false
        for index in text.indices {
            if text[index] == "\"" { inQuotes.toggle() }
            if text[index] == ":", !inQuotes { return index }
        }
        return nil
    }

    /// Splits the head into words, keeping quoted names (and `key="quoted value"`) whole.
    private static func words(_ text: Substring, fail: (String) -> KnowledgeBaseError) throws(KnowledgeBaseError) -> [String] {
        var words: [String] = []
        var current = ""
        var inQuotes = false
        for character in text {
            if character == "\"" {
                inQuotes.toggle()
                continue
            }
            if character == " " || character == "\t", !inQuotes {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            current.append(character)
        }
        guard !inQuotes else { throw fail("unterminated quote") }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}

/// Reads `YYYY-MM-DD`.
enum DateText {
    static func day(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        return Timestamp(year: year, month: month, day: day)
    }
}
