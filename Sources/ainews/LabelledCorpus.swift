import AINewsCore
import AINewsParse
import ArgumentParser
import Foundation

/// The two arguments every evaluation command takes: the labels and the feeds they name.
struct CorpusArguments: ParsableArguments {
    @Argument(help: "labels.jsonl: one {\"feed\", \"guid\", \"label\", \"story_id\", …} object a line.")
    var labels: String

    @Argument(help: "The directory holding the feeds the labels name.")
    var feedsDirectory: String

    func load() throws -> LabelledCorpus { try LabelledCorpus(labels: labels, feedsDirectory: feedsDirectory) }
}

/// A hand-labelled corpus: labels.jsonl (one object per item, naming its feed file and guid) and
/// the directory of feeds, parsed, with each label matched to its entry.
struct LabelledCorpus {
    struct Label: Decodable {
        var feed: String
        var guid: String
        var label: String
        var title: String?
        var storyID: String?

        enum CodingKeys: String, CodingKey {
            case feed, guid, label, title
            case storyID = "story_id"
        }
    }

    struct Item {
        var line: Int
        var label: Label
        var entry: Entry
    }

    /// The feed files in the order first named, each with all its entries (labelled or not).
    private(set) var feeds: [(name: String, entries: [Entry])] = []
    private(set) var items: [Item] = []

    init(labels path: String, feedsDirectory: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the file") }
        var byFeed: [String: [String: Entry]] = [:]
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() where !line.allSatisfy(\.isWhitespace) {
            let label: Label
            do {
                label = try JSONDecoder().decode(Label.self, from: Data(line.utf8))
            } catch {
                throw CommandFailure("\(path):\(number + 1): not a label object")
            }
            if byFeed[label.feed] == nil {
                let entries = try Self.entries(of: feedsDirectory + "/" + label.feed)
                feeds.append((label.feed, entries))
                var byID: [String: Entry] = [:]
                for entry in entries {
                    if let id = entry.id { byID[id] = entry }
                    if let link = entry.link, byID[link] == nil { byID[link] = entry }
                }
                byFeed[label.feed] = byID
            }
            guard let entry = byFeed[label.feed]?[label.guid] else {
                throw CommandFailure("\(path):\(number + 1): no entry \(label.guid) in \(label.feed)")
            }
            items.append(Item(line: number + 1, label: label, entry: entry))
        }
    }

    private static func entries(of path: String) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the file") }
        do {
            return try FeedParser().parse(Array(data)).entries
        } catch let error as FeedParseError {
            throw CommandFailure("\(path): \(error)")
        }
    }
}
