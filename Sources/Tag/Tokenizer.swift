/// One word of item text, lower-cased, with whether it was written capitalised (for names that are
/// also common words, such as "Pi" or "Command").
public struct Token: Sendable, Equatable {
    public var text: String
    public var isCapitalized: Bool
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
        var current: [UInt8] = []
        var capitalized = false
        var lastClass = CharacterClass.separator
        func flush() {
            if !current.isEmpty {
                tokens.append(Token(text: String(decoding: current, as: UTF8.self), isCapitalized: capitalized))
                current.removeAll(keepingCapacity: true)
            }
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // Typographic punctuation (U+2000–U+206F: ’ “ ” – — …) and the no-break space separate words.
            if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
                flush()
                lastClass = .separator
                index += 3
                continue
            }
            if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                flush()
                lastClass = .separator
                index += 2
                continue
            }
            let characterClass = CharacterClass(byte)
            switch characterClass {
            case .separator:
                // A dot between digits belongs to the number: 3.5, v1.5.
                if byte == UInt8(ascii: "."), lastClass == .digit, index + 1 < bytes.count, CharacterClass(bytes[index + 1]) == .digit {
                    current.append(byte)
                    index += 1
                    continue
                }
                flush()
            case .letter, .digit:
                if !current.isEmpty, lastClass != characterClass, lastClass != .separator {
                    flush()
                }
                if current.isEmpty { capitalized = byte >= 65 && byte <= 90 }
                current.append(byte >= 65 && byte <= 90 ? byte | 0x20 : byte)
            case .other:
                // Non-ASCII bytes are letters of other scripts or of accented words.
                if !current.isEmpty, lastClass == .digit { flush() }
                current.append(byte)
            }
            lastClass = characterClass == .other ? .letter : characterClass
            index += 1
        }
        flush()
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
