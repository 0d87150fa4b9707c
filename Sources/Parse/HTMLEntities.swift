/// Decodes HTML character and entity references in attribute values and text that did not pass
/// through an XML parser.
enum HTMLEntities {
    static func decodeAttribute(_ text: String) -> String {
        guard text.containsByte(UInt8(ascii: "&")) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "&") else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index + 1
            let isNumeric = end < bytes.count && bytes[end] == UInt8(ascii: "#")
            if isNumeric { end += 1 }
            var isHex = false
            if isNumeric, end < bytes.count, bytes[end] == UInt8(ascii: "x") || bytes[end] == UInt8(ascii: "X") {
                isHex = true
                end += 1
            }
            let start = end
            while end < bytes.count, end - start < 32, XMLRepair.isNameByte(bytes[end]), bytes[end] != UInt8(ascii: ":") { end += 1 }
            let name = String(decoding: bytes[start..<end], as: UTF8.self)
            let hasSemicolon = end < bytes.count && bytes[end] == UInt8(ascii: ";")
            var codePoint: UInt32?
            if isNumeric {
                codePoint = UInt32(name, radix: isHex ? 16 : 10).map(XMLRepair.fixedCodePoint)
            } else if !name.isEmpty {
                codePoint = XMLRepair.htmlEntity(name)
            }
            guard let codePoint, hasSemicolon || isNumeric else {
                output.append(bytes[index])
                index += 1
                continue
            }
            DocumentDecoder.appendUTF8(codePoint, to: &output)
            index = hasSemicolon ? end + 1 : end
        }
        return String(decoding: output, as: UTF8.self)
    }
}
