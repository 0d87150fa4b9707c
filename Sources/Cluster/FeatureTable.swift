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
    private var times: [Int64] = []

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
            for model in candidate.models {
                let term = intern("\u{1}" + model)
                if weights[term] == nil { titleTerms.append(term) }
                weights[term] = 3
            }
            raw.append(weights)
            keys.append(titleTerms)
        }
        var documentFrequency = [Int](repeating: 0, count: terms.count)
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

    /// For each title term or model, the candidates that have it, in time order.
    func postings() -> [[Int]] {
        var lists: [Int32: [Int]] = [:]
        for (index, terms) in keys.enumerated() {
            for term in terms { lists[term, default: []].append(index) }
        }
        return lists.sorted { $0.key < $1.key }.compactMap { _, members in
            members.count > 1 ? members.sorted { (times[$0], $0) < (times[$1], $1) } : nil
        }
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
