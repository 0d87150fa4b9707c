import AINewsCore

/// The tag of one item: is it about open-weights models, closed ones, both, or neither?
public struct TagResult: Sendable, Equatable {
    public enum Label: String, Sendable, Codable, CaseIterable {
        case open, closed, both, none
    }

    public var label: Label
    /// The models and products named, each with its openness at the item's date.
    public var models: [ModelMention]
    /// Why, in a sentence a reader can check.
    public var reason: String
}

public struct ModelMention: Sendable, Equatable, Codable {
    public var name: String
    public var openness: Openness
}

/// Decides an item's tag from the models it names (through the knowledge base) and the cues
/// around them, avoiding what fools a keyword match: "OpenAI" and "open letter" are not open,
/// "closes a funding round" and "closed beta" are not closed, an open-sourced SDK is not a model,
/// and a model named as ancestry ("built from Gemini research") is not a subject.
///
/// ```swift
/// let tagger = Tagger(knowledgeBase: base)
/// tagger.tag(title: "Meta releases Llama 3", body: "The weights are on Hugging Face.").label  // .open
/// ```
public struct Tagger: Sendable {
    private let base: KnowledgeBase
    /// Everything that can start at a word, looked up by the word's hash (`Words.Word.hash`):
    /// the slot in `candidates`.
    private let index: HashIndex
    private let candidates: [Candidates]
    /// What turns away most words of running text before the table is asked, with two bit tests
    /// that nearly always fail: `firstWords` holds the first words of patterns that can match
    /// on their first word alone (one word long, or a wildcard second), `firstPairs` the first
    /// two words of every other pattern (`pairHash`). Common words such as "the" or "on" begin
    /// some pattern, but rarely with the word that follows them in the text.
    private let firstWords: Bits
    private let firstPairs: Bits
    /// What `Candidates` point into: every entry pattern and every cue, grouped by first word,
    /// longest pattern first within a group.
    private let entryList: [(pattern: Pattern, entry: Int)]
    private let cueList: [(pattern: Pattern, kind: KnowledgeBase.CueKind, bit: UInt8)]
    /// The words of every pattern, and their bytes, in one pool each (`Pattern` is a range of
    /// `patternWords`): a common first word has dozens of candidates, and trying them touches no
    /// reference-counted storage.
    private let patternWords: [PatternWord]
    private let patternBytes: [UInt8]

    /// The entries and cues whose patterns start with one word: ranges of `entryList` and
    /// `cueList`, so looking at them touches no reference-counted storage.
    private struct Candidates {
        var entries: Range<Int>
        var cues: Range<Int>
        /// The bytes (in `patternBytes`) of the one first word all these patterns share, checked
        /// once per position instead of once per pattern; nil when two first words share a hash.
        var firstWord: Range<Int32>?
    }

    /// The candidates of one first word while the tagger is built.
    private struct Gathered {
        var entries: [(pattern: Pattern, entry: Int)] = []
        var cues: [(pattern: Pattern, kind: KnowledgeBase.CueKind, bit: UInt8)] = []
    }

    /// A pattern: its words in `patternWords`.
    private struct Pattern {
        var words: Range<Int32>

        var count: Int { words.count }
    }

    /// One word of a pattern with its hash, so matching compares integers and looks at the bytes
    /// (in `patternBytes`) only when the hashes agree.
    private struct PatternWord {
        enum Kind { case literal, anyWord, anyNumber }

        var kind: Kind
        var hash: UInt64
        var bytes: Range<Int32>
    }

    /// Builds the pattern pools.
    private struct PatternPool {
        var words: [PatternWord] = []
        var bytes: [UInt8] = []

        mutating func add(_ pattern: [String]) -> Pattern {
            let start = Int32(words.count)
            for word in pattern {
                let kind: PatternWord.Kind = word == "*" ? .anyWord : word == "#" ? .anyNumber : .literal
                let byteStart = Int32(bytes.count)
                bytes.append(contentsOf: word.utf8)
                words.append(PatternWord(kind: kind, hash: Words.hash(of: word), bytes: byteStart..<Int32(bytes.count)))
            }
            return Pattern(words: start..<Int32(words.count))
        }
    }

    /// How many words before a mention a lineage cue or a negation still applies.
    static let lineageWindow = 8
    static let negationWindow = 4
    /// How many words after "open-sources" its object is looked for.
    static let objectWindow = 6

    public init(knowledgeBase: KnowledgeBase) {
        base = knowledgeBase
        var byWord: [String: Gathered] = [:]
        var pool = PatternPool()
        for (position, entry) in knowledgeBase.entries.enumerated() {
            for pattern in entry.patterns { byWord[pattern[0], default: Gathered()].entries.append((pool.add(pattern), position)) }
        }
        for cue in knowledgeBase.cues {
            let bit = UInt8(1) << UInt8(KnowledgeBase.CueKind.allCases.firstIndex(of: cue.kind)!)
            byWord[cue.tokens[0], default: Gathered()].cues.append((pool.add(cue.tokens), cue.kind, bit))
        }
        patternWords = pool.words
        patternBytes = pool.bytes
        var index: [UInt64: Int] = [:]
        var gathered: [Gathered] = []
        var sharedSlots = Set<Int>()
        var firstWords = Bits()
        var firstPairs = Bits()
        for (word, found) in byWord.sorted(by: { $0.key < $1.key }) {
            let hash = Words.hash(of: word)
            // Two first words with one hash share a slot; `matches` compares the words themselves.
            if let slot = index[hash] {
                gathered[slot].entries += found.entries
                gathered[slot].cues += found.cues
                sharedSlots.insert(slot)
            } else {
                index[hash] = gathered.count
                gathered.append(found)
            }
            for pattern in found.entries.map(\.pattern) + found.cues.map(\.pattern) {
                let second = pattern.count > 1 ? pool.words[Int(pattern.words.lowerBound) + 1] : nil
                if let second, second.kind == .literal {
                    firstPairs.insert(Self.pairHash(hash, second.hash))
                } else {
                    firstWords.insert(hash)
                }
            }
        }
        var entryList: [(pattern: Pattern, entry: Int)] = []
        var cueList: [(pattern: Pattern, kind: KnowledgeBase.CueKind, bit: UInt8)] = []
        candidates = gathered.enumerated().map { slot, found in
            let entries = entryList.count..<(entryList.count + found.entries.count)
            let cues = cueList.count..<(cueList.count + found.cues.count)
            entryList += found.entries.sorted { $0.pattern.count > $1.pattern.count }
            cueList += found.cues.sorted { $0.pattern.count > $1.pattern.count }
            let first = (found.entries.first?.pattern ?? found.cues.first?.pattern).map { pool.words[Int($0.words.lowerBound)] }
            let firstWord = sharedSlots.contains(slot) || first?.kind != .literal ? nil : first?.bytes
            return Candidates(entries: entries, cues: cues, firstWord: firstWord)
        }
        self.entryList = entryList
        self.cueList = cueList
        self.index = HashIndex(index)
        self.firstWords = firstWords
        self.firstPairs = firstPairs
    }

    /// The hash of two words in a row, for `firstPairs`.
    @inline(__always)
    private static func pairHash(_ first: UInt64, _ second: UInt64) -> UInt64 {
        // The second word's bits 32–47 meet the first's high bits, which `Bits` reads.
        first ^ (second >> 48 | second << 16)
    }

    /// Tags an item from its title and plain-text body; `date` picks the openness of models whose
    /// weights came out after their launch.
    public func tag(title: String, body: String, date: Timestamp? = nil) -> TagResult {
        let titleScan = scan(Words(title))
        let bodyScan = scan(Words(body))
        // A family named bare next to one of its own versions is that version ("Grok" beside "Grok-1").
        let familiesWithVersions = Set((titleScan.entries + bodyScan.entries).compactMap { base.entries[$0.entry].family })
        var evidence = Evidence()
        collect(titleScan, inTitle: true, date: date, familiesWithVersions: familiesWithVersions, into: &evidence)
        collect(bodyScan, inTitle: false, date: date, familiesWithVersions: familiesWithVersions, into: &evidence)
        return decide(evidence, titleScan: titleScan)
    }

    // MARK: - Scanning

    struct Match {
        var start: Int
        var length: Int
    }

    struct Scan {
        var words: Words
        var entries: [(match: Match, entry: Int)] = []
        var cues: [(match: Match, kind: KnowledgeBase.CueKind)] = []
        /// Where the lineage and negation cues end, sorted (`indexCues`): the two kinds asked
        /// about before every mention and cue, which text dense with cues would otherwise make
        /// quadratic.
        private var lineageEnds: [Int] = []
        private var negationEnds: [Int] = []

        init(words: Words) {
            self.words = words
        }

        /// The words of a match, as the reason quotes them.
        func phrase(_ match: Match) -> String {
            (match.start..<(match.start + match.length)).map { words.text(at: $0) }.joined(separator: " ")
        }

        /// Sorts the ends of the lineage and negation cues, once every cue has been found.
        mutating func indexCues() {
            lineageEnds = cues.filter { $0.kind == .lineage }.map { $0.match.start + $0.match.length }.sorted()
            negationEnds = cues.filter { $0.kind == .negation }.map { $0.match.start + $0.match.length }.sorted()
        }

        /// Whether a lineage or negation cue ends at most `window` words before `position`.
        func hasCue(_ kind: KnowledgeBase.CueKind, endingWithin window: Int, before position: Int) -> Bool {
            precondition(kind == .lineage || kind == .negation, "only lineage and negation cues are indexed")
            let ends = kind == .lineage ? lineageEnds : negationEnds
            // The last end at or before `position`.
            var low = 0
            var high = ends.count
            while low < high {
                let middle = (low + high) / 2
                if ends[middle] <= position { low = middle + 1 } else { high = middle }
            }
            return low > 0 && ends[low - 1] + window >= position
        }
    }

    private func scan(_ words: Words) -> Scan {
        var result = Scan(words: words)
        var position = 0
        while position < words.count {
            let hash = words[position].hash
            let mayStart =
                firstWords.contains(hash) || (position + 1 < words.count && firstPairs.contains(Self.pairHash(hash, words[position + 1].hash)))
            guard mayStart, let slot = index.value(for: hash) else {
                position += 1
                continue
            }
            let found = candidates[slot]
            var checked = 0
            if let firstWord = found.firstWord {
                guard words.word(at: position, is: patternBytes, firstWord) else {
                    position += 1
                    continue
                }
                checked = 1
            }
            // The longest cue of each kind that starts here.
            var matchedKinds: UInt8 = 0
            for cue in found.cues where matchedKinds & cueList[cue].bit == 0 {
                let candidate = cueList[cue]
                if matches(candidate.pattern, words, at: position, from: checked) {
                    result.cues.append((Match(start: position, length: candidate.pattern.count), candidate.kind))
                    matchedKinds |= candidate.bit
                }
            }
            if let entry = firstEntry(in: found.entries, matching: words, at: position, from: checked) {
                result.entries.append((Match(start: position, length: entry.pattern.count), entry.entry))
                position += entry.pattern.count
                continue
            }
            position += 1
        }
        result.indexCues()
        return result
    }

    /// The first (longest) entry pattern of `range` that matches at `position`.
    private func firstEntry(in range: Range<Int>, matching words: Words, at position: Int, from checked: Int) -> (pattern: Pattern, entry: Int)? {
        for index in range {
            let candidate = entryList[index]
            if matches(candidate.pattern, words, at: position, from: checked),
                !base.entries[candidate.entry].requiresCapital || words[position].isCapitalized
            {
                return candidate
            }
        }
        return nil
    }

    /// Whether `pattern` matches the words at `position`, its first `checked` words known to.
    private func matches(_ pattern: Pattern, _ words: Words, at position: Int, from checked: Int) -> Bool {
        guard position + pattern.count <= words.count else { return false }
        var at = position + checked
        for index in (pattern.words.lowerBound + Int32(checked))..<pattern.words.upperBound {
            let word = patternWords[Int(index)]
            switch word.kind {
            case .anyWord: break
            case .anyNumber: if !words.startsWithDigit(at) { return false }
            case .literal: if words[at].hash != word.hash || !words.word(at: at, is: patternBytes, word.bytes) { return false }
            }
            at += 1
        }
        return true
    }

    // MARK: - Evidence

    struct Evidence {
        var open: [ModelMention] = []
        var closed: [ModelMention] = []
        var lineage: [String] = []
        var openCues: [String] = []
        var closedCues: [String] = []
        var serviceCues: [String] = []
        var bothCues: [String] = []
        var hasSubject = false
        var mentionInTitle = false

        /// The most cues of one kind a reason quotes; more only cost time in text dense with cues.
        static let quotedCues = 2

        /// Adds a cue's phrase, made only when the list still has room for it.
        static func note(_ cues: inout [String], _ phrase: () -> String) {
            if cues.count < quotedCues { cues.append(phrase()) }
        }

        mutating func add(_ mention: ModelMention) {
            switch mention.openness {
            case .open: if !open.contains(mention) { open.append(mention) }
            case .closed: if !closed.contains(mention) { closed.append(mention) }
            }
        }
    }

    private func collect(
        _ scan: Scan, inTitle: Bool, date: Timestamp?, familiesWithVersions: Set<String>, into evidence: inout Evidence
    ) {
        // Each entry's fields read in place: a copy of the entry retained its strings and arrays,
        // for every mention.
        let entries = base.entries
        for (match, index) in scan.entries {
            switch entries[index].kind {
            case .vendor:
                continue
            case .licence:
                if entries[index].openness != .closed { Evidence.note(&evidence.openCues) { entries[index].name } }
            case .model, .family, .product:
                if entries[index].kind == .family, match.length == 1, familiesWithVersions.contains(entries[index].name) { continue }
                guard let openness = entries[index].openness(at: date) else { continue }
                if scan.hasCue(.lineage, endingWithin: Self.lineageWindow, before: match.start) {
                    evidence.lineage.append(entries[index].name)
                    continue
                }
                evidence.add(ModelMention(name: entries[index].name, openness: openness))
                evidence.hasSubject = true
                if inTitle { evidence.mentionInTitle = true }
            }
        }
        for (match, kind) in scan.cues {
            let phrase = { scan.phrase(match) }
            switch kind {
            case .open:
                if scan.hasCue(.negation, endingWithin: Self.negationWindow, before: match.start) {
                    Evidence.note(&evidence.closedCues) { "not " + phrase() }
                } else if isOpenSourcingATool(scan, after: match) {
                    continue
                } else {
                    Evidence.note(&evidence.openCues, phrase)
                }
            case .closed: Evidence.note(&evidence.closedCues, phrase)
            case .service: Evidence.note(&evidence.serviceCues, phrase)
            case .both: Evidence.note(&evidence.bothCues, phrase)
            case .subject: evidence.hasSubject = true
            case .lineage, .negation, .tool, .offTopic: break
            }
        }
    }

    /// "open-sourced its evaluation harness": a verb of opening whose object is a tool, not a model.
    private func isOpenSourcingATool(_ scan: Scan, after match: Tagger.Match) -> Bool {
        let words = (match.start..<(match.start + match.length)).map { scan.words.text(at: $0) }
        guard words.first == "open" || words.first == "opens" || words.first == "opened" else { return false }
        guard words.count <= 2, words.last?.hasPrefix("sourc") == true else { return false }
        let window = (match.start + match.length)..<min(scan.words.count, match.start + match.length + Self.objectWindow)
        // A named model or its weights make the object a model, whatever else is named with it.
        if scan.entries.contains(where: { window.contains($0.match.start) && base.entries[$0.entry].kind != .vendor }) { return false }
        if window.contains(where: { scan.words.text(at: $0) == "weights" || scan.words.text(at: $0).hasPrefix("checkpoint") }) { return false }
        return scan.cues.contains { window.contains($0.match.start) && $0.kind == .tool }
    }

    // MARK: - Deciding

    private func decide(_ evidence: Evidence, titleScan: Scan) -> TagResult {
        let models = evidence.open + evidence.closed
        let offTopicTitle = titleScan.cues.contains { $0.kind == .offTopic } && !evidence.mentionInTitle
        func result(_ label: TagResult.Label, _ why: String) -> TagResult {
            TagResult(label: label, models: label == .none ? [] : models, reason: why)
        }
        let names = { (mentions: [ModelMention]) in mentions.map(\.name).joined(separator: ", ") }
        let quoted = { (cues: [String]) in cues.prefix(Evidence.quotedCues).map { "'\($0)'" }.joined(separator: ", ") }

        if !evidence.open.isEmpty, !evidence.closed.isEmpty {
            return result(.both, "names open-weights models (\(names(evidence.open))) and closed ones (\(names(evidence.closed)))")
        }
        if !evidence.bothCues.isEmpty {
            return result(.both, "speaks of open and closed models together (\(quoted(evidence.bothCues)))")
        }
        if offTopicTitle, evidence.openCues.isEmpty, evidence.closedCues.isEmpty {
            let mentioned = models.isEmpty ? "" : "; \(names(models)) only mentioned"
            return result(.none, "the title is about money, chips, people or policy\(mentioned)")
        }
        if !evidence.open.isEmpty {
            let lineage = evidence.lineage.isEmpty ? "" : "; \(evidence.lineage.joined(separator: ", ")) only as lineage"
            return result(.open, "open-weights model: \(names(evidence.open))\(lineage)")
        }
        if !evidence.closed.isEmpty {
            return result(.closed, "closed model: \(names(evidence.closed))")
        }
        if evidence.hasSubject, !evidence.openCues.isEmpty, !evidence.closedCues.isEmpty {
            return result(.both, "released weights (\(quoted(evidence.openCues))) and a served-only model (\(quoted(evidence.closedCues)))")
        }
        if evidence.hasSubject, !evidence.openCues.isEmpty {
            return result(.open, "weights released: \(quoted(evidence.openCues))")
        }
        if evidence.hasSubject, !evidence.closedCues.isEmpty || !evidence.serviceCues.isEmpty {
            return result(.closed, "a model offered as a service only: \(quoted(evidence.closedCues + evidence.serviceCues))")
        }
        return result(.none, "no model's openness is at stake")
    }
}

/// A set of 2^16 bits addressed by the high bits of hashes (`Words.hash`), for filters that may
/// answer yes wrongly but never no.
struct Bits: Sendable {
    private var words = [UInt64](repeating: 0, count: (1 << 16) / 64)

    mutating func insert(_ hash: UInt64) {
        let bit = Int(truncatingIfNeeded: hash >> 48)
        words[bit >> 6] |= 1 &<< UInt64(bit & 63)
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash >> 48)
        return words[bit >> 6] & (1 &<< UInt64(bit & 63)) != 0
    }
}

/// A read-only table from word hashes (already well mixed, `Words.hash`) to slots, probed linearly:
/// unlike `Dictionary`, a lookup does not hash the hash again with SipHash, and text dense with
/// known words asks it once per word.
struct HashIndex: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(_ dictionary: [UInt64: Int]) {
        var size = 16
        while size < dictionary.count * 2 { size *= 2 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
        for (key, value) in dictionary {
            var slot = Self.slot(key, mask)
            while values[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = Int32(value)
        }
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: key >> 32 ^ key) & mask
    }

    func value(for key: UInt64) -> Int? {
        var slot = Self.slot(key, mask)
        while values[slot] >= 0 {
            if keys[slot] == key { return Int(values[slot]) }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
