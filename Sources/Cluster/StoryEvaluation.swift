/// Pairwise precision and recall of "same story" against hand labels: over every pair of
/// labelled items, were they put together, and should they have been?
public struct StoryEvaluation: Sendable {
    public private(set) var truePairs = 0
    public private(set) var falsePairs = 0
    public private(set) var missedPairs = 0
    public private(set) var items = 0

    /// `predicted[i]` and `expected[i]` are item i's story in the clustering and in the labels.
    public init<Predicted: Hashable, Expected: Hashable>(predicted: [Predicted], expected: [Expected]) {
        precondition(predicted.count == expected.count)
        items = predicted.count
        for left in predicted.indices {
            for right in predicted.indices where right > left {
                switch (predicted[left] == predicted[right], expected[left] == expected[right]) {
                case (true, true): truePairs += 1
                case (true, false): falsePairs += 1
                case (false, true): missedPairs += 1
                case (false, false): break
                }
            }
        }
    }

    public var precision: Double { truePairs + falsePairs == 0 ? 1 : Double(truePairs) / Double(truePairs + falsePairs) }
    public var recall: Double { truePairs + missedPairs == 0 ? 1 : Double(truePairs) / Double(truePairs + missedPairs) }
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
}
