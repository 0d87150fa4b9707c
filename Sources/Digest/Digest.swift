import AINewsCore

/// A period's newsletter as data: the numbers of the week and its stories grouped by openness.
/// Stored as canonical JSON (sorted keys, no floating point) so the same items always give the
/// same bytes, and rendered to text, Markdown and HTML from that one value.
public struct Digest: Sendable, Equatable, Codable {
    public var period: Period
    public var title: String
    public var numbers: Numbers
    public var sections: [Section]

    public struct Numbers: Sendable, Equatable, Codable {
        public var items: Int
        public var stories: Int
        /// Stories per tag (all of them, also those past a section's limit).
        public var storiesByLabel: [String: Int]
        /// Items per tag: open, closed, both, none (and untagged, if any).
        public var labels: [String: Int]
        /// The same counts for the period before, when it had any items.
        public var previous: Previous?
        /// The models named by the most items, most first.
        public var topModels: [ModelCount]

        public struct Previous: Sendable, Equatable, Codable {
            public var items: Int
            public var labels: [String: Int]
        }

        public struct ModelCount: Sendable, Equatable, Codable {
            public var name: String
            public var items: Int
        }

        /// A tag's share of the items in whole percent.
        public func percent(_ label: String) -> Int { Self.percent(labels[label] ?? 0, of: items) }

        /// The change of that share against the previous period, in percentage points.
        public func change(_ label: String) -> Int? {
            guard let previous, previous.items > 0 else { return nil }
            return percent(label) - Self.percent(previous.labels[label] ?? 0, of: previous.items)
        }

        static func percent(_ count: Int, of total: Int) -> Int { total == 0 ? 0 : (count * 100 + total / 2) / total }
    }

    public struct Section: Sendable, Equatable, Codable {
        /// open, closed, both or none.
        public var label: String
        public var title: String
        public var stories: [Story]
    }

    public struct Story: Sendable, Equatable, Codable {
        public var title: String
        public var link: String?
        public var label: String
        public var models: [String]
        public var summary: String
        /// "extractive" (sentences from the sources), "abstractive" (written by the configured
        /// summary endpoint) or "title" (no source had a clean sentence).
        public var summarySource: String
        public var published: Timestamp
        public var sources: [Source]
    }

    public struct Source: Sendable, Equatable, Codable {
        public var feed: String
        public var title: String
        public var link: String?
        public var published: Timestamp?
    }

    public static let sectionTitles: [(label: String, title: String)] = [
        ("open", "Open models"), ("closed", "Closed models"), ("both", "Open vs closed"), ("none", "Also in AI"),
    ]
}
