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

        // Comparisons rather than range patterns: those became calls, once for every byte that
        // is not a space.
        @inline(__always)
        init(_ byte: UInt8) {
            if (byte | 0x20) &- UInt8(ascii: "a") < 26 {
                self = .letter
            } else if byte &- UInt8(ascii: "0") < 10 {
                self = .digit
            } else {
                self = byte >= 0x80 ? .other : .separator
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

    /// The text with ASCII capitals lower-cased, then `padding` zero bytes so that eight bytes
    /// can be read at any word; words are ranges of it.
    private var lowered: [UInt8]
    private var words: [Word] = []
    private static let padding = 8

    init(_ text: String) {
        var text = text
        lowered = []
        text.withUTF8 { split($0) }
    }

    var count: Int { words.count }

    /// The hash of a word's bytes, read eight at a time from `start`, which must be readable
    /// for `count` rounded up to eight (`padding`). Only ever compared within one process: the
    /// tagger hashes its patterns' words the same way.
    ///
    /// A word of eight bytes or fewer takes one multiplication by an odd constant, which no two
    /// such words share a result of; its high bits depend on every byte, and the filters and
    /// tables that take a few bits of a hash take those (`Bits`, `HashIndex`).
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var value = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset < count {
            var chunk = UInt64(littleEndian: UnsafeRawPointer(start + offset).loadUnaligned(as: UInt64.self))
            let remaining = count - offset
            if remaining < 8 { chunk &= (1 &<< UInt64(remaining &* 8)) &- 1 }
            if offset > 0 { value ^= value >> 29 }
            value = (value ^ chunk) &* 0xBF58_476D_1CE4_E5B9
            offset += 8
        }
        return value
    }

    /// The hash of a lower-case word on its own (a pattern's word).
    static func hash(of word: String) -> UInt64 {
        let bytes = Array(word.utf8) + [UInt8](repeating: 0, count: padding)
        return bytes.withUnsafeBufferPointer { hash($0.baseAddress!, count: bytes.count - padding) }
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
        // Lower-cased in a pass of its own, which the compiler vectorises; the words are then
        // gathered in locals, so the loop touches no property of `self`.
        let count = bytes.count
        lowered = [UInt8](unsafeUninitializedCapacity: count + Self.padding) { buffer, initialized in
            for index in 0..<count {
                let byte = bytes[index]
                buffer[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
            }
            for index in count..<(count + Self.padding) { buffer[index] = 0 }
            initialized = count + Self.padding
        }
        words = lowered.withUnsafeBufferPointer { Self.words(of: bytes, lowered: $0.baseAddress!) }
    }

    /// The words of `bytes`, whose lower-cased copy (with its padding) is `lower`.
    private static func words(of bytes: UnsafeBufferPointer<UInt8>, lowered lower: UnsafePointer<UInt8>) -> [Word] {
        let count = bytes.count
        var words: [Word] = []
        // Room for words of three letters and a space on average: running text has fewer, and
        // growing the array past a guess that fell short copied it whole.
        words.reserveCapacity(count / 4 + 8)
        // The current word is bytes[(index - length)..<index].
        var length = 0
        var capitalized = false
        var lastClass = Tokenizer.CharacterClass.separator
        func flush(at end: Int) {
            guard length > 0 else { return }
            let start = end - length
            words.append(Word(start: Int32(start), count: Int32(length), isCapitalized: capitalized, hash: hash(lower + start, count: length)))
            length = 0
        }
        var index = 0
        while index < count {
            let byte = bytes[index]
            // A space, the most common byte between words, ends a word and nothing else.
            if byte == UInt8(ascii: " ") {
                flush(at: index)
                lastClass = .separator
                index += 1
                continue
            }
            // Typographic punctuation (U+2000–U+206F: ’ “ ” – — …) and the no-break space separate words.
            if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
                flush(at: index)
                lastClass = .separator
                index += 3
                continue
            }
            if byte == 0xC2, index + 1 < count, bytes[index + 1] == 0xA0 {
                flush(at: index)
                lastClass = .separator
                index += 2
                continue
            }
            let characterClass = Tokenizer.CharacterClass(byte)
            switch characterClass {
            case .separator:
                // A dot between digits belongs to the number: 3.5, v1.5.
                if byte == UInt8(ascii: "."), lastClass == .digit, index + 1 < count, Tokenizer.CharacterClass(bytes[index + 1]) == .digit {
                    length += 1
                    index += 1
                    continue
                }
                flush(at: index)
            case .letter, .digit:
                if length > 0, lastClass != characterClass, lastClass != .separator {
                    flush(at: index)
                }
                // A word of ASCII letters that ends within eight bytes, most words of English,
                // is found from one eight-byte read, without the byte-by-byte loop below.
                if length == 0, characterClass == .letter,
                    let word = shortWord(lower, at: index, count: count, capitalized: byte &- UInt8(ascii: "A") < 26)
                {
                    words.append(word)
                    index += Int(word.count)
                    lastClass = .letter
                    continue
                }
                if length == 0 { capitalized = byte &- UInt8(ascii: "A") < 26 }
                length += 1
                if characterClass == .letter {
                    // The letters that follow, most of any word, found eight at a time.
                    let next = min(endOfLetters(lower, from: index + 1), count)
                    length += next - index - 1
                    lastClass = .letter
                    index = next
                    continue
                }
            case .other:
                // Non-ASCII bytes are letters of other scripts or of accented words.
                if length > 0, lastClass == .digit { flush(at: index) }
                length += 1
            }
            lastClass = characterClass == .other ? .letter : characterClass
            index += 1
        }
        flush(at: count)
        return words
    }

    /// The word of ASCII letters at `start` of `lowered` when it is shorter than eight bytes and
    /// what follows it ends it (anything but a non-ASCII byte, which would continue it).
    @inline(__always)
    private static func shortWord(_ lowered: UnsafePointer<UInt8>, at start: Int, count: Int, capitalized: Bool) -> Word? {
        let chunk = UInt64(littleEndian: UnsafeRawPointer(lowered + start).loadUnaligned(as: UInt64.self))
        let others = ~asciiLetters(chunk) & 0x8080_8080_8080_8080
        guard others != 0 else { return nil }
        let length = min(others.trailingZeroBitCount / 8, count - start)
        guard start + length == count || lowered[start + length] < 0x80 else { return nil }
        return Word(start: Int32(start), count: Int32(length), isCapitalized: capitalized, hash: hash(lowered + start, count: length))
    }

    /// The high bit of each byte of `chunk` that is a lower-case ASCII letter.
    @inline(__always)
    private static func asciiLetters(_ chunk: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        // Per byte, without carries between bytes: the high bit of `low + (0x80 - c)` is set
        // when the byte's low seven bits are at least c.
        let low = chunk & ~high
        let atLeastA = low &+ (0x80 - 0x61) &* ones
        let pastZ = low &+ (0x80 - 0x7B) &* ones
        return atLeastA & ~pastZ & ~chunk & high
    }

    /// The first position at or after `start` of `lowered` that is not an ASCII letter (the
    /// zero padding stops every run).
    @inline(__always)
    private static func endOfLetters(_ lowered: UnsafePointer<UInt8>, from start: Int) -> Int {
        var position = start
        while true {
            let chunk = UInt64(littleEndian: UnsafeRawPointer(lowered + position).loadUnaligned(as: UInt64.self))
            let others = ~asciiLetters(chunk) & 0x8080_8080_8080_8080
            if others != 0 { return position + others.trailingZeroBitCount / 8 }
            position += 8
        }
    }
}
