import Testing

@testable import AINewsParse

@Suite struct OPMLTests {
    @Test func readsNestedOutlinesAndSkipsFolders() throws {
        let text = """
            <?xml version="1.0"?>
            <opml version="1.0"><head><title>Mine</title></head><body>
              <outline text="Labs">
                <outline type="rss" text="Lab &amp; Co" xmlUrl="https://lab.example/feed?a=1&amp;b=2" htmlUrl="https://lab.example/"/>
              </outline>
              <outline type="rss" title="Plain" xmlUrl=" https://plain.example/rss "/>
            </body></opml>
            """
        let feeds = try OPML.feeds(in: Array(text.utf8))
        #expect(
            feeds == [
                OPMLFeed(url: "https://lab.example/feed?a=1&b=2", title: "Lab & Co", siteURL: "https://lab.example/"),
                OPMLFeed(url: "https://plain.example/rss", title: "Plain"),
            ])
    }

    @Test func writesWhatItReads() throws {
        let feeds = [
            OPMLFeed(url: "https://a.example/feed?x=1&y=\"2\"", title: "A <b> & C", siteURL: "https://a.example/"),
            OPMLFeed(url: "https://b.example/rss"),
        ]
        #expect(try OPML.feeds(in: Array(OPML.document(title: "t", feeds: feeds).utf8)).map(\.url) == feeds.map(\.url))
        #expect(try OPML.feeds(in: Array(OPML.document(title: "t", feeds: feeds).utf8)).first?.title == "A <b> & C")
    }

    @Test func aFeedIsNotOPML() {
        #expect(throws: FeedParseError.self) { try OPML.feeds(in: Array("<rss version=\"2.0\"><channel/></rss>".utf8)) }
    }
}
