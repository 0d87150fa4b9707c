import AINewsCore
import Testing

@testable import AINewsParse

@Suite struct EncodingTests {
    @Test func latin1IsReadAsWindows1252() throws {
        let feed = try Fixture.parse("latin1-windows1252.xml")
        #expect(feed.encoding == "iso-8859-1")
        #expect(feed.feed.title == "Café “quoted” – dash")
        #expect(feed.entries.first?.title == "naïve")
        #expect(!feed.bozo)
    }

    @Test func invalidUTF8BytesAreReadAsWindows1252() throws {
        let feed = try Fixture.parse("utf8-bad-bytes.xml")
        #expect(feed.bozo)
        #expect(feed.feed.title == "Bad ÿ byte and café")
    }

    @Test func utf16WithBOM() throws {
        let feed = try Fixture.parse("utf16le-bom.xml")
        #expect(feed.encoding == "utf-16le")
        #expect(feed.feed.title == "UTF-16 über 漢字")
        #expect(!feed.bozo)
    }

    @Test func declaredLegacyEncoding() throws {
        let feed = try Fixture.parse("koi8r-declared.xml")
        #expect(feed.encoding == "koi8-r")
        #expect(feed.feed.title == "Новости")
    }

    /// Bytes a legacy decoder (iconv) cannot read are each replaced, and reported once, at their
    /// offset in the document, however the document arrives: chunk by chunk it was reported
    /// again for every chunk that held one, at an offset within that chunk.
    @Test func undecodableBytesAreReportedOnceWhateverTheChunks() throws {
        // Past the first kilobyte, which the decoder reads whole to find the declaration.
        let padding = String(repeating: "text ", count: 400)
        let document =
            Array("<?xml version=\"1.0\" encoding=\"shift_jis\"?><rss version=\"2.0\"><channel><title>\(padding)A".utf8) + [0xFF]
            + Array(" and B".utf8) + [0xFF] + Array("</title></channel></rss>".utf8)
        let whole = try FeedParser().parse(document)
        let parser = FeedParser()
        for start in stride(from: 0, to: document.count, by: 3) {
            try parser.append(Array(document[start..<min(start + 3, document.count)]))
        }
        let chunked = try parser.finish()
        #expect(whole.feed.title == padding + "A\u{FFFD} and B\u{FFFD}")
        #expect(chunked == whole)
        #expect(chunked.problems.filter { $0.contains("not shift_jis") } == ["bytes that are not shift_jis at offset 2078; replaced by U+FFFD"])
    }

    @Test func httpCharsetWinsOverTheDeclaration() throws {
        let feed = try Fixture.parse("koi8r-declared.xml", contentType: "application/rss+xml; charset=windows-1251")
        #expect(feed.encoding == "windows-1251")
        #expect(feed.feed.title != "Новости", "the header is believed, even when wrong")
    }

    @Test func utf8LabelledLatin1IsReadAsUTF8() throws {
        // A server's default charset=iso-8859-1 in front of a UTF-8 feed: the bytes win.
        let feed = try Fixture.parse("utf8-plain.xml", contentType: "application/rss+xml; charset=iso-8859-1")
        #expect(feed.encoding == "utf-8")
        #expect(feed.bozo)
        #expect(feed.problems.contains { $0.contains("labelled iso-8859-1 but holds UTF-8") })
        #expect(feed.feed.title == "Zürich — “café” 漢字")
    }

    @Test func unknownEncodingFallsBackToUTF8() throws {
        let feed = try Fixture.parse(
            text: #"<?xml version="1.0" encoding="x-no-such-thing"?><rss version="2.0"><channel><title>é</title></channel></rss>"#)
        #expect(feed.bozo)
        #expect(feed.encoding == "utf-8")
        #expect(feed.feed.title == "é")
    }

    @Test func nonFeedContentTypeIsFlagged() throws {
        let feed = try Fixture.parse("rss091.xml", contentType: "text/plain")
        #expect(feed.bozo)
        #expect(feed.entries.count == 1)
    }
}
