import Foundation
import Testing

@testable import AINewsParse

@Suite struct FeedDiscoveryTests {
    /// The fetcher keeps a body's first bytes to look for feed links only until the parser has
    /// seen a feed's root element.
    @Test func aFeedRootIsKnownFromTheFirstChunk() throws {
        let feed = FeedParser()
        #expect(!feed.hasFeedRoot)
        let start = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Lab notes</title><description>"
        try feed.append(Array(start.padding(toLength: 4096, withPad: "x", startingAt: 0).utf8))
        #expect(feed.hasFeedRoot)
        let page = FeedParser()
        let html = "<!DOCTYPE html><html><head><title>Lab</title></head><body>".padding(toLength: 4096, withPad: " ", startingAt: 0)
        #expect(throws: FeedParseError.self) { try page.append(Array(html.utf8)) }
        #expect(!page.hasFeedRoot)
    }

    @Test func findsAdvertisedFeedsInOrderAndAbsolute() {
        let page = """
            <!DOCTYPE html><html><head><title>Lab</title>
            <link rel="stylesheet" href="/style.css">
            <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
            <LINK REL="Alternate" TYPE="application/atom+xml" HREF="https://lab.example/atom.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/feed+json" href="feed.json">
            </head><body><p>Hello</p></body></html>
            """
        #expect(
            FeedDiscovery.alternateLinks(inHTML: Array(page.utf8), base: "https://lab.example/blog/")
                == ["https://lab.example/feed.xml", "https://lab.example/atom.xml", "https://lab.example/blog/feed.json"])
    }

    @Test func aPageWithoutFeedsAdvertisesNothing() {
        #expect(FeedDiscovery.alternateLinks(inHTML: Array("<html><head></head><body>x</body></html>".utf8), base: nil).isEmpty)
        #expect(FeedDiscovery.alternateLinks(inHTML: [], base: nil).isEmpty)
    }
}
