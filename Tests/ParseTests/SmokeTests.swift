import Testing
@testable import AINewsParse

@Suite struct SmokeTests {
    @Test func minimal() throws {
        let feed = try FeedParser().parse(Array("<rss version=\"2.0\"><channel><title>t</title></channel></rss>".utf8))
        #expect(feed.feed.title == "t")
    }
}
