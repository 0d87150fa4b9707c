import AINewsCore
import Testing

@testable import AINewsParse

@Suite struct HTMLSanitizerTests {
    @Test(arguments: [
        (#"<p>hi<script>alert(1)</script></p>"#, "<p>hi</p>"),
        (#"<style>p{}</style><p>x</p>"#, "<p>x</p>"),
        (#"<iframe src="//evil"></iframe><object data="x"><embed src="y"></object>ok"#, "ok"),
        (#"<a href="javascript:alert(1)">x</a>"#, "<a>x</a>"),
        (#"<a href=" JaVaScRiPt:alert(1)">x</a>"#, "<a>x</a>"),
        ("<a href=\"java\tscr\u{1}ipt:alert(1)\">x</a>", "<a>x</a>"),
        (#"<img src="VBScript:msgbox">"#, "<img />"),
        (#"<a href="javascripts:x">x</a>"#, #"<a href="javascripts:x">x</a>"#),
        (#"<a href="vbscrip:x">x</a>"#, #"<a href="vbscrip:x">x</a>"#),
        (#"<a href="HTTPS://Other.example/a">x</a>"#, #"<a href="HTTPS://Other.example/a">x</a>"#),
        (#"<img src="a.png" onerror="steal()" ONLOAD="x">"#, #"<img src="https://example.org/dir/a.png" />"#),
        (#"<a href="../up?q=1&amp;r=2">x</a>"#, #"<a href="https://example.org/up?q=1&amp;r=2">x</a>"#),
        (#"<B>Bold</B>"#, "<b>Bold</b>"),
        ("AT&T <br>", "AT&amp;T <br />"),
        ("<!-- comment --><p>x</p>", "<p>x</p>"),
        ("1 < 2", "1 &lt; 2"),
    ])
    func sanitises(html: String, expected: String) {
        #expect(HTMLSanitizer.sanitize(html, base: "https://example.org/dir/page") == expected)
    }

    @Test func plainTextPassesUntouched() {
        let text = "No markup at all, just text."
        #expect(HTMLSanitizer.sanitize(text, base: nil) == text)
    }
}

@Suite struct PlainTextTests {
    @Test func paragraphsAndEntities() {
        #expect(PlainText.fromHTML("<p>Hello&nbsp;<b>world</b></p><p>Bye &amp; see you</p>") == "Hello world\n\nBye & see you")
    }

    @Test func scriptsAndStylesVanish() {
        #expect(PlainText.fromHTML("<div>Keep<script>drop()</script><style>p{}</style> this</div>") == "Keep this")
    }

    @Test func leadingTextAndLineBreaks() {
        #expect(PlainText.fromHTML("Lead text<br>next line<ul><li>one</li><li>two</li></ul>") == "Lead text\n\nnext line\n\none\n\ntwo")
    }

    @Test func whitespaceFolds() {
        #expect(PlainText.fromHTML("  a \n\t b  ") == "a b")
        #expect(PlainText.fold("\u{A0}x\u{2003}\u{3000}y\u{2029}é \u{85}") == "x y é")
    }

    /// Folding reads eight bytes at a time where it can; it must fold as a plain split on
    /// Unicode whitespace does, wherever the spaces fall in those eight bytes.
    @Test func foldingMatchesASplitOnWhitespace() {
        var generator = SeededGenerator(state: 7)
        let pieces = [
            " ", "  ", "\t", "\n", "\u{A0}", "\u{2003}", "\u{3000}", "a", "bc", "defghij", "Llama-3.1", "é", "—", "\u{1}", "x y", "1234567",
        ]
        for _ in 0..<20000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(PlainText.fold(text) == text.split(whereSeparator: \.isWhitespace).joined(separator: " "), "\(text.debugDescription)")
        }
    }

    @Test func whitespaceFoldsAcrossElementsAndParagraphs() {
        // Spaces at a node's edges, runs split between nodes, empty and whitespace-only blocks.
        let html = "<p> a  b <b>c</b>\td<i> </i> e</p>\n<p> </p><div>f g<br> <br>h  i</div> j "
        #expect(PlainText.fromHTML(html) == "a b c d e\n\nf g\n\nh i\n\nj")
    }
}

@Suite struct URLResolverTests {
    @Test(arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"), ("//g", "http://g"),
        ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q#s"), ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"), ("..", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../../g", "http://a/g"),
        ("https://other/x", "https://other/x"), ("mailto:a@b", "mailto:a@b"),
        ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"), ("g#s", "http://a/b/c/g#s"), (";x", "http://a/b/c/;x"),
        ("../../../../g", "http://a/g"), ("/./g", "http://a/g"), ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."),
        (".g", "http://a/b/c/.g"), ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"), ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"), ("g?y/./x", "http://a/b/c/g?y/./x"), ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g#s/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"),
    ])
    func rfc3986Examples(reference: String, expected: String) {
        #expect(URLResolver.resolve(reference, against: "http://a/b/c/d;p?q") == expected)
    }

    @Test(arguments: [
        // Plain paths against bases whose own path has dot segments, or no path at all.
        ("http://a/b/../c/d", "g", "http://a/c/g"), ("http://a/b/./c/d", "g?q", "http://a/b/c/g?q"), ("http://a/b/../c/d", "/g", "http://a/g"),
        ("http://a", "g", "http://a/g"), ("http://a", "/g#f", "http://a/g#f"), ("HTTP://A/b", "c", "http://A/c"),
    ])
    func plainPathsAgainstUnusualBases(base: String, reference: String, expected: String) {
        #expect(URLResolver.resolve(reference, against: base) == expected)
        #expect(URLResolver.resolve(reference, against: base, cache: URLResolver.BaseCache()) == expected)
    }

    @Test func noBaseLeavesTheReference() {
        #expect(URLResolver.resolve("/x", against: nil) == "/x")
    }
}

@Suite struct EntryTextTests {
    @Test func theBodyIsTheSummaryThenEachContentThatSaysSomethingElse() {
        var entry = Entry()
        entry.summary = "<p>Same text</p>"
        entry.summaryType = .html
        entry.content = [Content(value: "<div>Same text</div>", type: .html), Content(value: "More <b>here</b>", type: .html)]
        #expect(EntryText.body(of: entry) == "Same text\n\nMore here")
        entry.summary = nil
        #expect(EntryText.body(of: entry) == "Same text\n\nMore here")
        entry.content = [Content(value: "Only <i>this</i>", type: .html)]
        #expect(EntryText.body(of: entry) == "Only this")
        entry.content = nil
        #expect(EntryText.body(of: entry) == "")
    }
}
