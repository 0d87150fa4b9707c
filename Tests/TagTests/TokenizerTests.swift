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
        // Words of seven and eight letters, at the end of the text, before a digit and before
        // letters of other scripts, which continue them.
        ("Gemmaaa Mistrals gemmaaa", ["gemmaaa", "mistrals", "gemmaaa"]),
        ("abcdefg1 abcdefgh2", ["abcdefg", "1", "abcdefgh", "2"]),
        ("naïve Grokéé x", ["naïve", "grokéé", "x"]),
        ("qwen\u{00A0}max…ok", ["qwen", "max", "ok"]),
    ])
    func splitsLikeTheKnowledgeBase(text: String, expected: [String]) {
        #expect(Tokenizer.tokens(text).map(\.text) == expected)
    }

    @Test func aWordHashesAlikeWhereverItIsAndHoweverItIsCapitalised() {
        // The tagger finds pattern words by these hashes, made from the knowledge base's words alone.
        let words = Words("GPT gpt Gpt-4o, and a longer word: Interoperability interoperability v1.5")
        let alone = ["gpt", "4", "o", "and", "interoperability", "1.5"].map(Words.hash(of:))
        #expect(words[0].hash == alone[0] && words[1].hash == alone[0] && words[2].hash == alone[0])
        #expect(words[3].hash == alone[1] && words[4].hash == alone[2] && words[5].hash == alone[3])
        #expect(words[9].hash == alone[4] && words[10].hash == alone[4] && words[12].hash == alone[5])
        #expect(Set(alone).count == alone.count)
    }

    @Test func everyWordHashesAsItsTextAlone() {
        let text = "Qwen2.5-Coder-32B-Instruct, naïve DeepSeek‑V3 a ab abc abcd abcde abcdef abcdefg abcdefgh abcdefghi GPT-4o-mini x"
        let words = Words(text)
        #expect(words.count == 24)
        for position in 0..<words.count {
            #expect(words[position].hash == Words.hash(of: words.text(at: position)), "\(words.text(at: position))")
        }
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
