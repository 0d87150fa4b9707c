import Testing

@testable import AINewsSummarise

@Suite struct SummarizerTests {
    let summarizer = ExtractiveSummarizer()

    @Test func picksWhatTheSourcesAgreeOnAndSkipsBoilerplate() throws {
        let sources = [
            SummarySource(
                title: "Meta releases Llama 3.2 with vision models",
                text:
                    "Read more about our coverage policy here. Meta released Llama 3.2 with 11B and 90B vision models and weights on Hugging Face. The company also held a developer event."
            ),
            SummarySource(
                title: "Llama 3.2 adds vision",
                text: "Llama 3.2 adds 11B and 90B vision models, with the weights on Hugging Face. © 2024 Example. All rights reserved."),
        ]
        let summary = try #require(summarizer.summary(of: sources))
        #expect(summary.contains("vision models"))
        #expect(!summary.contains("Read more"))
        #expect(!summary.contains("©"))
        #expect(!summary.contains("developer event"))
    }

    @Test func staysWithinTwoCompleteSentencesAndSixtyWords() throws {
        let long = (1...8).map { "Sentence number \($0) talks about the Mistral model release and its licence terms in some detail." }.joined(
            separator: " ")
        let summary = try #require(
            summarizer.summary(of: [SummarySource(title: "Mistral model release", text: long + " And a fragment without end")]))
        let sentences = SentenceSplitter.sentences(summary)
        #expect((1...2).contains(sentences.count))
        #expect(sentences.allSatisfy { $0.isComplete })
        #expect(summary.split(separator: " ").count <= 60)
    }

    @Test func neverPicksTruncatedRepeatedOrTinySentences() {
        let sources = [
            SummarySource(title: "Title", text: "Short one. The announcement says the model is available… Subscribe for updates and more.")
        ]
        #expect(summarizer.summary(of: sources, repeated: ["Subscribe for updates and more."]) == nil)
    }

    @Test func repeatedSentencesAreFoundPerFeed() {
        let footer = "Example Daily is read by a million engineers every morning."
        let items = ["First story is here today. \(footer)", "Second story is here today. \(footer)", "Third story is here today. \(footer)"]
        let split = items.map(SentenceSplitter.sentences)
        #expect(Boilerplate.repeatedSentences(in: split) == [footer])
        #expect(Boilerplate.repeatedSentences(in: Array(split.prefix(2))).isEmpty)
    }

    @Test func endpointAnswersAreCheckedBeforeUse() {
        let chat = ChatSummarizer(endpoint: "http://127.0.0.1:9/v1/chat/completions", model: "m")
        #expect(chat.clean("  Meta released Llama 3.2,\n with vision models. ") == "Meta released Llama 3.2, with vision models.")
        #expect(chat.clean("<p>Meta released Llama 3.2 with vision.</p>") == nil)
        #expect(chat.clean("**Summary:** Meta released a model today.") == nil)
        #expect(chat.clean("Meta released Llama 3.2 with vision models and") == nil, "a cut-off answer")
        #expect(chat.clean(String(repeating: "word ", count: 70) + "end.") == nil, "too long")
        #expect(chat.clean("") == nil)
    }

    @Test func anUnreachableEndpointIsAFailureNotACrash() {
        var chat = ChatSummarizer(endpoint: "http://127.0.0.1:9/v1/chat/completions", model: "m")
        chat.timeoutSeconds = 2
        guard case .failure(let failure) = chat.summary(title: "T", sources: [.init(feed: "F", title: "T", text: "Text.")]) else {
            Issue.record("a closed port answered")
            return
        }
        #expect(failure.description.contains("127.0.0.1:9"))
    }
}
