import AINewsCore
import Testing

@testable import AINewsParse

/// Element names are resolved once per process and shared by every parser (`SharedElementNames`):
/// what a name means must still come from each document alone, whatever was parsed before it and
/// on whichever thread.
@Suite struct SharedNameTests {
    /// A `<feed>` root in no namespace makes its unprefixed names Atom's; in RSS the same `<id>`
    /// means nothing, so the `<guid>` before it stays the item's id.
    static let atomWithoutNamespace = """
        <feed><title>Lab notes</title><entry><title>Gemma 3 weights</title><id>urn:lab:1</id>
        <link href="https://lab.example.org/gemma-3"/></entry></feed>
        """
    static let rssWithStrayID = """
        <rss version="2.0"><channel><title>Wire</title><item><title>GPT-5 pricing</title>
        <guid isPermaLink="false">wire-42</guid><id>not-an-rss-element</id>
        <link>https://wire.example.org/gpt-5</link></item></channel></rss>
        """

    @Test func unprefixedNamesFollowEachDocumentsRoot() throws {
        for _ in 0..<3 {
            let atom = try Fixture.parse(text: Self.atomWithoutNamespace)
            #expect(atom.format == .atom)
            #expect(atom.entries.first?.id == "urn:lab:1")
            #expect(atom.entries.first?.link == "https://lab.example.org/gemma-3")
            let rss = try Fixture.parse(text: Self.rssWithStrayID)
            #expect(rss.format == .rss)
            #expect(rss.entries.first?.id == "wire-42")
            #expect(rss.entries.first?.link == "https://wire.example.org/gpt-5")
        }
    }

    /// Attribute names match in any case, also where lower-casing is not ASCII's: the Kelvin
    /// sign (U+212A) lower-cases to "k", so this guid is not a permalink and gives no link.
    @Test func attributeNamesMatchLowerCased() throws {
        for name in ["isPermaLink", "ISPERMALINK", "isPermaLin\u{212A}"] {
            let feed = try Fixture.parse(
                text: "<rss version=\"2.0\"><channel><item><title>T</title><guid \(name)=\"false\">https://a.example/1</guid></item></channel></rss>")
            #expect(feed.entries.first?.link == nil, "\(name)")
        }
        let permalink = try Fixture.parse(
            text: "<rss version=\"2.0\"><channel><item><title>T</title><guid isPermaLinks=\"false\">https://a.example/1</guid></item></channel></rss>"
        )
        #expect(permalink.entries.first?.link == "https://a.example/1", "another attribute leaves the guid a permalink")
    }

    @Test func resultsDoNotDependOnOrderOrThread() async throws {
        let names = Fixture.names
        let documents = try names.map { try Fixture.bytes($0) }
        let forward = documents.map { try? FeedParser().parse($0) }
        let backward = Array(documents.reversed().map { try? FeedParser().parse($0) }.reversed())
        #expect(forward == backward)
        let concurrent = await withTaskGroup(of: (Int, ParsedFeed?).self) { group in
            for round in 0..<4 {
                for (index, document) in documents.enumerated() where index % 4 == round {
                    group.addTask { (index, try? FeedParser().parse(document)) }
                }
            }
            var results = [ParsedFeed?](repeating: nil, count: documents.count)
            for await (index, feed) in group { results[index] = feed }
            return results
        }
        #expect(concurrent == forward)
    }
}
