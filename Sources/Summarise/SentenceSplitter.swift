/// Splits plain text into sentences the way a reader would, so a summary never ends mid-sentence:
/// a period after "Dr", "U.S" or a lone initial is not an end, nor one inside "v1.5", "3.5 Sonnet"
/// or "example.com"; an ellipsis ends a sentence only before a capital; closing quotes and brackets
/// stay with the sentence they close. Paragraph breaks always end a sentence.
///
/// ```swift
/// SentenceSplitter.sentences("Dr. Smith met U.S. officials. They agreed.")
/// // [("Dr. Smith met U.S. officials.", complete), ("They agreed.", complete)]
/// ```
public enum SentenceSplitter {
    public struct Sentence: Sendable, Equatable {
        public var text: String
        /// Ends with its own punctuation; false for a trailing fragment or one cut with "…".
        public var isComplete: Bool
    }

    public static func sentences(_ text: String) -> [Sentence] {
        var sentences: [Sentence] = []
        for paragraph in text.split(whereSeparator: \.isNewline) {
            split(Array(paragraph.unicodeScalars), into: &sentences)
        }
        return sentences
    }

    /// Titles and abbreviations that a period follows inside a sentence.
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "sen", "rep", "gov", "gen", "col", "lt", "capt",
        "sgt", "rev", "hon", "pres", "no", "nos", "fig", "figs", "vs", "v", "approx", "est", "dept", "univ", "jan",
        "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ca", "cf", "al",
    ]

    /// Words that start a new sentence after an initialism ("… in the U.S. The company …").
    static let sentenceStarters: Set<String> = [
        "The", "It", "This", "That", "These", "Those", "But", "And", "In", "A", "An", "He", "She", "They", "We",
        "I", "Its", "Their", "There", "Meanwhile", "However", "Still", "Now", "Today", "Yet", "So", "As", "At",
        "On", "For", "If", "When", "While", "After", "Before", "According",
    ]

    private static let closers: Set<Unicode.Scalar> = ["\"", "'", "”", "’", "»", ")", "]"]
    private static let openers: Set<Unicode.Scalar> = ["\"", "'", "“", "‘", "«", "(", "["]
    private static let terminators: Set<Unicode.Scalar> = [".", "!", "?", "…"]

    // Works on Unicode scalars rather than Characters: every mark it looks for is one scalar,
    // and it avoids grapheme breaking over the whole text.
    private static func split(_ characters: [Unicode.Scalar], into sentences: inout [Sentence]) {
        var start = 0
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard terminators.contains(character) else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, terminators.contains(characters[end]) { end += 1 }
            let terminator = String(String.UnicodeScalarView(characters[index..<end]))
            while end < characters.count, closers.contains(characters[end]) { end += 1 }
            // A boundary needs white space after it (or the end of the paragraph).
            guard end == characters.count || characters[end].properties.isWhitespace else {
                index = end
                continue
            }
            var next = end
            while next < characters.count, characters[next].properties.isWhitespace { next += 1 }
            if next < characters.count, !isBoundary(characters, terminatorAt: index, terminator: terminator, nextAt: next) {
                index = next
                continue
            }
            append(characters[start..<end], complete: terminator != "…" && terminator != "...", to: &sentences)
            start = next
            index = next
        }
        if start < characters.count { append(characters[start...], complete: false, to: &sentences) }
    }

    private static func isBoundary(_ characters: [Unicode.Scalar], terminatorAt index: Int, terminator: String, nextAt next: Int) -> Bool {
        var first = next
        while first < characters.count, openers.contains(characters[first]) { first += 1 }
        guard first < characters.count else { return true }
        let nextCharacter = characters[first].properties
        if nextCharacter.isLowercase { return false }
        if terminator == "…" || terminator == "..." { return nextCharacter.isUppercase }
        guard terminator == "." else { return true }
        // The word before the period.
        var wordStart = index
        while wordStart > 0, !characters[wordStart - 1].properties.isWhitespace, !openers.contains(characters[wordStart - 1]) { wordStart -= 1 }
        guard index - wordStart <= 12 else { return true }
        let word = String(String.UnicodeScalarView(characters[wordStart..<index]))
        if abbreviations.contains(word.lowercased()) { return false }
        let isInitial = word.unicodeScalars.count == 1 && word.unicodeScalars.first!.properties.isUppercase
        let isInitialism =
            word.count >= 3 && word.contains(".") && word.split(separator: ".").allSatisfy { $0.count == 1 && $0.first!.isLetter }
        if isInitial || isInitialism {
            var wordEnd = first
            while wordEnd < characters.count, characters[wordEnd].properties.isAlphabetic { wordEnd += 1 }
            return sentenceStarters.contains(String(String.UnicodeScalarView(characters[first..<wordEnd])))
        }
        return true
    }

    private static func append(_ characters: ArraySlice<Unicode.Scalar>, complete: Bool, to sentences: inout [Sentence]) {
        let text = String(String.UnicodeScalarView(characters)).trimmingWhitespace()
        if !text.isEmpty { sentences.append(Sentence(text: text, isComplete: complete)) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
