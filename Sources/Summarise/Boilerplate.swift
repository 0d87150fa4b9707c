/// The sentences feeds append to every item, which say nothing about the story.
public enum Boilerplate {
    /// Lower-cased phrases that mark a sentence as boilerplate wherever they occur.
    static let phrases = [
        "read more", "continue reading", "appeared first on", "all rights reserved", "©", "(c) 20", "click here",
        "subscribe to", "sign up for", "this article was originally", "originally published", "keep reading",
        "read the full", "read full article", "for personal use only", "[…]", "[...]", "follow us on",
        "join our", "our newsletter", "this story has been updated", "view on github", "leave a comment",
    ]

    public static func isBoilerplate(_ sentence: String) -> Bool {
        let lowered = sentence.lowercased()
        return phrases.contains { lowered.contains($0) }
    }

    /// Sentences that occur in at least `minimumItems` items of one feed: footers, bylines and
    /// calls to action that a phrase list cannot know. `items` are the plain texts of one feed's items.
    public static func repeatedSentences(in items: [String], minimumItems: Int = 3) -> Set<String> {
        var counts: [String: Int] = [:]
        for item in items {
            for sentence in Set(SentenceSplitter.sentences(item).map(\.text)) { counts[sentence, default: 0] += 1 }
        }
        return Set(counts.compactMap { $0.value >= minimumItems ? $0.key : nil })
    }
}
