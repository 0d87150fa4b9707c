import AINewsCore

/// Escaping for text and attribute values that the parser writes back out as markup.
enum HTMLEscaping {
    static func appendEscapedText(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        appendEscaped(bytes, to: &output, quotes: false)
    }

    static func appendEscapedAttribute(_ value: String, to output: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendEscapedAttribute($0, to: &output) }
    }

    static func appendEscapedAttribute(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        appendEscaped(bytes, to: &output, quotes: true)
    }

    /// Copies runs of ordinary bytes whole (found a word at a time) and escapes `&`, `<`, `>`
    /// and, in attribute values, `"`.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8], quotes: Bool) {
        let quote = quotes ? UInt8(ascii: "\"") : UInt8(ascii: "&")
        var index = 0
        while index < bytes.count {
            let special = ByteScan.first(bytes, from: index, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), quote, controls: false) {
                $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == quote
            }
            if special > index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<special])) }
            guard special < bytes.count else { return }
            switch bytes[special] {
            case UInt8(ascii: "&"): output.append(literal: "&amp;")
            case UInt8(ascii: "<"): output.append(literal: "&lt;")
            case UInt8(ascii: ">"): output.append(literal: "&gt;")
            default: output.append(literal: "&quot;")
            }
            index = special + 1
        }
    }

    /// Escapes text for HTML output (renderers of digests use it too).
    public static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        appendEscapedAttribute(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}

/// Base64 for Atom 0.3's `mode="base64"`.
enum Base64 {
    static func decodeToString(_ text: String) -> String? {
        var values: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - 65
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - 71
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte + 4
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                values.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return String(validating: values, as: UTF8.self)
    }
}
