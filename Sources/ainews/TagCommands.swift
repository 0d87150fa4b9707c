import AINewsCore
import AINewsParse
import AINewsTag
import AINewsUpdate
import ArgumentParser
import Foundation

/// Options shared by the commands that tag: where the knowledge base is.
struct KnowledgeOptions: ParsableArguments {
    @Option(name: .customLong("knowledge-base"), help: "The directory of shipped .kb files (default: Config/knowledge-base).")
    var directory: String?

    @Option(name: .customLong("knowledge"), help: "An extra .kb file merged over the shipped ones; repeatable.")
    var extraFiles: [String] = []

    func tagger() throws -> Tagger {
        let directory = self.directory ?? KnowledgeBaseLoader.defaultDirectory(executablePath: CommandLine.arguments[0])
        guard directory != nil || !extraFiles.isEmpty else {
            throw CommandFailure("no knowledge base found; pass --knowledge-base DIR or set AINEWS_KNOWLEDGE_BASE")
        }
        var extras = extraFiles
        if let fromEnvironment = ProcessInfo.processInfo.environment["AINEWS_KNOWLEDGE"] { extras.insert(fromEnvironment, at: 0) }
        do {
            return Tagger(knowledgeBase: try KnowledgeBaseLoader.load(directory: directory, extraFiles: extras))
        } catch let error as KnowledgeBaseError {
            throw CommandFailure(error.description)
        }
    }
}

/// `ainews tag`: the tag, models and reason of a text or of every entry of a feed file.
struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tag text or a feed's entries as open, closed, both or none.")

    @Argument(help: "The text to tag (a title, or a title and body).")
    var text: String?

    @Option(help: "Tag every entry of this feed file instead.")
    var feed: String?

    @Flag(help: "Print JSON lines.")
    var json = false

    @OptionGroup var knowledge: KnowledgeOptions

    func validate() throws {
        if (text == nil) == (feed == nil) { throw ValidationError("give either TEXT or --feed FILE") }
    }

    func run() throws {
        let tagger = try knowledge.tagger()
        if let text {
            print(render(tagger.tag(title: text, body: ""), title: nil))
            return
        }
        guard let feed, let data = FileManager.default.contents(atPath: feed) else { throw CommandFailure("\(feed ?? ""): cannot read the file") }
        let parsed: ParsedFeed
        do {
            parsed = try FeedParser().parse(Array(data))
        } catch let error as FeedParseError {
            throw CommandFailure("\(feed): \(error)")
        }
        for entry in parsed.entries {
            print(render(tagger.tag(entry), title: entry.title ?? entry.id ?? "(untitled)"))
        }
    }

    private func render(_ result: TagResult, title: String?) -> String {
        if json {
            var object: [String: Any] = ["tag": result.label.rawValue, "reason": result.reason]
            object["models"] = result.models.map { ["name": $0.name, "openness": $0.openness.rawValue] }
            if let title { object["title"] = title }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        let models = result.models.map { "\($0.name) (\($0.openness.rawValue))" }.joined(separator: ", ")
        var lines = title.map { [$0] } ?? []
        lines.append("  tag:    \(result.label.rawValue)")
        if !models.isEmpty { lines.append("  models: \(models)") }
        lines.append("  reason: \(result.reason)")
        return lines.joined(separator: "\n")
    }
}

/// `ainews eval-tags`: scores the tagger against hand labels (labels.jsonl + the feeds they name).
struct EvalTags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-tags",
        abstract: "Print accuracy, per-class precision/recall/F1, macro-F1, the confusion matrix and the misses against a labelled set.")

    @OptionGroup var corpus: CorpusArguments
    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let tagger = try knowledge.tagger()
        let labelled = try corpus.load()
        var evaluation = TagEvaluation()
        var misses: [String] = []
        for item in labelled.items {
            guard let expected = TagResult.Label(rawValue: item.label.label) else {
                throw CommandFailure("\(corpus.labels):\(item.line): unknown label '\(item.label.label)'")
            }
            let result = tagger.tag(item.entry)
            evaluation.record(expected: expected, predicted: result.label)
            if result.label != expected {
                misses.append("  \(expected.rawValue) → \(result.label.rawValue): \(item.entry.title ?? item.label.guid)\n      \(result.reason)")
            }
        }
        print(evaluation.report)
        print("\nmisses (\(misses.count))")
        misses.forEach { print($0) }
    }
}
