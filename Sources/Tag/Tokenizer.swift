import AINewsCore

/// One word of item text, lower-cased, with whether it was written capitalised (for names that are
/// also common words, such as "Pi" or "Command").
public struct Token: Sendable, Equatable {
    public var text: String
    public var isCapitalized: Bool
    /// `FNV1a` of `text`, computed while tokenizing, so lookups need not hash the string again.
    public var hash: UInt64

    public init(text: String, isCapitalized: Bool) {
        self.text = text
        self.isCapitalized = isCapitalized
        hash = FNV1a.hash(text.utf8)
    }

    init(text: String, isCapitalized: Bool, hash: UInt64) {
        self.text = text
        self.isCapitalized = isCapitalized
        self.hash = hash
    }
}

/// Splits text into the tokens the tagger matches on. Letters and digits form words; a change
/// between ASCII letters and digits splits a word ("GPT-4o" → gpt 4 o, "Llama3" → llama 3), so
/// every spelling of a model name gives the same tokens; a dot between digits stays ("3.5"),
/// so "Claude 3.5" is not "Claude 3". Everything else separates words.
public enum Tokenizer {
    public static func tokens(_ text: String) -> [Token] {
        var text = text
        return text.withUTF8 { tokens(bytes: $0) }
    }

    static func tokens(bytes: UnsafeBufferPointer<UInt8>) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 5)
        // The current word is bytes[start..<index]; lower-cased only when it has capitals.
        var length = 0
        var capitalized = false
        var hasUpper = false
        var lastClass = CharacterClass.separator
        func flush(at end: Int) {
            guard length > 0 else { return }
            let word = UnsafeBufferPointer(rebasing: bytes[(end - length)..<end])
            // One pass lower-cases into the string's own storage and hashes the lower-cased bytes.
            var hasher = FNV1a()
            let text: String
            if hasUpper {
                text = String(unsafeUninitializedCapacity: word.count) { storage in
                    for (offset, byte) in word.enumerated() {
                        let lowered = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
                        storage[offset] = lowered
                        hasher.combine(lowered)
                    }
                    return word.count
                }
            } else {
                text = String(decoding: word, as: UTF8.self)
                hasher.combine(word)
            }
            tokens.append(Token(text: text, isCapitalized: capitalized, hash: hasher.value))
            length = 0
            hasUpper = false
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // Typographic punctuation (U+2000–U+206F: ’ “ ” – — …) and the no-break space separate words.
            if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
                flush(at: index)
                lastClass = .separator
                index += 3
                continue
            }
            if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                flush(at: index)
                lastClass = .separator
                index += 2
                continue
            }
            let characterClass = CharacterClass(byte)
            switch characterClass {
            case .separator:
                // A dot between digits belongs to the number: 3.5, v1.5.
                if byte == UInt8(ascii: "."), lastClass == .digit, index + 1 < bytes.count, CharacterClass(bytes[index + 1]) == .digit {
                    length += 1
                    index += 1
                    continue
                }
                flush(at: index)
            case .letter, .digit:
                if length > 0, lastClass != characterClass, lastClass != .separator {
                    flush(at: index)
                }
                let isUpper = byte >= 65 && byte <= 90
                if length == 0 { capitalized = isUpper }
                hasUpper = hasUpper || isUpper
                length += 1
            case .other:
                // Non-ASCII bytes are letters of other scripts or of accented words.
                if length > 0, lastClass == .digit { flush(at: index) }
                length += 1
            }
            lastClass = characterClass == .other ? .letter : characterClass
            index += 1
        }
        flush(at: bytes.count)
        return tokens
    }

    enum CharacterClass {
        case letter, digit, separator, other

        init(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): self = .letter
            case UInt8(ascii: "0")...UInt8(ascii: "9"): self = .digit
            case 0x80...: self = .other
            default: self = .separator
            }
        }
    }
}
