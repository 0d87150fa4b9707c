import AINewsCore

/// Whether a model's weights can be downloaded (open, whatever the licence) or it is served only
/// (closed: API, app, hosted).
public enum Openness: String, Sendable, Codable, Equatable {
    case open, closed
}

/// What the tagger knows: models, families, products, vendors, licences and the cue phrases that
/// tell a release of weights from an API launch. Read from `.kb` files (see `KnowledgeBaseFile`);
/// entries of later files replace those of earlier ones with the same kind and name, so a user's
/// file extends and corrects the shipped one.
public struct KnowledgeBase: Sendable {
    /// A named thing the text can mention.
    public struct Entry: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            /// A specific model or version ("Llama 3 70B", "Grok-1").
            case model
            /// A family whose members share a default openness ("Llama", "Gemini").
            case family
            /// An app or service; counts by the openness of what it serves ("ChatGPT").
            case product
            /// A lab or company; a mention says nothing about openness ("OpenAI").
            case vendor
            /// A licence; naming it is a cue for open weights ("Apache 2.0").
            case licence
        }

        public var kind: Kind
        public var name: String
        public var openness: Openness?
        /// For a model whose weights were released after its launch: the day it became open.
        public var openSince: Timestamp?
        public var vendor: String?
        /// The family a model belongs to ("Llama" for "Llama 3 70B").
        public var family: String?
        public var licence: String?
        /// Only match when written capitalised (names that are also common words).
        public var requiresCapital: Bool
        public var patterns: [[String]]
        /// Where the entry was read, for error messages and reasons.
        public var origin: String

        /// The openness at an instant: closed before `openSince`.
        public func openness(at date: Timestamp?) -> Openness? {
            if let openSince, let date, date < openSince { return .closed }
            return openness
        }
    }

    /// What a cue phrase says.
    public enum CueKind: String, Sendable, CaseIterable {
        /// Weights are out: "open weights", "on Hugging Face", "download".
        case open
        /// Served only: "API-only", "proprietary", "waitlist".
        case closed
        /// Weaker signs of a served product: "subscribers", "through its API".
        case service
        /// Both kinds at once: "open and closed models".
        case both
        /// A model named as ancestry, not subject: "built from", "based on".
        case lineage
        /// Denies what follows: "not", "without".
        case negation
        /// Things that are open-sourced but are not models: "SDK", "library".
        case tool
        /// Titles about money, chips, people or policy: "raises", "chip", "CEO".
        case offTopic = "off-topic"
        /// Words that make an unnamed model the subject: "model", "LLM", "chatbot".
        case subject
    }

    public struct Cue: Sendable, Equatable {
        public var kind: CueKind
        public var tokens: [String]
    }

    public private(set) var entries: [Entry] = []
    public private(set) var cues: [Cue] = []
    /// Where each entry is in `entries`, by kind and lower-cased name.
    private var positions: [String: Int] = [:]

    public init() {}

    /// Adds an entry, replacing any earlier one of the same kind and name.
    public mutating func add(_ entry: Entry) {
        let key = entry.kind.rawValue + ":" + entry.name.lowercased()
        if let index = positions[key] {
            entries[index] = entry
        } else {
            positions[key] = entries.count
            entries.append(entry)
        }
    }

    public mutating func add(_ cue: Cue) {
        if !cues.contains(cue) { cues.append(cue) }
    }

    /// Merges `other` over this knowledge base.
    public mutating func merge(_ other: KnowledgeBase) {
        for entry in other.entries { add(entry) }
        for cue in other.cues { add(cue) }
    }
}

/// An error in a knowledge-base file, naming the file and line.
public struct KnowledgeBaseError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}
