// digest-benchmark: builds a week's digest from synthetic stores of growing size and prints the
// time of each build, to show that the cost grows no faster than n log n.
//
//   swift build -c release --product digest-benchmark
//   .build/release/digest-benchmark [--sizes 10000,100000,1000000] [--directory /tmp]
//
// Every entry of a store falls in the one week being built (the worst case: the whole store is
// the digest's input). Stories of 1–4 entries from different feeds share a model and rare words,
// the rest of their words come from a skewed vocabulary, as news does. Entries are stored tagged,
// as the daemon leaves them, so the build time is reading, clustering, summarising, ranking,
// encoding and saving.
import AINewsCore
import AINewsDigest
import AINewsService
import AINewsStore
import AINewsTag
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

var sizes = [10_000, 100_000, 1_000_000]
var directory = FileManager.default.temporaryDirectory.path
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--sizes": sizes = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--directory": directory = arguments.popFirst() ?? directory
    default:
        FileHandle.standardError.write(Data("usage: digest-benchmark [--sizes 10000,100000,1000000] [--directory DIR]\n".utf8))
        exit(2)
    }
}

/// SplitMix64: a seeded generator, so every run builds the same stores.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let syllables = [
    "ka", "lo", "mi", "ter", "son", "vex", "dra", "pul", "qui", "ren", "sta", "bor", "fin", "gal", "hep", "jun", "nox", "pra", "tul", "wen",
]
let vocabulary: [String] = (0..<30_000).map { index in
    var word = ""
    var rest = index
    repeat {
        word += syllables[rest % syllables.count]
        rest /= syllables.count
    } while rest > 0
    return word + (index % 7 == 0 ? "s" : "")
}
let models = (0..<300).map { "Model\(["Alpha", "Nimbus", "Orca", "Falcon", "Quill"][$0 % 5]) \($0 / 5 + 1)" }
let labels = ["open", "closed", "both", "none"]

func commonWord(_ random: inout SeededGenerator) -> String {
    let u = Double.random(in: 0..<1, using: &random)
    return vocabulary[Int(u * u * u * Double(vocabulary.count))]
}

/// Fills a fresh store with `count` entries dated within `week`; returns how many stories it made.
func fill(_ store: Store, count: Int, week: Period) throws -> Int {
    var random = SeededGenerator(state: UInt64(count))
    let feedCount = max(10, count / 1000)
    var feeds: [FeedRecord] = []
    for index in 0..<feedCount {
        feeds.append(try store.addFeed(url: "https://feed\(index).example/rss", title: "Feed \(index)", at: week.start))
    }
    var entriesByFeed = [[Entry]](repeating: [], count: feedCount)
    var tagsByFeed = [[StoredTag]](repeating: [], count: feedCount)
    var made = 0
    var story = 0
    while made < count {
        let size = min(count - made, [1, 1, 1, 1, 1, 1, 2, 2, 3, 4].randomElement(using: &random)!)
        let model = models.randomElement(using: &random)!
        let event = (0..<3).map { _ in vocabulary.randomElement(using: &random)! }
        let time = week.start.secondsSince1970 + Int64.random(in: 0..<(7 * 86_400 - 43_200), using: &random)
        let label = labels.randomElement(using: &random)!
        var usedFeeds = Set<Int>()
        for _ in 0..<size {
            var feed = Int.random(in: 0..<feedCount, using: &random)
            while usedFeeds.contains(feed) { feed = Int.random(in: 0..<feedCount, using: &random) }
            usedFeeds.insert(feed)
            let words = (0..<4).map { _ in commonWord(&random) }
            var entry = Entry()
            entry.id = "story-\(story)-feed-\(feed)"
            entry.link = "https://feed\(feed).example/\(story)"
            entry.title = "\(model) \(event[0]) \(words[0]) \(event[1]) \(words[1]) \(words[2])"
            let sentences = (0..<3).map { number in
                let filler = (0..<8).map { _ in commonWord(&random) }.joined(separator: " ")
                return "The \(model) \(number == 0 ? event.joined(separator: " ") : event[number]) \(filler) \(words[3])."
            }
            entry.content = [Content(value: "<p>" + sentences.joined(separator: " ") + "</p><p>Read more at Feed \(feed).</p>", type: .html)]
            entry.published = Timestamp(secondsSince1970: time + Int64.random(in: 0..<43_200, using: &random))
            entriesByFeed[feed].append(entry)
            tagsByFeed[feed].append(
                StoredTag(label: label, models: [.init(name: model, openness: label == "closed" ? "closed" : "open")], reason: "synthetic"))
            made += 1
        }
        story += 1
    }
    for (index, entries) in entriesByFeed.enumerated() where !entries.isEmpty {
        var parsed = ParsedFeed(format: .rss, version: "2.0")
        parsed.feed.title = "Feed \(index)"
        parsed.entries = entries
        try store.record(FetchOutcome(feedID: feeds[index].id, fetchedAt: week.end, status: 200, feed: parsed))
    }
    // The store numbers entries in the order they were written: feed by feed.
    let batch = tagsByFeed.flatMap { $0 }.enumerated().map { (entryID: Int64($0.offset + 1), tag: $0.element) }
    try store.setTags(batch)
    return story
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

let week = Period(week: "2026-W47")!
let tagger = Tagger(knowledgeBase: KnowledgeBase())
print("entries   fill s   build s   µs/entry   stories (made)   ×time vs previous (×size)   peak MiB")
var previous: (size: Int, time: Double)?
for size in sizes {
    let path = directory + "/ainews-digest-benchmark-\(size).sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try Store(path: path)
    var made = 0
    let fillTime = try seconds { made = try fill(store, count: size, week: week) }
    var result: DigestPipeline.Result?
    let buildTime = try seconds { result = try DigestPipeline(store: store, settings: Settings(), tagger: tagger).build(period: week, at: week.end) }
    let growth = previous.map { String(format: "%.1f× (%.0f×)", buildTime / $0.time, Double(size) / Double($0.size)) } ?? "-"
    print(
        String(
            format: "%7d %8.1f %9.2f %10.1f %8d (%d)   %-26@ %9.0f", size, fillTime, buildTime, buildTime * 1e6 / Double(size),
            result!.digest.numbers.stories, made, growth, peakMemoryMiB()))
    previous = (size, buildTime)
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
