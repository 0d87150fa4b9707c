import AINewsCore
import Foundation
import Testing

@testable import AINewsParse

/// `SimpleMarkupText` reads simple item markup without libxml2; wherever it does, its text must
/// be the text libxml2's HTML parser gives.
@Suite struct SimpleMarkupTextTests {
    /// The text both ways, when the simple reading takes the markup.
    func readings(_ html: String) -> (simple: String, libxml2: String)? {
        var html = html
        guard let simple = html.withUTF8({ SimpleMarkupText.text(of: $0) }) else { return nil }
        return (simple, PlainText.readWithLibxml2(html))
    }

    @Test(arguments: [
        (
            "<p>Meta releases <a href=\"https://x.example/\">Llama&nbsp;3</a> &amp; more.</p>\n<p>Weights <b>today</b>.</p>",
            "Meta releases Llama 3 & more.\n\nWeights today."
        ),
        ("x<img src=\"a.png\" /> <b>y</b>", "x y"),
        ("x<i>1</i> <b>y</b>", "x1 y"),
        ("<ul>\n<li>one</li>\n<li>two <em>2</em></li>\n</ul>tail", "one\n\ntwo 2\n\ntail"),
        ("a<br>b<br />c &#x41;&#66; &lt;tag&gt; &quot;q&quot; &copy;&eacute;", "a\n\nb\n\nc AB <tag> \"q\" ©é"),
    ])
    func readsAsLibxml2Does(html: String, expected: String) throws {
        let both = try #require(readings(html))
        #expect(both.simple == expected)
        #expect(both.libxml2 == expected)
    }

    @Test(arguments: [
        "<p>a<div>b</div></p>", "<ul><li>a<li>b</ul>", "a<!-- c -->b", "<table><tr><td>x</td></tr></table>", "<p>x</i>y</p>", "&bogus;",
        "<script>x</script>", "a\u{1}b", "<a href='x'>y</a>", "<a>x<a>y</a></a>", "<dc:title>x</dc:title>", "<p/>x", "a < b",
    ])
    func leavesTheRestToLibxml2(html: String) {
        var html = html
        #expect(html.withUTF8 { SimpleMarkupText.text(of: $0) } == nil)
    }

    /// Every HTML value of every fixture, sanitised as the parser leaves it.
    @Test func fixturesReadAlike() throws {
        var taken = 0
        for name in Fixture.names {
            guard let feed = try? Fixture.parse(name) else { continue }
            for entry in feed.entries {
                let values = [entry.summary, entry.title] + (entry.content ?? []).map(\.value)
                for case let value? in values {
                    guard let both = readings(value) else { continue }
                    #expect(both.simple == both.libxml2, "\(name): \(value)")
                    taken += 1
                }
            }
        }
        #expect(taken > 20)
    }

    /// Markup built at random: element trees of the kinds items carry (blocks in blocks, inline
    /// elements in both, lists, images, breaks), text with whitespace and references, and now
    /// and then a piece the simple reading does not take or a tag out of place.
    @Test func generatedMarkupReadsAlike() {
        var generator = SeededGenerator(state: 2026)
        let texts = [
            " ", "  ", "\n", "\t", " \n ", "word", "Llama 3", "é", "—", "&amp;", "&lt;", "&nbsp;", "&#233;", "&#x2014;", "&#32;", "x",
            "&copy;", "&eacute;", "&Eacute;", "&hellip;", "&apos;", "&AMP;", "&bogus;", "&#0;", "&#x110000;", "&#128;",
            // Runs longer than the eight bytes read at a time, with what ends them at every offset.
            "the open weights of a new model", "seven c\tand a tab", "a line\nthen another line", "abcdefghijklmnop\u{FFFE}q",
            "0123456789\u{1}", "Zürich and Genève — long", "ends with a return\r",
        ]
        let voids = ["<br>", "<br />", "<img src=\"i.png\" alt=\"a > b\" />", "<hr>"]
        let oddities = ["<table>", "<td>", "</p>", "</b>", "<!-- c -->", "<wbr>", "<p/>", "<li>", "<font color=red>"]
        let blocks = ["p", "div", "blockquote", "h2", "pre", "figure", "figcaption", "section", "ul", "ol"]
        let inlines = ["a href=\"/x\"", "b", "i", "em", "span", "sup", "code", "strong"]
        func content(depth: Int, inBlock: Bool, inList: Bool) -> String {
            var html = ""
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                let roll = Int.random(in: 0..<100, using: &generator)
                if inList {
                    html +=
                        roll < 90
                        ? "<li>" + content(depth: depth + 1, inBlock: true, inList: false) + "</li>" : texts.randomElement(using: &generator)!
                } else if roll < 40 || depth > 4 {
                    html += texts.randomElement(using: &generator)!
                } else if roll < 50 {
                    html += voids.randomElement(using: &generator)!
                } else if roll < 53 {
                    html += oddities.randomElement(using: &generator)!
                } else if roll < 75 || !inBlock {
                    let name = inlines.randomElement(using: &generator)!
                    html += "<\(name)>" + content(depth: depth + 1, inBlock: false, inList: false) + "</\(name.split(separator: " ")[0])>"
                } else {
                    let name = blocks.randomElement(using: &generator)!
                    let isList = name == "ul" || name == "ol"
                    html += "<\(name)>" + content(depth: depth + 1, inBlock: !["p", "h2", "pre"].contains(name), inList: isList) + "</\(name)>"
                }
            }
            return html
        }
        var taken = 0
        for _ in 0..<5000 {
            let html = content(depth: 0, inBlock: true, inList: false)
            guard let both = readings(html) else { continue }
            #expect(both.simple == both.libxml2, "\(html)")
            taken += 1
        }
        #expect(taken > 2000)
    }
}

/// A linear congruential generator, so generated cases are the same in every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}
