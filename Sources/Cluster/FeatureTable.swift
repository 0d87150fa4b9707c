import AINewsTag

#if canImport(Glibc)
    import Glibc
#endif

/// The words and models of every candidate as unit-length TF-IDF vectors over interned terms,
/// and the title terms each candidate can be found by.
struct FeatureTable {
    /// Per candidate: (term, weight) sorted by term, of unit length.
    private(set) var vectors: [[(term: Int32, weight: Double)]] = []
    /// Per candidate: the terms of its title and its models.
    private var keys: [[Int32]] = []
    private var modelTermCount: [Int] = []
    private var times: [Int64] = []
    private var documentFrequency: [Int] = []
    /// Per candidate: the numbers its title puts right after a word ("llama" → ["3.1"]).
    private var versions: [[String: Set<String>]] = []

    init(_ candidates: [StoryCandidate], leadWords: Int) {
        var terms: [String: Int32] = [:]
        func intern(_ text: String) -> Int32 {
            if let term = terms[text] { return term }
            let term = Int32(terms.count)
            terms[text] = term
            return term
        }
        var raw: [[Int32: Double]] = []
        raw.reserveCapacity(candidates.count)
        keys.reserveCapacity(candidates.count)
        for candidate in candidates {
            var weights: [Int32: Double] = [:]
            var titleTerms: [Int32] = []
            for word in Self.words(candidate.title) {
                let term = intern(word)
                if weights[term] == nil { titleTerms.append(term) }
                weights[term] = 2
            }
            for word in Self.words(candidate.text).prefix(leadWords) {
                let term = intern(word)
                weights[term] = min(3, (weights[term] ?? 0) + 1)
            }
            var models = 0
            for model in candidate.models {
                let term = intern("\u{1}" + model)
                if weights[term] == nil {
                    titleTerms.append(term)
                    models += 1
                }
                weights[term] = 2
            }
            modelTermCount.append(models)
            raw.append(weights)
            keys.append(titleTerms)
            versions.append(Self.versions(in: candidate.title))
        }
        documentFrequency = [Int](repeating: 0, count: terms.count)
        for weights in raw { for term in weights.keys { documentFrequency[Int(term)] += 1 } }
        let count = Double(candidates.count)
        vectors = raw.map { weights in
            var vector = weights.map { (term: $0.key, weight: $0.value * (1 + log(count / Double(documentFrequency[Int($0.key)])))) }
            vector.sort { $0.term < $1.term }
            let length = vector.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
            return length > 0 ? vector.map { (term: $0.term, weight: $0.weight / length) } : vector
        }
        times = candidates.map(\.time)
    }

    /// For each blocking key, the candidates that have it, in time order. A candidate's keys are
    /// its models and its `rarest` rarest title words: two reports of one event share the words
    /// that make the event (a model's name, "Codestral", "Blackwell"), which are rare in a week.
    func postings(rarest: Int) -> [[Int]] {
        var lists: [Int32: [Int]] = [:]
        for (index, terms) in keys.enumerated() {
            let words = terms.dropLast(modelTermCount[index]).sorted {
                (documentFrequency[Int($0)], $0) < (documentFrequency[Int($1)], $1)
            }
            for term in words.prefix(rarest) + terms.suffix(modelTermCount[index]) { lists[term, default: []].append(index) }
        }
        return lists.sorted { $0.key < $1.key }.compactMap { _, members in
            members.count > 1 ? members.sorted { (times[$0], $0) < (times[$1], $1) } : nil
        }
    }

    /// Whether the two titles name different versions of one thing ("Llama 3.1" and "Llama 3.2"):
    /// then they are different events however alike their words.
    func namesOtherVersions(_ left: Int, _ right: Int) -> Bool {
        let a = versions[left]
        let b = versions[right]
        for (word, numbers) in a.count <= b.count ? a : b {
            if let others = (a.count <= b.count ? b : a)[word], others.isDisjoint(with: numbers) { return true }
        }
        return false
    }

    static func versions(in title: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var previous: String?
        for token in Tokenizer.tokens(title) {
            let isNumber = token.text.first?.isNumber == true
            if isNumber, let word = previous, !StopWords.english.contains(word) { result[word, default: []].insert(token.text) }
            previous = isNumber ? nil : token.text
        }
        return result
    }

    func cosine(_ left: Int, _ right: Int) -> Double {
        let a = vectors[left]
        let b = vectors[right]
        var i = 0
        var j = 0
        var sum = 0.0
        while i < a.count, j < b.count {
            if a[i].term == b[j].term {
                sum += a[i].weight * b[j].weight
                i += 1
                j += 1
            } else if a[i].term < b[j].term {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// The words that tell stories apart: lower-cased, stop words out, numbers kept.
    static func words(_ text: String) -> [String] {
        Tokenizer.tokens(text).compactMap { token in
            StopWords.english.contains(token.text) ? nil : token.text
        }
    }
}
