import AINewsCluster
import AINewsCore
import AINewsParse
import AINewsStore
import AINewsTag
import AINewsUpdate
import ArgumentParser
import Foundation

/// `ainews eval-stories`: scores story clustering against the `story_id` of hand labels.
struct EvalStories: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-stories",
        abstract: "Print pairwise precision, recall and F1 of \"same story\" against a labelled set, and the mistakes.")

    @OptionGroup var corpus: CorpusArguments
    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let tagger = try knowledge.tagger()
        let labels = try corpus.load()
        // Every entry of every feed is clustered, labelled or not, as the digest would.
        var candidates: [StoryCandidate] = []
        var titles: [String] = []
        var indexOfEntry: [String: Int] = [:]
        for (feedIndex, feed) in labels.feeds.enumerated() {
            for entry in feed.entries {
                indexOfEntry[feed.name + "\u{0}" + (entry.id ?? entry.link ?? "")] = candidates.count
                candidates.append(StoryCandidate(entry, feedID: Int64(feedIndex), models: tagger.tag(entry).models.map(\.name)))
                titles.append("[\(feed.name)] \(entry.title ?? "(untitled)")")
            }
        }
        let stories = StoryClusterer().stories(candidates)
        var storyOf = [Int](repeating: 0, count: candidates.count)
        for (number, story) in stories.enumerated() { for index in story { storyOf[index] = number } }

        var labelled: [(index: Int, story: String)] = []
        for item in labels.items {
            guard let storyID = item.label.storyID else { throw CommandFailure("\(corpus.labels):\(item.line): no story_id") }
            guard let index = indexOfEntry[item.label.feed + "\u{0}" + (item.entry.id ?? item.entry.link ?? "")] else { continue }
            labelled.append((index, storyID))
        }
        let evaluation = StoryEvaluation(predicted: labelled.map { storyOf[$0.index] }, expected: labelled.map(\.story))
        print("items      \(evaluation.items)")
        print("stories    \(Set(labelled.map { storyOf[$0.index] }).count) found, \(Set(labelled.map(\.story)).count) labelled")
        print("pairs      \(evaluation.truePairs) right, \(evaluation.falsePairs) wrongly joined, \(evaluation.missedPairs) missed")
        print("precision  \(format(evaluation.precision))")
        print("recall     \(format(evaluation.recall))")
        print("F1         \(format(evaluation.f1))")
        var mistakes: [String] = []
        for (position, left) in labelled.enumerated() {
            for right in labelled[(position + 1)...] {
                let joined = storyOf[left.index] == storyOf[right.index]
                if joined != (left.story == right.story) {
                    mistakes.append(
                        "  \(joined ? "joined" : "missed") \(abs(candidates[right.index].time - candidates[left.index].time) / 3600) h apart: \(titles[left.index])\n      \(titles[right.index])"
                    )
                }
            }
        }
        print("\nmistakes (\(mistakes.count))")
        mistakes.forEach { print($0) }
    }

    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}

extension StoryCandidate {
    /// An entry as the clusterer reads it: its date, canonical link, plain text and models.
    init(_ entry: Entry, feedID: Int64, firstSeen: Timestamp? = nil, models: [String]) {
        self.init(
            feedID: feedID, time: (entry.published ?? entry.updated ?? firstSeen)?.secondsSince1970 ?? 0,
            link: entry.link.map(EntryIdentity.canonicalLink), title: EntryText.title(of: entry), text: EntryText.body(of: entry),
            models: models)
    }
}
