import AINewsTag

/// One source of a story, as the summariser reads it.
public struct SummarySource: Sendable {
    public var title: String
    public var sentences: [SentenceSplitter.Sentence]

    /// `text` is plain text, paragraphs separated by newlines.
    public init(title: String, text: String) {
        self.init(title: title, sentences: SentenceSplitter.sentences(text))
    }

    /// For callers that split the text already.
    public init(title: String, sentences: [SentenceSplitter.Sentence]) {
        self.title = title
        self.sentences = sentences
    }
}

/// Picks the one or two sentences that best say what a story is, from its sources' own words.
///
/// Each sentence is scored by how central it is to the story — its cosine with the story's
/// centroid, where a word weighs as many as the sources (titles included) that use it, so what
/// several outlets agree on wins — plus a prior for sentences near the top of their article, where
/// news puts the point. Fragments, truncated sentences, boilerplate ("Read more", "The post …
/// appeared first on", copyright lines) and sentences that repeat across a feed's items are never
/// picked. A second sentence is added when it is about the story too (at least half as central),
/// says something the first does not, and both fit in the word budget.
public struct ExtractiveSummarizer: Sendable {
    public var maxWords = 60
    public var maxSentences = 2
    /// Only this many sentences from the top of each source are read.
    public var sentencesPerSource = 12
    public var leadPrior = 0.15

    public init() {}

    /// The summary, or nil when no source has a complete, clean sentence; `repeated` holds
    /// sentences known to recur across a feed's items (footers, bylines) that are never picked.
    public func summary(of sources: [SummarySource], repeated: Set<String> = []) -> String? {
        var candidates: [Candidate] = []
        var centroid: [String: Double] = [:]
        for (sourceIndex, source) in sources.enumerated() {
            var words = Set(Self.words(source.title))
            let sentences = source.sentences.prefix(sentencesPerSource)
            for (position, sentence) in sentences.enumerated() {
                let sentenceWords = Self.words(sentence.text)
                words.formUnion(sentenceWords)
                guard sentence.isComplete, !repeated.contains(sentence.text), Boilerplate.isBoilerplate(sentence.text) == false else { continue }
                let wordCount = sentence.text.split(whereSeparator: \.isWhitespace).count
                guard wordCount >= 5, wordCount <= maxWords, sentence.text.first.map({ !$0.isLowercase }) ?? false else { continue }
                candidates.append(
                    Candidate(text: sentence.text, source: sourceIndex, position: position, wordCount: wordCount, words: Set(sentenceWords)))
            }
            for word in words { centroid[word, default: 0] += 1 }
        }
        guard !candidates.isEmpty else { return nil }
        let centroidLength = centroid.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func centrality(_ candidate: Candidate) -> Double {
            guard !candidate.words.isEmpty, centroidLength > 0 else { return 0 }
            let dot = candidate.words.reduce(0) { $0 + (centroid[$1] ?? 0) }
            return dot / (Double(candidate.words.count).squareRoot() * centroidLength)
        }
        let scored = candidates.map { candidate in
            (candidate: candidate, score: centrality(candidate) + leadPrior / Double(1 + candidate.position))
        }.sorted { ($0.score, $1.candidate.source, $1.candidate.position) > ($1.score, $0.candidate.source, $0.candidate.position) }

        var chosen = [scored[0].candidate]
        let firstCentrality = centrality(scored[0].candidate)
        for (candidate, _) in scored.dropFirst() where chosen.count < maxSentences && centrality(candidate) >= firstCentrality / 2 {
            let words = chosen.reduce(candidate.wordCount) { $0 + $1.wordCount }
            let overlap =
                Double(candidate.words.intersection(chosen[0].words).count) / Double(max(1, min(candidate.words.count, chosen[0].words.count)))
            if words <= maxWords, overlap < 0.5 { chosen.append(candidate) }
        }
        // Two sentences of one source read in their own order.
        if chosen.count == 2, chosen[0].source == chosen[1].source, chosen[1].position < chosen[0].position { chosen.swapAt(0, 1) }
        return chosen.map(\.text).joined(separator: " ")
    }

    struct Candidate {
        var text: String
        var source: Int
        var position: Int
        var wordCount: Int
        var words: Set<String>
    }

    static func words(_ text: String) -> [String] {
        Tokenizer.tokens(text).compactMap { StopWords.english.contains($0.text) ? nil : $0.text }
    }
}
