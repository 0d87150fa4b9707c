@testable import AINewsParse

/// libFuzzer entry point: every input must parse or be rejected with a `FeedParseError`, never
/// crash, hang or leak; the input is fed both whole and in 3-byte chunks, which must agree (but for
/// the line numbers in problems), and read both optimistically and carefully, which must agree;
/// the plain text of its HTML (and of the input itself) must read alike with and without libxml2.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var configuration = FeedParser.Configuration()
    configuration.baseURL = "https://fuzz.example.org/feed/"
    let whole = try? FeedParser(configuration: configuration).parse(bytes)
    let streamingParser = FeedParser(configuration: configuration)
    var offset = 0
    var failed = false
    while offset < bytes.count, !failed {
        do {
            try streamingParser.append(Array(bytes[offset..<min(offset + 3, bytes.count)]))
        } catch {
            failed = true
        }
        offset += 3
    }
    let streamed = failed ? nil : try? streamingParser.finish()
    // Where libxml2 notices an error depends on where a chunk ends, so messages may name
    // different lines; everything else must agree.
    var wholeFeed = whole
    var streamedFeed = streamed
    wholeFeed?.problems = []
    streamedFeed?.problems = []
    if wholeFeed != streamedFeed {
        fatalError("whole and chunked parses disagree")
    }
    var careful = configuration
    careful.readsOptimistically = false
    var carefully = try? FeedParser(configuration: careful).parse(bytes)
    carefully?.problems = []
    if let wholeFeed, let carefully, carefully != wholeFeed {
        fatalError("optimistic and careful reads disagree")
    }
    if let whole {
        for entry in whole.entries {
            for case let html? in [entry.summary, entry.title] + (entry.content ?? []).map(\.value) { checkPlainText(html) }
        }
    }
    if let text = String(validating: bytes, as: UTF8.self) { checkPlainText(text) }
    return 0
}

/// Plain text is read without libxml2 only from markup where the two readings agree.
func checkPlainText(_ html: String) {
    var html = html
    let simple = html.withUTF8 { SimpleMarkupText.text(of: $0) }
    if let simple, simple != PlainText.readWithLibxml2(html) {
        fatalError("simple and libxml2 plain text disagree")
    }
    _ = PlainText.fromHTML(html)
}
