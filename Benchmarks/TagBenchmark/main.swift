import AINewsCore
import AINewsParse
import AINewsTag
import Foundation

// Tagging benchmark: parses the feeds under a folder once, repeats their entries to a large
// synthetic set (100,000 by default), and tags them on one thread; prints entries tagged per
// second next to entries parsed per second over the same feeds, measured in the same run.
//
//   swift build -c release && .build/release/tag-benchmark [--entries N] [FEEDS_DIR]
//
// Without a folder it reads Config/samples and Tests/ParseTests/Fixtures.

var target = 100_000
var folders: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--entries", let value = arguments.popFirst().flatMap(Int.init) {
        target = value
    } else {
        folders.append(argument)
    }
}
if folders.isEmpty { folders = ["Config/samples", "Tests/ParseTests/Fixtures"] }

func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    let duration = clock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var documents: [[UInt8]] = []
var entries: [Entry] = []
for folder in folders {
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
        guard let data = FileManager.default.contents(atPath: folder + "/" + name), let feed = try? FeedParser().parse(Array(data)) else { continue }
        documents.append(Array(data))
        entries += feed.entries
    }
}
guard !entries.isEmpty else {
    print("tag-benchmark: no feed entries under \(folders.joined(separator: " "))")
    exit(1)
}
guard let directory = KnowledgeBaseLoader.defaultDirectory(executablePath: CommandLine.arguments[0]),
    let knowledge = try? KnowledgeBaseLoader.load(directory: directory, extraFiles: [])
else {
    print("tag-benchmark: no knowledge base (run from the checkout, or set AINEWS_KNOWLEDGE_BASE)")
    exit(1)
}
let tagger = Tagger(knowledgeBase: knowledge)

/// Title and body as plain text, as the store keeps them for tagging.
func text(_ entry: Entry) -> (String, String) {
    func plain(_ value: String, _ type: TextType?) -> String { type == .text || type == nil ? value : PlainText.fromHTML(value) }
    let body = [entry.summary.map { plain($0, entry.summaryType) }, entry.content?.first.map { plain($0.value, $0.type) }].compactMap { $0 }
    return (entry.title.map { plain($0, entry.titleType) } ?? "", body.joined(separator: "\n\n"))
}

let texts = entries.map(text)
let repeated = (0..<target).map { texts[$0 % texts.count] }
let dates = (0..<target).map { entries[$0 % entries.count].published }
print("set: \(target) entries, repeating \(entries.count) entries of \(documents.count) feeds")

var labels = [Int](repeating: 0, count: 4)
let tagging = seconds {
    for index in 0..<repeated.count {
        let result = tagger.tag(title: repeated[index].0, body: repeated[index].1, date: dates[index])
        labels[TagResult.Label.allCases.firstIndex(of: result.label)!] += 1
    }
}
let plainText = seconds {
    for index in 0..<target { _ = text(entries[index % entries.count]) }
}
var parsedEntries = 0
let parsing = seconds {
    while parsedEntries < target {
        for document in documents { parsedEntries += (try? FeedParser().parse(document))?.entries.count ?? 0 }
    }
}
print(String(format: "tagging (plain text in):     %10.0f entries/s  (%.2f s)", Double(target) / tagging, tagging))
print(String(format: "HTML to plain text:          %10.0f entries/s  (%.2f s)", Double(target) / plainText, plainText))
print(
    String(format: "parsing the same feeds:      %10.0f entries/s  (%.2f s for %d entries)", Double(parsedEntries) / parsing, parsing, parsedEntries))
print(String(format: "tagging costs %.2f of parsing per entry", (tagging / Double(target)) / (parsing / Double(parsedEntries))))
print("labels: " + zip(TagResult.Label.allCases, labels).map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", "))
