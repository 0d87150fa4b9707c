import Testing

@testable import AINewsSummarise

@Suite struct SentenceSplitterTests {
    func texts(_ text: String) -> [String] { SentenceSplitter.sentences(text).map(\.text) }

    @Test func splitsPlainSentences() {
        #expect(texts("Meta released a model. It is open! Is it good? Yes.") == ["Meta released a model.", "It is open!", "Is it good?", "Yes."])
    }

    @Test func abbreviationsAndTitlesDoNotEndSentences() {
        #expect(texts("Dr. Smith met Mr. Jones at St. Mary's. They talked.") == ["Dr. Smith met Mr. Jones at St. Mary's.", "They talked."])
        #expect(texts("It beats GPT-4 vs. Claude on tests. Fine.") == ["It beats GPT-4 vs. Claude on tests.", "Fine."])
    }

    @Test func initialismsEndASentenceOnlyBeforeASentenceStart() {
        #expect(
            texts("The U.S. Commerce Department set rules. Chips are affected.") == [
                "The U.S. Commerce Department set rules.", "Chips are affected.",
            ])
        #expect(texts("The rules apply in the U.S. The EU differs.") == ["The rules apply in the U.S.", "The EU differs."])
        #expect(texts("J. R. R. Tolkien wrote it. Done.") == ["J. R. R. Tolkien wrote it.", "Done."])
    }

    @Test func versionNumbersAndDomainsStayInside() {
        #expect(
            texts("Claude 3.5 Sonnet beats v1.5 of Gemini. See example.com for details.") == [
                "Claude 3.5 Sonnet beats v1.5 of Gemini.", "See example.com for details.",
            ])
        #expect(texts("Llama 3.1 405B is out. It costs $0.50.") == ["Llama 3.1 405B is out.", "It costs $0.50."])
    }

    @Test func quotesStayWithTheirSentence() {
        #expect(texts("He said, \"It is ready.\" The launch followed.") == ["He said, \"It is ready.\"", "The launch followed."])
        #expect(texts("“Why now?” she asked. Nobody knew.") == ["“Why now?” she asked.", "Nobody knew."])
        #expect(texts("It shipped. “We are proud,” he said.") == ["It shipped.", "“We are proud,” he said."])
    }

    @Test func ellipsesAndFragmentsAreIncomplete() {
        let sentences = SentenceSplitter.sentences("The model is fast... and cheap. It launched today… The rest of the story")
        #expect(sentences.map(\.text) == ["The model is fast... and cheap.", "It launched today…", "The rest of the story"])
        #expect(sentences.map(\.isComplete) == [true, false, false])
    }

    @Test func paragraphsAlwaysEndSentences() {
        let sentences = SentenceSplitter.sentences("A heading without a stop\nThe body starts here. It ends here.")
        #expect(sentences.map(\.text) == ["A heading without a stop", "The body starts here.", "It ends here."])
        #expect(sentences.map(\.isComplete) == [false, true, true])
    }
}
