/// Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix of predicted tags
/// against hand labels.
public struct TagEvaluation: Sendable {
    public typealias Label = TagResult.Label

    /// counts[expected][predicted]
    public private(set) var counts: [Label: [Label: Int]] = [:]
    public private(set) var total = 0

    public init() {}

    public mutating func record(expected: Label, predicted: Label) {
        counts[expected, default: [:]][predicted, default: 0] += 1
        total += 1
    }

    public func count(expected: Label, predicted: Label) -> Int {
        counts[expected]?[predicted] ?? 0
    }

    public var accuracy: Double {
        guard total > 0 else { return 0 }
        return Double(Label.allCases.reduce(0) { $0 + count(expected: $1, predicted: $1) }) / Double(total)
    }

    public func precision(_ label: Label) -> Double {
        let predicted = Label.allCases.reduce(0) { $0 + count(expected: $1, predicted: label) }
        return predicted == 0 ? 0 : Double(count(expected: label, predicted: label)) / Double(predicted)
    }

    public func recall(_ label: Label) -> Double {
        let expected = Label.allCases.reduce(0) { $0 + count(expected: label, predicted: $1) }
        return expected == 0 ? 0 : Double(count(expected: label, predicted: label)) / Double(expected)
    }

    public func f1(_ label: Label) -> Double {
        let p = precision(label)
        let r = recall(label)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The mean F1 over the classes that occur in the labels.
    public var macroF1: Double {
        let present = Label.allCases.filter { label in Label.allCases.contains { count(expected: label, predicted: $0) > 0 } }
        guard !present.isEmpty else { return 0 }
        return present.reduce(0) { $0 + f1($1) } / Double(present.count)
    }

    /// A plain-text report: the figures, then the confusion matrix (rows: labelled, columns: predicted).
    public var report: String {
        func format(_ value: Double) -> String {
            let scaled = Int((value * 1000).rounded())
            return "\(scaled / 1000).\(String(repeating: "0", count: 3 - String(scaled % 1000).count))\(scaled % 1000)"
        }
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        func left(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        var lines = ["items     \(total)", "accuracy  \(format(accuracy))", "macro-F1  \(format(macroF1))", "", "class     precision  recall     F1"]
        for label in Label.allCases {
            lines.append(
                left(label.rawValue, 10) + pad(format(precision(label)), 9) + pad(format(recall(label)), 8)
                    + pad(format(f1(label)), 8))
        }
        lines += ["", "confusion (rows: labelled, columns: predicted)", "          " + Label.allCases.map { pad($0.rawValue, 7) }.joined()]
        for expected in Label.allCases {
            lines.append(
                left(expected.rawValue, 10)
                    + Label.allCases.map { pad(String(count(expected: expected, predicted: $0)), 7) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
