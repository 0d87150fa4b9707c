import CLibXML2

/// libxml2's SAX2 push parser with do-nothing callbacks: the ceiling for ainews's parser design,
/// measured by the parse benchmark over the same bytes.
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
}
