/// The sentences feeds append to every item, which say nothing about the story.
public enum Boilerplate {
    /// Lower-cased phrases that mark a sentence as boilerplate wherever they occur.
    static let phrases = [
        "read more", "continue reading", "appeared first on", "all rights reserved", "©", "(c) 20", "click here",
        "subscribe to", "sign up for", "this article was originally", "originally published", "keep reading",
        "read the full", "read full article", "for personal use only", "[…]", "[...]", "follow us on",
        "join our", "our newsletter", "this story has been updated", "view on github", "leave a comment",
    ]

    private static let phraseBytes = phrases.map { Array($0.utf8) }

    public static func isBoilerplate(_ sentence: String) -> Bool {
        // Byte search over ASCII-lower-cased UTF-8: every phrase is lower case already.
        let text = sentence.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        return phraseBytes.contains { phrase in
            guard text.count >= phrase.count else { return false }
            var start = 0
            while start + phrase.count <= text.count {
                if text[start] == phrase[0], text[start..<(start + phrase.count)].elementsEqual(phrase) { return true }
                start += 1
            }
            return false
        }
    }

    /// Sentences that occur in at least `minimumItems` items of one feed: footers, bylines and
    /// calls to action that a phrase list cannot know. `items` are the sentences of one feed's items.
    public static func repeatedSentences(in items: [[SentenceSplitter.Sentence]], minimumItems: Int = 3) -> Set<String> {
        var counts: [String: Int] = [:]
        for item in items {
            for sentence in Set(item.map(\.text)) { counts[sentence, default: 0] += 1 }
        }
        return Set(counts.compactMap { $0.value >= minimumItems ? $0.key : nil })
    }
}
