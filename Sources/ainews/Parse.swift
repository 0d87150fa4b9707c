import AINewsCore
import AINewsFetch
import AINewsParse
import ArgumentParser
import Foundation

/// `ainews parse`: one feed file (or standard input) in, the JSON contract of FEED-JSON.md out.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a feed file and print it as JSON.",
        discussion:
            "Exits 0 whenever a feed came out, even from broken XML (then \"bozo\" is true); exits 1 with a one-line error for input that is no feed."
    )

    @Argument(help: "The feed file, - for standard input, or an http(s) URL to fetch.")
    var file: String

    @Option(name: .customLong("base-url"), help: "The document's URL, which relative links resolve against.")
    var baseURL: String?

    @Option(name: .customLong("content-type"), help: "The HTTP Content-Type, e.g. 'text/xml; charset=utf-8'.")
    var contentType: String?

    @Flag(help: "Indent the JSON for reading.")
    var pretty = false

    func run() throws {
        let feed: ParsedFeed
        do {
            feed = try isURL ? fetchAndParse() : parseFile()
        } catch let error as FeedParseError {
            throw CommandFailure("\(file): \(error)")
        } catch let error as FetchError {
            throw CommandFailure("\(file): \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(feed)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }

    private var isURL: Bool {
        let lowered = file.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    private func parseFile() throws -> ParsedFeed {
        var configuration = FeedParser.Configuration()
        configuration.baseURL = baseURL
        configuration.contentType = contentType
        let parser = FeedParser(configuration: configuration)
        try InputReader.read(path: file) { try parser.append($0) }
        return try parser.finish()
    }

    /// Fetches with libcurl, streaming the body into the parser; the final URL after redirects
    /// and the response's Content-Type stand in for --base-url and --content-type when not given.
    private func fetchAndParse() throws -> ParsedFeed {
        var parser: FeedParser?
        let response = try HTTPGet.fetch(FetchRequest(url: file)) { chunk, head in
            guard (200..<300).contains(head.status) else { return }
            if parser == nil {
                parser = FeedParser(configuration: configuration(base: head.effectiveURL, type: head.contentType))
            }
            try parser?.append(chunk)
        }
        guard (200..<300).contains(response.status) else {
            throw CommandFailure("\(file): HTTP status \(response.status)")
        }
        return try (parser ?? FeedParser()).finish()
    }

    private func configuration(base: String?, type: String?) -> FeedParser.Configuration {
        var configuration = FeedParser.Configuration()
        configuration.baseURL = baseURL ?? base
        configuration.contentType = contentType ?? type
        return configuration
    }
}
