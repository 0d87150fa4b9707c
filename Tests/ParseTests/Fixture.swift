import AINewsCore
import AINewsParse
import Foundation

/// Reads the feed files under Tests/ParseTests/Fixtures.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func parse(_ name: String, baseURL: String? = nil, contentType: String? = nil) throws -> ParsedFeed {
        var configuration = FeedParser.Configuration()
        configuration.baseURL = baseURL
        configuration.contentType = contentType
        return try FeedParser(configuration: configuration).parse(bytes(name))
    }

    static func parse(text: String, configuration: FeedParser.Configuration = .init()) throws -> ParsedFeed {
        try FeedParser(configuration: configuration).parse(Array(text.utf8))
    }

    static var names: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()) ?? []
    }
}
