import AINewsCore
import AINewsDigest
import AINewsFetch
import AINewsParse
import AINewsService
import AINewsSummarise
import AINewsTag
import Foundation
import TestSupport
import Testing

@testable import AINewsStore

/// The digest built from a real store filled from the fixture feeds (three made-up outlets
/// covering 2024-W39 and one item of the week before), tagged with the shipped knowledge base.
@Suite struct DigestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let tagger = Tagger(
        knowledgeBase: try! KnowledgeBaseLoader.load(
            directory: root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Config/knowledge-base").path,
            extraFiles: []))
    let store: Store
    let week = Period(week: "2024-W39")!
    let now = Timestamp(year: 2024, month: 9, day: 30, hour: 7)!
    let scratch = ScratchFiles("digest")

    init() throws {
        store = try Store(path: scratch.path(".sqlite"))
        for name in ["wire.xml", "lab-blog.atom", "tech-site.xml"] {
            let feed = try store.addFeed(url: "https://\(name.split(separator: ".")[0]).example/feed", at: now)
            let data = try Data(contentsOf: Self.root.appendingPathComponent("Fixtures/\(name)"))
            try store.record(FetchOutcome(feedID: feed.id, fetchedAt: now, status: 200, feed: try FeedParser().parse(Array(data))))
        }
    }

    func build() throws -> DigestPipeline.Result {
        try DigestPipeline(store: store, settings: Settings(), tagger: Self.tagger).build(period: week, at: now)
    }

    @Test func groupsTheWeeksStoriesByOpenness() throws {
        let digest = try build().digest
        #expect(digest.numbers.items == 8)
        #expect(digest.numbers.stories == 5)
        #expect(digest.sections.map(\.label) == ["open", "closed", "none"])
        let llama = try #require(digest.sections.first?.stories.first)
        #expect(llama.sources.count == 3)
        #expect(Set(llama.sources.map(\.feed)) == ["Example Wire — AI", "Example Lab Blog", "Example Tech Site"])
        #expect(llama.models == ["Llama"])
        // Closed: Gemini (two sources) ranks above Advanced Voice (one).
        #expect(digest.sections[1].stories.map(\.sources.count) == [2, 1])
        #expect(digest.numbers.previous?.items == 1)
        #expect(digest.numbers.change("open") == 38 - 100)
    }

    @Test func summariesAreCleanCompleteSentencesFromTheItems() throws {
        let digest = try build().digest
        let texts = try store.entries().map { EntryText.body(of: $0.entry) }.joined(separator: " ")
        for story in digest.sections.flatMap(\.stories) {
            #expect(story.summarySource == "extractive")
            for sentence in SentenceSplitterProbe.sentences(story.summary) {
                #expect(texts.contains(sentence), "\(sentence) is not from the items")
            }
            #expect(!story.summary.contains("appeared first on"))
            #expect(!story.summary.contains("All rights reserved"))
            #expect(!story.summary.contains("Read more"))
            #expect(!story.summary.contains("<"))
            #expect(story.summary.split(separator: " ").count <= 60)
        }
    }

    @Test func theSameItemsGiveTheSameDigestAndRevision() throws {
        let first = try build()
        let second = try build()
        #expect(first.stored.revision == 1)
        #expect(second.stored.revision == 1)
        #expect(!second.isNew)
        #expect(try DigestCoding.encode(first.digest) == second.stored.content)
    }

    @Test func newItemsMakeANewRevisionAndPublishedOnesNeverChange() throws {
        let first = try build()
        try store.markPublished(digestID: first.stored.id, at: now)
        let feed = try store.addFeed(url: "https://late.example/feed", at: now)
        var late = Entry()
        late.id = "late-1"
        late.title = "Mistral releases Pixtral 12B"
        late.summary = "Mistral's first multimodal model has open weights under Apache 2.0."
        late.published = Timestamp(year: 2024, month: 9, day: 27)
        var parsed = ParsedFeed(format: .rss, version: "2.0")
        parsed.entries = [late]
        try store.record(FetchOutcome(feedID: feed.id, fetchedAt: now, status: 200, feed: parsed))
        let second = try build()
        #expect(second.stored.revision == 2)
        #expect(second.digest.numbers.items == 9)
        #expect(try store.digests(period: "2024-W39").map(\.revision) == [1, 2])
        #expect(throws: StoreError.self) { try store.database.execute("UPDATE digests SET content = '{}' WHERE revision = 1") }
        #expect(throws: StoreError.self) { try store.database.execute("DELETE FROM digests WHERE revision = 1") }
        #expect(try store.digests(period: "2024-W39").first?.content == first.stored.content)
    }

    @Test func plainTextWrapsAt72AndNeverBreaksALink() throws {
        let digest = try build().digest
        let text = DigestRenderer.text(digest)
        for line in text.split(separator: "\n") where !line.contains("://") {
            #expect(line.count <= 72, "\(line)")
        }
        for link in digest.sections.flatMap(\.stories).flatMap(\.sources).compactMap(\.link) {
            #expect(text.contains(link))
        }
        #expect(text.contains("OPEN MODELS"))
        #expect(text.contains("8 items in 5 stories."))
    }

    @Test func htmlEscapesFeedTextAndLinksOnlyToTheWeb() throws {
        var digest = try build().digest
        digest.sections[0].stories[0].sources[0].link = "javascript:alert(1)"
        let html = DigestRenderer.html(digest)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let markdown = DigestRenderer.markdown(digest)
        #expect(markdown.contains("## Open models"))
        #expect(!markdown.contains("<script>"))
    }

    @Test func theDigestFeedIsAtom() throws {
        let result = try build()
        let atom = DigestFeed.atom([(result.stored, result.digest)], title: "AI <weekly>", link: "https://news.example/", now: now)
        let parsed = try FeedParser().parse(Array(atom.utf8))
        #expect(parsed.format == .atom)
        #expect(parsed.feed.title == "AI <weekly>")
        #expect(parsed.entries.first?.title == "AI models this week — 2024-W39")
        #expect(parsed.entries.first?.content?.first?.value.contains("Open models") == true)
    }

    @Test func anEndpointWritesSummariesOnceAndAFailingOneChangesNothing() throws {
        var settings = Settings()
        settings.summaryEndpoint = TestServer.shared.url("/v1/broken/chat/completions")
        let failing = try DigestPipeline(store: store, settings: settings, tagger: Self.tagger).build(period: week, at: now)
        #expect(failing.digest.sections.flatMap(\.stories).allSatisfy { $0.summarySource == "extractive" })
        #expect(failing.summaryFailures.count == 5)
        #expect(failing.summaryFailures.first?.contains("HTTP 500") == true)

        settings.summaryEndpoint = TestServer.shared.url("/v1/chat/completions")
        settings.summaryModel = "test-model"
        let before = try requests()
        let written = try DigestPipeline(store: store, settings: settings, tagger: Self.tagger).build(period: week, at: now)
        let stories = written.digest.sections.flatMap(\.stories)
        #expect(stories.allSatisfy { $0.summarySource == "abstractive" })
        #expect(stories.contains { $0.summary == "A summary written for Mira Murati leaves OpenAI after six years by test-model." })
        #expect(try requests() - before == 5)
        #expect(written.stored.revision == 2)
        let again = try DigestPipeline(store: store, settings: settings, tagger: Self.tagger).build(period: week, at: now)
        #expect(try requests() - before == 5, "answers come from the cache")
        #expect(!again.isNew, "cached answers give the same digest")
    }

    func requests() throws -> Int {
        var body: [UInt8] = []
        _ = try HTTPGet.fetch(FetchRequest(url: TestServer.shared.url("/chat-requests"))) { chunk, _ in body += chunk }
        return Int(String(decoding: body, as: UTF8.self)) ?? -1
    }

    @Test func sourceWeightsRankStories() throws {
        var settings = Settings()
        settings.sourceWeights = ["lab.example": 5]
        #expect(settings.sourceWeight(url: "https://www.lab.example/blog") == 5)
        #expect(settings.sourceWeight(url: "https://wire.example/ai") == 1)
    }
}

/// The splitter, reached through the summariser's module for the checks above.
enum SentenceSplitterProbe {
    static func sentences(_ text: String) -> [String] {
        AINewsSummarise.SentenceSplitter.sentences(text).map(\.text)
    }
}
