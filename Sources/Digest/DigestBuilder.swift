import AINewsCluster
import AINewsCore
import AINewsParse
import AINewsStore
import AINewsSummarise

/// One stored entry with what the digest needs to know about its feed.
public struct DigestItem: Sendable {
    public var stored: StoredEntry
    public var feedTitle: String
    /// From the source_weights setting; 1 unless configured.
    public var feedWeight: Double

    public init(stored: StoredEntry, feedTitle: String, feedWeight: Double = 1) {
        self.stored = stored
        self.feedTitle = feedTitle
        self.feedWeight = feedWeight
    }
}

/// Turns a period's entries into its digest: stories (clustered across feeds), a summary for
/// each, ranked by how many independent sources carry them (weighted by source), then by recency,
/// and grouped by openness. A pure function of its input, so the same items give the same digest.
///
/// ```swift
/// let digest = DigestBuilder().build(period: .week(containing: now), items: items, previous: counts)
/// ```
public struct DigestBuilder: Sendable {
    public var clusterer = StoryClusterer()
    public var summarizer = ExtractiveSummarizer()
    /// The most stories a section lists; the numbers still count them all.
    public var maxStoriesPerSection = 25
    public var topModelCount = 5

    public init() {}

    /// `abstract`, when given, may replace a listed story's summary (from its title and sources)
    /// with an abstractive one; nil keeps the extractive summary.
    public func build(
        period: Period, items: [DigestItem], previous: TagCounts?, abstract: ((String, [ChatSummarizer.Source]) -> String?)? = nil
    ) -> Digest {
        // A title is one line whatever the feed put in it.
        let titles = items.map { EntryText.title(of: $0.stored.entry).split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let texts = items.map { EntryText.body(of: $0.stored.entry) }
        let candidates = items.indices.map { index in
            let stored = items[index].stored
            return StoryCandidate(
                feedID: stored.feedID, time: Self.date(of: stored).secondsSince1970, link: stored.entry.link.map(EntryIdentity.canonicalLink),
                title: titles[index], text: texts[index], models: stored.tag?.models.map(\.name) ?? [])
        }
        let sentences = texts.map(SentenceSplitter.sentences)
        var repeated = Set<String>()
        for indices in Dictionary(grouping: items.indices, by: { items[$0].stored.feedID }).values {
            repeated.formUnion(Boilerplate.repeatedSentences(in: indices.map { sentences[$0] }))
        }

        var ranked: [(story: Digest.Story, score: Double, members: [Int])] = []
        for members in clusterer.stories(candidates) {
            // The heaviest source first, then the earliest.
            let ordered = members.sorted {
                (-items[$0].feedWeight, candidates[$0].time, items[$0].stored.id) < (-items[$1].feedWeight, candidates[$1].time, items[$1].stored.id)
            }
            let lead = ordered[0]
            let summary = summarizer.summary(of: ordered.map { SummarySource(title: titles[$0], sentences: sentences[$0]) }, repeated: repeated)
            let story = Digest.Story(
                title: titles[lead].isEmpty ? "(untitled)" : titles[lead], link: items[lead].stored.entry.link,
                label: Self.label(of: ordered.map { items[$0].stored.tag?.label ?? "none" }),
                models: Self.rankedModels(ordered.map { items[$0].stored.tag?.models.map(\.name) ?? [] }),
                summary: summary ?? titles[lead], summarySource: summary == nil ? "title" : "extractive",
                published: Timestamp(secondsSince1970: ordered.map { candidates[$0].time }.min()!),
                sources: ordered.map { index in
                    Digest.Source(
                        feed: items[index].feedTitle, title: titles[index], link: items[index].stored.entry.link,
                        published: items[index].stored.entry.published ?? items[index].stored.entry.updated)
                })
            let feedWeights = Dictionary(ordered.map { (items[$0].stored.feedID, items[$0].feedWeight) }, uniquingKeysWith: { a, _ in a })
            let latest = ordered.map { candidates[$0].time }.max()!
            let length = Double(max(1, period.end.secondsSince1970 - period.start.secondsSince1970))
            let recency = min(1, max(0, Double(latest - period.start.secondsSince1970) / length))
            ranked.append((story, feedWeights.values.reduce(0, +) + 0.5 * recency, ordered))
        }
        ranked.sort { left, right in
            (left.score, right.story.published, right.story.title) > (right.score, left.story.published, left.story.title)
        }

        var labels: [String: Int] = [:]
        var modelItems: [String: Int] = [:]
        for item in items {
            labels[item.stored.tag?.label ?? "untagged", default: 0] += 1
            for model in Set(item.stored.tag?.models.map(\.name) ?? []) { modelItems[model, default: 0] += 1 }
        }
        let topModels = modelItems.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(topModelCount)
        let numbers = Digest.Numbers(
            items: items.count, stories: ranked.count, storiesByLabel: ranked.reduce(into: [:]) { $0[$1.story.label, default: 0] += 1 },
            labels: labels,
            previous: previous.flatMap { $0.total > 0 ? Digest.Numbers.Previous(items: $0.total, labels: $0.byLabel) : nil },
            topModels: topModels.map { Digest.Numbers.ModelCount(name: $0.key, items: $0.value) })
        let sections = Digest.sectionTitles.compactMap { label, title -> Digest.Section? in
            let stories = ranked.filter { $0.story.label == label }.prefix(maxStoriesPerSection).map { story, _, members in
                var story = story
                let sources = members.map { ChatSummarizer.Source(feed: items[$0].feedTitle, title: titles[$0], text: texts[$0]) }
                if let abstract, let text = abstract(story.title, sources) {
                    story.summary = text
                    story.summarySource = "abstractive"
                }
                return story
            }
            return stories.isEmpty ? nil : Digest.Section(label: label, title: title, stories: Array(stories))
        }
        return Digest(period: period, title: "AI models this week — \(period.name)", numbers: numbers, sections: sections)
    }

    /// The date a digest files an entry under: published, else updated, else first seen (the
    /// store selects a period's entries by the same rule).
    public static func date(of stored: StoredEntry) -> Timestamp {
        stored.entry.published ?? stored.entry.updated ?? stored.firstSeenAt
    }

    /// A story's tag from its entries' tags: the most common; open against closed is both.
    static func label(of labels: [String]) -> String {
        var counts: [String: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        let top = counts.values.max() ?? 0
        let leaders = Set(counts.compactMap { $0.value == top ? $0.key : nil })
        if leaders.count == 1 { return leaders.first! }
        if leaders.contains("both") || (leaders.contains("open") && leaders.contains("closed")) { return "both" }
        return ["open", "closed", "none"].first(where: leaders.contains) ?? "none"
    }

    /// The models of a story, named by most of its entries first.
    static func rankedModels(_ perEntry: [[String]]) -> [String] {
        var counts: [String: Int] = [:]
        for models in perEntry { for model in Set(models) { counts[model, default: 0] += 1 } }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }
}
