import AINewsCluster
import Testing

@Suite struct StoryClustererTests {
    let hour: Int64 = 3600
    let t0: Int64 = 1_727_000_000

    func candidate(_ feed: Int64, _ hours: Int64, _ title: String, _ text: String = "", link: String? = nil, models: [String] = []) -> StoryCandidate
    {
        StoryCandidate(feedID: feed, time: t0 + hours * hour, link: link, title: title, text: text, models: models)
    }

    var background: [StoryCandidate] {
        [
            candidate(5, 1, "Nvidia reports record data centre revenue"), candidate(6, 3, "EU AI Act obligations start for general-purpose models"),
            candidate(7, 5, "Apple shows new on-device features for iPhone"), candidate(8, 8, "Startup raises $100M for robotics foundation models"),
            candidate(9, 12, "Court rules on training data copyright case"), candidate(5, 20, "Microsoft opens a research lab in London"),
        ]
    }

    @Test func joinsOneEventAcrossFeeds() {
        let items =
            [
                candidate(
                    1, 0, "Meta releases Llama 3.2 with vision models", "The 11B and 90B models see images; weights on Hugging Face.",
                    models: ["Llama"]),
                candidate(
                    2, 2, "Llama 3.2 adds vision to Meta's open models", "Vision models at 11B and 90B, plus 1B and 3B for phones.", models: ["Llama"]
                ),
                candidate(3, 6, "Hands-on with Llama 3.2 vision", "I tried the 11B vision model from Meta on my laptop.", models: ["Llama"]),
            ] + background
        let stories = StoryClusterer().stories(items)
        #expect(stories.first == [0, 1, 2])
        #expect(stories.count == 1 + background.count)
    }

    @Test func versionsAreDifferentEvents() {
        let items =
            [
                candidate(1, 0, "Meta releases Llama 3.1 405B", "The largest open model yet.", models: ["Llama"]),
                candidate(2, 30, "Meta releases Llama 3.2 with vision", "Vision models and small models.", models: ["Llama"]),
            ] + background
        #expect(StoryClusterer().stories(items).count == items.count)
    }

    @Test func oneComparisonNamingOtherRivalsIsStillOneStory() {
        let items =
            [
                candidate(
                    1, 0, "Databricks says DBRX beats GPT-3.5", "Databricks released DBRX, a 132B mixture-of-experts model with open weights.",
                    models: ["DBRX", "GPT-3.5"]),
                candidate(
                    2, 3, "Databricks' open DBRX model rivals GPT-4 on some tests",
                    "The 132B mixture-of-experts DBRX from Databricks has open weights.", models: ["DBRX", "GPT-4"]),
            ] + background
        #expect(StoryClusterer().stories(items).first == [0, 1])
    }

    @Test func oneFeedNeverReportsAStoryTwice() {
        let items = [
            candidate(1, 0, "OpenAI launches GPT-4o mini", "A cheaper small model.", models: ["GPT-4o mini"]),
            candidate(1, 1, "OpenAI launches GPT-4o mini for developers", "A cheaper small model in the API.", models: ["GPT-4o mini"]),
        ]
        #expect(StoryClusterer().stories(items) == [[0], [1]])
    }

    @Test func farApartInTimeIsAnotherStory() {
        let title = "Anthropic releases Claude 3.5 Sonnet"
        let items = [candidate(1, 0, title, models: ["Claude 3.5 Sonnet"]), candidate(2, 24 * 8, title, models: ["Claude 3.5 Sonnet"])] + background
        #expect(StoryClusterer().stories(items).count == items.count)
    }

    @Test func theSameLinkIsTheSameStory() {
        let items = [
            candidate(1, 0, "Something happened", link: "https://news.example/a"),
            candidate(2, 1, "Unrelated words entirely", link: "https://news.example/a"),
        ]
        #expect(StoryClusterer().stories(items) == [[0, 1]])
    }

    @Test func pairwiseEvaluationCountsPairs() {
        let evaluation = StoryEvaluation(predicted: [0, 0, 0, 1], expected: ["a", "a", "b", "b"])
        #expect(evaluation.truePairs == 1)
        #expect(evaluation.falsePairs == 2)
        #expect(evaluation.missedPairs == 1)
        #expect(abs(evaluation.precision - 1.0 / 3) < 1e-9)
        #expect(evaluation.recall == 0.5)
    }
}
