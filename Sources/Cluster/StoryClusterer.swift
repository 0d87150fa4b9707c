import AINewsTag

/// One entry as the clusterer sees it: plain values, so clustering is a pure function of the
/// stored items and can be re-run at any time.
public struct StoryCandidate: Sendable {
    public var feedID: Int64
    /// Seconds since 1970: the entry's date (published, else first seen).
    public var time: Int64
    /// The canonical link; two entries with the same one are the same story.
    public var link: String?
    public var title: String
    /// The entry's plain text; only its lead is read.
    public var text: String
    /// The models the tagger found.
    public var models: [String]

    public init(feedID: Int64, time: Int64, link: String?, title: String, text: String, models: [String]) {
        self.feedID = feedID
        self.time = time
        self.link = link
        self.title = title
        self.text = text
        self.models = models
    }
}

/// Groups entries from different feeds that report the same event into stories.
///
/// Each entry becomes a weighted bag of words (its title counts double, stop words are out,
/// numbers and model versions stay as words of their own: "llama 3" and "llama 3.1" differ) plus
/// the models it names. Entries are only compared when they share a model or one of their rarest
/// title words and lie within a time window of each other, and each entry meets a bounded number
/// of neighbours per key, so the cost grows with n log n (the sorts), never n².
/// Titles that name different versions of one model ("Llama 3.1" against "Llama 3.2") must be
/// much closer to match. Pairs above a similarity threshold, which rises with the time between them, are merged,
/// most similar first, as long as the two groups are alike on average (not only through their
/// closest pair), the story keeps one entry per feed and it fits in the window: the guards that
/// stop chains of "similar enough" from gluing a week of Llama news into one story.
///
/// ```swift
/// let stories = StoryClusterer().stories(candidates)  // [[index into candidates]]
/// ```
public struct StoryClusterer: Sendable {
    /// The longest time between two entries of one story.
    public var window: Int64 = 5 * 86_400
    /// The cosine similarity two entries published together need to be the same story…
    public var threshold = 0.15
    /// …and how much more they need per day between them: follow-ups days later must be closer.
    public var thresholdPerDay = 0.05
    /// How much closer two entries must be when their titles name different versions of one
    /// thing ("Llama 3.1" and "Llama 3.2"): enough that a new release never joins the last one,
    /// not so much that two reports of one comparison ("beats GPT-3.5", "rivals GPT-4") cannot.
    public var otherVersionPenalty = 0.35
    /// How many of an entry's rarest title words find its neighbours (its models always do).
    public var keysPerEntry = 6
    /// How many later neighbours in time one key yields.
    public var neighboursPerKey = 24
    /// How many words of the text beyond the title are read.
    public var leadWords = 80

    public init() {}

    /// The stories, each a sorted list of indices into `candidates`; stories are ordered by their
    /// first index. Every candidate is in exactly one story.
    public func stories(_ candidates: [StoryCandidate]) -> [[Int]] {
        let features = FeatureTable(candidates, leadWords: leadWords)
        var links = LinkGroups()
        var edges: [Edge] = []
        // Entries in time order per blocking key, then each entry meets its nearest ones in time.
        let postings = features.postings(rarest: keysPerEntry)
        for list in postings {
            for (position, left) in list.enumerated() {
                var step = 1
                while step <= neighboursPerKey, position + step < list.count {
                    let right = list[position + step]
                    step += 1
                    if candidates[right].time - candidates[left].time > window { break }
                    // A pair sharing several keys is compared more than once; merging is idempotent.
                    guard candidates[left].feedID != candidates[right].feedID else { continue }
                    let similarity = features.cosine(left, right)
                    let days = Double(candidates[right].time - candidates[left].time) / 86_400
                    let versionPenalty = features.namesOtherVersions(left, right) ? otherVersionPenalty : 0
                    if similarity >= threshold + thresholdPerDay * days + versionPenalty {
                        edges.append(Edge(left: min(left, right), right: max(left, right), similarity: similarity))
                    }
                }
            }
        }
        for (index, candidate) in candidates.enumerated() {
            if let link = candidate.link, !link.isEmpty { links.add(index, link: link) }
        }
        edges += links.edges(candidates)
        edges.sort { ($0.similarity, $1.left, $1.right) > ($1.similarity, $0.left, $0.right) }

        var groups = Groups(candidates)
        for edge in edges {
            groups.merge(edge.left, edge.right, window: window) { a, b in
                // Same link: always. Otherwise the two groups must be alike on average, not just
                // through their closest pair, or chains of near neighbours would grow without end.
                edge.similarity > 1 || Self.meanSimilarity(a, b, features) >= threshold
            }
        }
        return groups.stories()
    }

    /// The mean cosine over the pairs across two groups (over their first 16 members each, so a
    /// large story costs a bounded amount).
    static func meanSimilarity(_ a: [Int], _ b: [Int], _ features: FeatureTable) -> Double {
        var sum = 0.0
        var pairs = 0
        for left in a.prefix(16) {
            for right in b.prefix(16) {
                sum += features.cosine(left, right)
                pairs += 1
            }
        }
        return pairs == 0 ? 0 : sum / Double(pairs)
    }

    struct Edge {
        var left: Int
        var right: Int
        var similarity: Double
    }

    /// Entries sharing a canonical link are the same story whatever their words.
    struct LinkGroups {
        var byLink: [String: [Int]] = [:]

        mutating func add(_ index: Int, link: String) { byLink[link, default: []].append(index) }

        func edges(_ candidates: [StoryCandidate]) -> [Edge] {
            var edges: [Edge] = []
            for members in byLink.values where members.count > 1 {
                for index in members.dropFirst() where candidates[index].feedID != candidates[members[0]].feedID {
                    edges.append(Edge(left: min(members[0], index), right: max(members[0], index), similarity: 2))
                }
            }
            return edges
        }
    }

    /// Union-find over entries that keeps each story to one entry per feed and within the window.
    struct Groups {
        var parent: [Int]
        var members: [[Int]]
        var feeds: [[Int64]]
        var earliest: [Int64]
        var latest: [Int64]

        init(_ candidates: [StoryCandidate]) {
            parent = Array(candidates.indices)
            members = candidates.indices.map { [$0] }
            feeds = candidates.map { [$0.feedID] }
            earliest = candidates.map(\.time)
            latest = candidates.map(\.time)
        }

        mutating func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }

        mutating func merge(_ left: Int, _ right: Int, window: Int64, alike: ([Int], [Int]) -> Bool) {
            let a = root(left)
            let b = root(right)
            guard a != b, max(latest[a], latest[b]) - min(earliest[a], earliest[b]) <= window,
                !feeds[a].contains(where: feeds[b].contains), alike(members[a], members[b])
            else { return }
            let (keep, drop) = a < b ? (a, b) : (b, a)
            parent[drop] = keep
            members[keep] += members[drop]
            members[drop] = []
            feeds[keep] += feeds[drop]
            feeds[drop] = []
            earliest[keep] = min(earliest[keep], earliest[drop])
            latest[keep] = max(latest[keep], latest[drop])
        }

        mutating func stories() -> [[Int]] {
            var byRoot: [Int: Int] = [:]
            var stories: [[Int]] = []
            for index in parent.indices {
                let root = root(index)
                if let story = byRoot[root] {
                    stories[story].append(index)
                } else {
                    byRoot[root] = stories.count
                    stories.append([index])
                }
            }
            return stories
        }
    }
}
