#if canImport(Glibc)
    import Glibc
#endif

/// One word of item text, lower-cased, with whether it was written capitalised (for names that are
/// also common words, such as "Pi" or "Command").
public struct Token: Sendable, Equatable {
    public var text: String
    public var isCapitalized: Bool

    public init(text: String, isCapitalized: Bool) {
        self.text = text
        self.isCapitalized = isCapitalized
    }
}

/// Splits text into the tokens the tagger matches on. Letters and digits form words; a change
/// between ASCII letters and digits splits a word ("GPT-4o" → gpt 4 o, "Llama3" → llama 3), so
/// every spelling of a model name gives the same tokens; a dot between digits stays ("3.5"),
/// so "Claude 3.5" is not "Claude 3". Everything else separates words.
public enum Tokenizer {
    public static func tokens(_ text: String) -> [Token] {
        let words = Words(text)
        return (0..<words.count).map { Token(text: words.text(at: $0), isCapitalized: words[$0].isCapitalized) }
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

/// The words of a text as `Tokenizer` splits them, kept as ranges of one lower-cased copy of the
/// text: the daemon's tagger reads every word of every new item and quotes only a few, so a word
/// becomes a `String` only when it is asked for.
struct Words {
    struct Word {
        var start: Int32
        var count: Int32
        var isCapitalized: Bool
        /// `Words.hash(of:)` of the lower-cased word.
        var hash: UInt64
    }

    /// The text with ASCII capitals lower-cased; words are ranges of it.
    private var lowered: [UInt8]
    private var words: [Word] = []

    init(_ text: String) {
        var text = text
        lowered = []
        text.withUTF8 { split($0) }
    }

    var count: Int { words.count }

    /// The hash of a word, made a byte at a time as the word is read: a rotate and an exclusive
    /// or per byte, half the latency of FNV-1a's multiply (tagging the fetch benchmark's items
    /// went from 86–90K to 94–95K a second), mixed once at the end. Only ever compared within one
    /// process: the tagger hashes its patterns' words the same way.
    struct WordHasher {
        private var state: UInt64 = 0

        @inline(__always)
        mutating func combine(_ byte: UInt8) {
            state = (state << 5 | state >> 59) ^ UInt64(byte)
        }

        @inline(__always)
        func finalize(length: Int) -> UInt64 {
            var value = state ^ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
            value = (value ^ value >> 33) &* 0xFF51_AFD7_ED55_8CCD
            return value ^ value >> 33
        }
    }

    /// The hash of a lower-case word on its own (a pattern's word).
    static func hash(of word: String) -> UInt64 {
        var hasher = WordHasher()
        for byte in word.utf8 { hasher.combine(byte) }
        return hasher.finalize(length: word.utf8.count)
    }

    subscript(position: Int) -> Word { words[position] }

    func text(at position: Int) -> String {
        let word = words[position]
        return lowered.withUnsafeBufferPointer { String(decoding: $0[Int(word.start)..<Int(word.start + word.count)], as: UTF8.self) }
    }

    /// Whether the word at `position` is `pool[range]`, which is lower-case.
    func word(at position: Int, is pool: [UInt8], _ range: Range<Int32>) -> Bool {
        let word = words[position]
        guard word.count == range.count else { return false }
        return lowered.withUnsafeBufferPointer { text in
            pool.withUnsafeBufferPointer { memcmp(text.baseAddress! + Int(word.start), $0.baseAddress! + Int(range.lowerBound), range.count) == 0 }
        }
    }

    /// Whether the word at `position` starts with a digit.
    func startsWithDigit(_ position: Int) -> Bool {
        let first = lowered[Int(words[position].start)]
        return first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
    }

    private mutating func split(_ bytes: UnsafeBufferPointer<UInt8>) {
        lowered = Array(bytes)
        words.reserveCapacity(bytes.count / 5)
        // The current word is bytes[(index - length)..<index].
        var length = 0
        var capitalized = false
        var hasher = WordHasher()
        var lastClass = Tokenizer.CharacterClass.separator
        func flush(at end: Int) {
            guard length > 0 else { return }
            words.append(Word(start: Int32(end - length), count: Int32(length), isCapitalized: capitalized, hash: hasher.finalize(length: length)))
            length = 0
            hasher = WordHasher()
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
            let characterClass = Tokenizer.CharacterClass(byte)
            switch characterClass {
            case .separator:
                // A dot between digits belongs to the number: 3.5, v1.5.
                if byte == UInt8(ascii: "."), lastClass == .digit, index + 1 < bytes.count, Tokenizer.CharacterClass(bytes[index + 1]) == .digit {
                    hasher.combine(byte)
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
                if isUpper { lowered[index] = byte | 0x20 }
                hasher.combine(byte | (isUpper ? 0x20 : 0))
                length += 1
                if characterClass == .letter {
                    // The lower-case letters that follow, most of any word, need no other check.
                    var next = index + 1
                    while next < bytes.count, bytes[next] >= UInt8(ascii: "a"), bytes[next] <= UInt8(ascii: "z") {
                        hasher.combine(bytes[next])
                        next += 1
                    }
                    length += next - index - 1
                    lastClass = .letter
                    index = next
                    continue
                }
            case .other:
                // Non-ASCII bytes are letters of other scripts or of accented words.
                if length > 0, lastClass == .digit { flush(at: index) }
                hasher.combine(byte)
                length += 1
            }
            lastClass = characterClass == .other ? .letter : characterClass
            index += 1
        }
        flush(at: bytes.count)
    }
}
