import AINewsCore
import Foundation
import Testing

@testable import AINewsParse

@Suite struct HostileInputTests {
    @Test func externalEntitiesAreNeverLoaded() throws {
        let feed = try Fixture.parse("xxe.xml")
        #expect(feed.bozo)
        #expect(feed.feed.title == "before &xxe; &remote; after")
        #expect(!(feed.feed.title ?? "").contains("root:"))
        #expect(feed.entries.map(\.title) == ["still here"])
        #expect(feed.problems.contains { $0.contains("external") })
    }

    @Test func entityExpansionBombStaysSmall() throws {
        let feed = try Fixture.parse("billion-laughs.xml")
        #expect(feed.bozo)
        #expect((feed.feed.title ?? "").utf8.count < 100)
        #expect(feed.entries.map(\.title) == ["lol item"], "a declared entity with plain text expands once")
    }

    @Test func internalEntitiesExpandOnce() throws {
        let feed = try Fixture.parse(
            text:
                #"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lab "Example Lab">]><rss version="2.0"><channel><title>&lab; news</title></channel></rss>"#
        )
        #expect(feed.feed.title == "Example Lab news")
        #expect(!feed.bozo)
    }

    /// Declarations written with CR LF line breaks around the name (a Windows editor's DTD).
    @Test func entityDeclarationsReadAcrossLineBreaks() throws {
        let feed = try Fixture.parse(
            text: "<?xml version=\"1.0\"?>\r\n<!DOCTYPE rss [\r\n<!ENTITY\r\nlab\r\n\"Example Lab\">\r\n<!ENTITY other SYSTEM \"x.ent\">\r\n]>\r\n"
                + "<rss version=\"2.0\"><channel><title>&lab; news &other;</title></channel></rss>"
        )
        #expect(feed.feed.title == "Example Lab news &other;", "a refused entity stays as written")
        #expect(feed.problems.contains { $0.contains("other") && $0.contains("external") }, "\(feed.problems)")
    }

    @Test func brokenDoctypeLosesNothing() throws {
        let feed = try Fixture.parse("broken-doctype.xml")
        #expect(feed.bozo)
        #expect(feed.feed.title == "After a broken doctype")
        #expect(feed.entries.map(\.title) == ["Kept ÿ item"])
    }

    /// A document read through the repair filter (here, one not in UTF-8) has its XML
    /// declaration looked for in the first kilobyte only: waiting for one that never ends held
    /// the whole document and searched it again at every chunk (a 64 KB input in 3-byte chunks
    /// took seconds). A longer one reads as never ending, whole or in chunks alike.
    @Test func xmlDeclarationIsNotWaitedForPastItsLimit() throws {
        let feed = "<rss version=\"2.0\"><channel><title>Caf\u{E9}</title></channel></rss>"
        let padding = String(repeating: " ", count: XMLRepair.declarationLimit)
        for (declaration, parses) in [
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", true), ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"\(padding)?>", false),
        ] {
            let bytes = Array((declaration + feed).unicodeScalars.map { UInt8($0.value) })
            let whole = try? FeedParser().parse(bytes)
            let chunked = FeedParser()
            for start in stride(from: 0, to: bytes.count, by: 3) { try chunked.append(Array(bytes[start..<min(start + 3, bytes.count)])) }
            let streamed = try? chunked.finish()
            #expect((whole?.feed.title == "Caf\u{E9}") == parses)
            #expect(whole == streamed)
        }
    }

    @Test func htmlPageIsNotAFeed() throws {
        #expect(throws: FeedParseError.notAFeed("an HTML page, not a feed")) { try Fixture.parse("html-page.html") }
    }

    @Test func emptyAndBinaryInputAreNotFeeds() throws {
        #expect(throws: FeedParseError.empty) { try FeedParser().parse([]) }
        #expect(throws: FeedParseError.empty) { try FeedParser().parse(Array(" \n\t ".utf8)) }
        let binary: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
        #expect(throws: FeedParseError.binary) { try FeedParser().parse(binary) }
        #expect(throws: FeedParseError.self) { try FeedParser().parse(Array("just some text".utf8)) }
        #expect(throws: FeedParseError.self) { try FeedParser().parse(Array("{\"not\": \"a feed\"}".utf8)) }
        #expect(throws: FeedParseError.self) { try FeedParser().parse(Array("<opml version=\"2.0\"><body/></opml>".utf8)) }
    }

    @Test func brokenXMLKeepsWhatItCan() throws {
        let feed = try Fixture.parse("broken.xml")
        #expect(feed.bozo)
        #expect(feed.feed.title == "Broken \u{A0}feed été AT&T", "HTML entities and a bare ampersand")
        #expect(feed.entries.count >= 2)
        #expect(feed.entries[1].link == "http://broken.example.org/2")
        #expect(feed.entries[1].title == "Second\u{FFFD} item with control", "a reference to a forbidden character")
        #expect(feed.problems.contains { $0.contains("mismatch") })
    }

    @Test func truncatedDocumentKeepsItsItems() throws {
        let text = #"<rss version="2.0"><channel><title>T</title><item><title>one</title></item><item><title>two</ti"#
        let feed = try Fixture.parse(text: text)
        #expect(feed.bozo)
        #expect(feed.entries.map(\.title).first == "one")
        #expect(feed.entries.count == 2)
    }

    @Test func controlCharactersAreDropped() throws {
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><title>a\u{01}b\u{0B}c</title></channel></rss>")
        #expect(feed.feed.title == "abc")
        #expect(feed.bozo)
    }

    @Test func leadingBOMAndWhitespace() throws {
        let feed = try Fixture.parse("bom-whitespace.xml")
        #expect(!feed.bozo)
        #expect(feed.entries.map(\.title) == ["kept"])
    }

    @Test func sizeCapStopsLargeInput() throws {
        var configuration = FeedParser.Configuration()
        configuration.maxInputBytes = 1000
        let parser = FeedParser(configuration: configuration)
        let chunk = Array(("<rss><channel>" + String(repeating: "<item><title>x</title></item>", count: 100)).utf8)
        #expect(throws: FeedParseError.tooLarge(limit: 1000)) { try parser.append(chunk) }
    }

    @Test func deepNestingIsCapped() throws {
        let depth = 5000
        let text =
            "<rss><channel><item><description>" + String(repeating: "<div>", count: depth) + "x" + String(repeating: "</div>", count: depth)
            + "</description></item></channel></rss>"
        var configuration = FeedParser.Configuration()
        configuration.maxDepth = 100
        #expect(throws: FeedParseError.tooDeep(limit: 100)) { try Fixture.parse(text: text, configuration: configuration) }
    }

    @Test func undeclaredPrefixIsReadAndFlagged() throws {
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><item><dc:creator>Jo</dc:creator></item></channel></rss>")
        #expect(feed.bozo)
        #expect(feed.entries.first?.authors == [Person(name: "Jo")])
    }
}
