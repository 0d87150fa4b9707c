import AINewsCore
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

    @Argument(help: "The feed file, or - for standard input.")
    var file: String

    @Option(name: .customLong("base-url"), help: "The document's URL, which relative links resolve against.")
    var baseURL: String?

    @Option(name: .customLong("content-type"), help: "The HTTP Content-Type, e.g. 'text/xml; charset=utf-8'.")
    var contentType: String?

    @Flag(help: "Indent the JSON for reading.")
    var pretty = false

    func run() throws {
        var configuration = FeedParser.Configuration()
        configuration.baseURL = baseURL
        configuration.contentType = contentType
        let parser = FeedParser(configuration: configuration)
        let feed: ParsedFeed
        do {
            try InputReader.read(path: file) { try parser.append($0) }
            feed = try parser.finish()
        } catch let error as FeedParseError {
            throw CommandFailure("\(file): \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(feed)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }
}
