import AINewsCore
import Testing

@testable import AINewsTag

@Suite struct TokenizerTests {
    @Test(arguments: [
        ("GPT-4o", ["gpt", "4", "o"]),
        ("Llama3 70B", ["llama", "3", "70", "b"]),
        ("Claude 3.5 Sonnet", ["claude", "3.5", "sonnet"]),
        ("v1.5.", ["v", "1.5"]),
        ("Meta’s “open” model—really", ["meta", "s", "open", "model", "really"]),
        ("Mixtral-8x7B", ["mixtral", "8", "x", "7", "b"]),
        ("café 2", ["café", "2"]),
    ])
    func splitsLikeTheKnowledgeBase(text: String, expected: [String]) {
        #expect(Tokenizer.tokens(text).map(\.text) == expected)
    }

    @Test func hashesTheLowerCasedWord() {
        // The tagger finds pattern words by these hashes, made from the knowledge base's words.
        let tokens = Tokenizer.tokens("GPT-4o Llama3 Claude 3.5 Über café v1.5.")
        #expect(tokens.count == 11)
        for token in tokens { #expect(token.hash == FNV1a.hash(token.text.utf8)) }
    }

    @Test func remembersCapitals() {
        #expect(Tokenizer.tokens("Pi pi").map(\.isCapitalized) == [true, false])
    }
}

@Suite struct TagEvaluationTests {
    @Test func figuresFromAKnownMatrix() {
        var evaluation = TagEvaluation()
        for _ in 0..<8 { evaluation.record(expected: .open, predicted: .open) }
        for _ in 0..<2 { evaluation.record(expected: .open, predicted: .both) }
        for _ in 0..<5 { evaluation.record(expected: .closed, predicted: .closed) }
        evaluation.record(expected: .both, predicted: .both)
        #expect(evaluation.total == 16)
        #expect(evaluation.accuracy == 14.0 / 16.0)
        #expect(evaluation.precision(.both) == 1.0 / 3.0)
        #expect(evaluation.recall(.open) == 0.8)
        #expect(abs(evaluation.f1(.open) - 2 * 1.0 * 0.8 / 1.8) < 1e-9)
        #expect(evaluation.report.contains("open") && evaluation.report.contains("confusion"))
    }
}
