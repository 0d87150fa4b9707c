import CLibXML2

/// libxml2's SAX2 push parser with callbacks that do (next to) nothing: the parse benchmark's two
/// marks for ainews's parser design over the same bytes, the ceiling (callbacks that do nothing)
/// and the floor of any parser that produces values (callbacks that keep each element's text).
public enum BareSAX {
    /// Parses `bytes` with callbacks that do nothing and returns how many elements started.
    public static func parse(_ bytes: [UInt8]) -> Int {
        var handler = XMLPushParser.emptyHandler()
        handler.startElementNs = { context, _, _, _, _, _, _, _, _ in
            context?.assumingMemoryBound(to: Int.self).pointee += 1
        }
        handler.characters = { _, _, _ in }
        handler.endElementNs = { _, _, _, _ in }
        var count = 0
        withUnsafeMutablePointer(to: &count) { pointer in
            let parser = XMLPushParser(handler: &handler, userData: UnsafeMutableRawPointer(pointer))
            bytes.withUnsafeBufferPointer { parser.push($0, isFinal: true) }
        }
        return count
    }

    /// Parses `bytes` with callbacks that only keep each element's text as a `String`, and
    /// returns how many texts were kept: the least that any parser producing Swift values does
    /// over the same bytes, so the benchmark can show how much of the distance to the ceiling
    /// the values alone take.
    public static func parseKeepingText(_ bytes: [UInt8]) -> Int {
        var handler = XMLPushParser.emptyHandler()
        handler.startElementNs = { context, _, _, _, _, _, _, _, _ in
            guard let context else { return }
            Unmanaged<TextKeeper>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.text.removeAll(keepingCapacity: true) }
        }
        handler.characters = { context, characters, length in
            guard let context, let characters else { return }
            Unmanaged<TextKeeper>.fromOpaque(context)._withUnsafeGuaranteedRef {
                $0.text.append(contentsOf: UnsafeBufferPointer(start: characters, count: Int(length)))
            }
        }
        handler.endElementNs = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<TextKeeper>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.keepText() }
        }
        let keeper = TextKeeper()
        let parser = XMLPushParser(handler: &handler, userData: Unmanaged.passUnretained(keeper).toOpaque())
        bytes.withUnsafeBufferPointer { parser.push($0, isFinal: true) }
        return keeper.texts.count
    }

    private final class TextKeeper {
        var text: [UInt8] = []
        var texts: [String] = []

        func keepText() {
            if !text.isEmpty { texts.append(String(decoding: text, as: UTF8.self)) }
            text.removeAll(keepingCapacity: true)
        }
    }
}
