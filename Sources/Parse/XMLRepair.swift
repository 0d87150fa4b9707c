import AINewsCore
import CLibXML2

/// A streaming filter over UTF-8 that repairs what real feeds get wrong before libxml2 reads it.
///
/// libxml2 in recover mode drops every entity reference once a document has had one error, and
/// it rejects HTML entities that feeds use all the time (`&nbsp;`, `&eacute;`). So this filter
/// rewrites references into numeric character references, which libxml2 always honours:
/// the five XML entities, HTML entity names, and internal entities the document declares (one
/// level, with a budget, so an expansion bomb cannot grow). A bare `&` becomes `&amp;`. C0 control
/// characters that XML forbids are dropped. The XML declaration is removed because the text is
/// already UTF-8, whatever it declared. Comments, CDATA sections and processing instructions pass
/// through untouched. Every repair is noted as a problem.
struct XMLRepair {
    private(set) var problems: [String] = []
    private var state: State = .start
    private var carry: [UInt8] = []
    private var declaredEntities: [String: [UInt8]] = [:]
    /// Entities the document declares but that are never expanded, with the reason.
    private var refusedEntities: [String: String] = [:]
    private var doctype: [UInt8] = []
    private var expandedBytes = 0
    private var reportedControl = false
    private var reportedEntities = Set<String>()
    private var reportedBareAmpersand = false
    private var reportedStrayCDATAEnd = false
    private var reportedBrokenDoctype = false

    /// The most bytes of internal-entity text that one document may expand into.
    static let expansionBudget = 1 << 20
    /// The most bytes of DOCTYPE kept to read entity declarations from.
    static let doctypeLimit = 64 * 1024

    private enum State {
        case start, markup, comment, cdata, processingInstruction, doctype(bracketDepth: Int, quote: UInt8?)
        /// After an XML declaration that never ends: nothing more is read.
        case afterBrokenDeclaration
    }

    /// The longest XML declaration looked for: one that has not ended by then never does, and
    /// waiting for it would hold (and search again) the whole document at every chunk.
    static let declarationLimit = 1024

    /// Appends the repaired form of `chunk` to `output`; bytes that need more lookahead are held
    /// until the next call, or flushed as they are when `isFinal`.
    mutating func repair(_ chunk: [UInt8], isFinal: Bool, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + carry.count + chunk.count)
        if carry.isEmpty {
            chunk.withUnsafeBufferPointer { run($0, isFinal: isFinal, into: &output) }
        } else {
            var input = carry
            carry = []
            input.append(contentsOf: chunk)
            input.withUnsafeBufferPointer { run($0, isFinal: isFinal, into: &output) }
        }
    }

    private mutating func run(_ input: UnsafeBufferPointer<UInt8>, isFinal: Bool, into output: inout [UInt8]) {
        var index = 0
        let count = input.count
        func hold(from position: Int) -> Bool {
            if isFinal { return false }
            carry = Array(input[position...])
            return true
        }
        while index < count {
            switch state {
            case .start:
                // Skip a BOM and whitespace, then the XML declaration.
                if input[index] == 0xEF, count - index >= 3, input[index + 1] == 0xBB, input[index + 2] == 0xBF {
                    index += 3
                    continue
                }
                if DocumentDecoder.isXMLSpace(input[index]) {
                    index += 1
                    continue
                }
                if count - index < 6, hold(from: index) { return }
                if Self.matches(input, at: index, "<?xml"), index + 5 < count, DocumentDecoder.isXMLSpace(input[index + 5]) {
                    let window = UnsafeBufferPointer(rebasing: input[..<min(count, index + Self.declarationLimit)])
                    guard let end = Self.find(window, from: index, "?>") else {
                        if count - index < Self.declarationLimit, hold(from: index) { return }
                        state = .afterBrokenDeclaration
                        index = count
                        continue
                    }
                    index = end + 2
                }
                state = .markup
            case .afterBrokenDeclaration:
                index = count
            case .markup:
                // Copy the run of bytes that need no repair in one go.
                let end = ByteScan.first(
                    input, from: index, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: "]"), controls: true, where: { !Self.isPlain($0) })
                if end > index {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<end]))
                    index = end
                    if index == count { break }
                }
                let byte = input[index]
                if byte == UInt8(ascii: "]") {
                    // "]]>" may only end a CDATA section; in text it is an error libxml2 recovers
                    // from differently depending on where a chunk ends.
                    if count - index < 3, hold(from: index) { return }
                    if Self.matches(input, at: index, "]]>") {
                        if !reportedStrayCDATAEnd {
                            problems.append("']]>' outside a CDATA section; read as text")
                            reportedStrayCDATAEnd = true
                        }
                        output.append(literal: "]]&gt;")
                        index += 3
                    } else {
                        output.append(byte)
                        index += 1
                    }
                    continue
                }
                if byte == UInt8(ascii: "&") {
                    guard let consumed = repairReference(input, at: index, isFinal: isFinal, into: &output) else {
                        _ = hold(from: index)
                        return
                    }
                    index += consumed
                    continue
                }
                if byte == UInt8(ascii: "<") {
                    if index + 1 < count, input[index + 1] != UInt8(ascii: "!"), input[index + 1] != UInt8(ascii: "?") {
                        output.append(byte)
                        index += 1
                        continue
                    }
                    if count - index < 9, hold(from: index) { return }
                    if Self.matches(input, at: index, "<!--") {
                        state = .comment
                        output.append(literal: "<!--")
                        index += 4
                        continue
                    }
                    if Self.matches(input, at: index, "<![CDATA[") {
                        state = .cdata
                        output.append(literal: "<![CDATA[")
                        index += 9
                        continue
                    }
                    if Self.matches(input, at: index, "<?") {
                        state = .processingInstruction
                        output.append(literal: "<?")
                        index += 2
                        continue
                    }
                    if Self.matches(input, at: index, "<!DOCTYPE") {
                        state = .doctype(bracketDepth: 0, quote: nil)
                        doctype = Array("<!DOCTYPE".utf8)
                        index += 9
                        continue
                    }
                }
                appendChecked(byte, into: &output)
                index += 1
            case .comment:
                index = copy(input, from: index, until: "-->", into: &output, isFinal: isFinal)
            case .cdata:
                index = copy(input, from: index, until: "]]>", into: &output, isFinal: isFinal)
            case .processingInstruction:
                index = copy(input, from: index, until: "?>", into: &output, isFinal: isFinal)
            case .doctype(let depth, let quote):
                // The declaration is read here for its internal entities and never passed on: ainews
                // needs no DTD, and libxml2 recovers from a broken one differently by chunk.
                let byte = input[index]
                index += 1
                if doctype.count < Self.doctypeLimit { doctype.append(byte) }
                if let quote {
                    if byte == quote {
                        state = .doctype(bracketDepth: depth, quote: nil)
                        continue
                    }
                    // Public and system identifiers never hold a line break or markup: the quote
                    // was never closed.
                    guard depth == 0, byte == 0x0A || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") else { continue }
                    noteBrokenDoctype()
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    state = .doctype(bracketDepth: depth, quote: byte)
                } else if byte == UInt8(ascii: "[") {
                    state = .doctype(bracketDepth: depth + 1, quote: nil)
                } else if byte == UInt8(ascii: "]") {
                    state = .doctype(bracketDepth: max(0, depth - 1), quote: nil)
                } else if byte == UInt8(ascii: ">"), depth == 0 {
                    readEntityDeclarations()
                    doctype = []
                    state = .markup
                } else if quote != nil {
                    state = .doctype(bracketDepth: depth, quote: nil)
                }
            }
        }
        if isFinal, case .doctype = state {
            noteBrokenDoctype()
        }
    }

    /// Copies bytes up to and including `terminator`, returning the index after it, or the end of
    /// the input (keeping the state) when the terminator has not arrived yet.
    private mutating func copy(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, until terminator: StaticString, into output: inout [UInt8], isFinal: Bool
    ) -> Int {
        let terminatorLength = terminator.utf8CodeUnitCount
        if let end = Self.find(input, from: start, terminator) {
            appendChecked(input, start..<(end + terminatorLength), into: &output)
            state = .markup
            return end + terminatorLength
        }
        // Keep a possible partial terminator for the next chunk.
        let keep = isFinal ? 0 : min(terminatorLength - 1, input.count - start)
        appendChecked(input, start..<(input.count - keep), into: &output)
        if keep > 0 { carry = Array(input[(input.count - keep)...]) }
        return input.count
    }

    /// Appends a range in runs, dropping forbidden control characters.
    private mutating func appendChecked(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: inout [UInt8]) {
        var index = range.lowerBound
        while index < range.upperBound {
            let bounded = UnsafeBufferPointer(rebasing: input[..<range.upperBound])
            let end = ByteScan.first(bounded, from: index, 0, 0, 0, controls: true, where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<end]))
            if end < range.upperBound { appendChecked(input[end], into: &output) }
            index = end + 1
        }
    }

    private mutating func appendChecked(_ byte: UInt8, into output: inout [UInt8]) {
        if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
            if !reportedControl {
                problems.append("control character 0x\(String(byte, radix: 16)) is not allowed in XML; dropped")
                reportedControl = true
            }
            return
        }
        output.append(byte)
    }

    /// Repairs the reference at `start` (which holds `&`) and returns how many input bytes it
    /// used, or nil when more input is needed to tell.
    private mutating func repairReference(
        _ input: UnsafeBufferPointer<UInt8>, at start: Int, isFinal: Bool, into output: inout [UInt8]
    ) -> Int? {
        let maxNameLength = 40
        var index = start + 1
        let count = input.count
        if index < count, input[index] == UInt8(ascii: "#") {
            index += 1
            var isHex = false
            if index < count, input[index] == UInt8(ascii: "x") || input[index] == UInt8(ascii: "X") {
                isHex = true
                index += 1
            }
            let digitsStart = index
            while index < count, index - start < maxNameLength, Self.isDigit(input[index], hex: isHex) { index += 1 }
            if index == count, !isFinal { return nil }
            if index > digitsStart, index < count, input[index] == UInt8(ascii: ";") {
                let digits = String(decoding: input[digitsStart..<index], as: UTF8.self)
                let value = UInt32(digits, radix: isHex ? 16 : 10) ?? 0xFFFD
                appendCharacterReference(Self.fixedCodePoint(value), into: &output)
                return index + 1 - start
            }
            noteBareAmpersand()
            output.append(literal: "&amp;")
            return 1
        }
        while index < count, index - start < maxNameLength, Self.isNameByte(input[index]) { index += 1 }
        if index == count, !isFinal { return nil }
        let name = String(decoding: input[(start + 1)..<index], as: UTF8.self)
        guard !name.isEmpty, index < count, input[index] == UInt8(ascii: ";") else {
            noteBareAmpersand()
            output.append(literal: "&amp;")
            return 1
        }
        let consumed = index + 1 - start
        switch name {
        case "amp": appendCharacterReference(38, into: &output)
        case "lt": appendCharacterReference(60, into: &output)
        case "gt": appendCharacterReference(62, into: &output)
        case "quot": appendCharacterReference(34, into: &output)
        case "apos": appendCharacterReference(39, into: &output)
        default:
            if let replacement = declaredEntities[name] {
                if expandedBytes + replacement.count <= Self.expansionBudget {
                    expandedBytes += replacement.count
                    output.append(contentsOf: replacement)
                } else {
                    noteEntity(name, "entity &\(name); exceeds the expansion budget; dropped")
                }
            } else if let reason = refusedEntities[name] {
                noteEntity(name, "entity &\(name); \(reason); kept as text")
                output.append(literal: "&amp;")
                output.append(contentsOf: input[(start + 1)..<(start + consumed)])
            } else if let codePoint = Self.htmlEntity(name) {
                noteEntity(name, "undefined entity &\(name); read as the HTML entity")
                appendCharacterReference(codePoint, into: &output)
            } else {
                noteEntity(name, "undefined entity &\(name); kept as text")
                output.append(literal: "&amp;")
                output.append(contentsOf: input[(start + 1)..<(start + consumed)])
            }
        }
        return consumed
    }

    private mutating func noteBrokenDoctype() {
        if !reportedBrokenDoctype {
            problems.append("the DOCTYPE declaration is not well-formed")
            reportedBrokenDoctype = true
        }
    }

    private mutating func noteBareAmpersand() {
        if !reportedBareAmpersand {
            problems.append("bare '&' is not allowed in XML; read as '&amp;'")
            reportedBareAmpersand = true
        }
    }

    private mutating func noteEntity(_ name: String, _ message: String) {
        if reportedEntities.count < 20, reportedEntities.insert(name).inserted {
            problems.append(message)
        }
    }

    private func appendCharacterReference(_ codePoint: UInt32, into output: inout [UInt8]) {
        output.append(literal: "&#")
        output.append(contentsOf: String(codePoint).utf8)
        output.append(UInt8(ascii: ";"))
    }

    /// Character references to C1 controls mean the windows-1252 character, as in HTML; those to
    /// characters XML forbids become U+FFFD.
    static func fixedCodePoint(_ value: UInt32) -> UInt32 {
        switch value {
        case 0x80...0x9F: return DocumentDecoder.windows1252High[Int(value - 0x80)]
        case 0x09, 0x0A, 0x0D: return value
        case 0..<0x20, 0xD800...0xDFFF, 0xFFFE, 0xFFFF: return 0xFFFD
        case 0x110000...: return 0xFFFD
        default: return value
        }
    }

    /// Reads `<!ENTITY name "value">` declarations (internal, general) from the DOCTYPE, as bytes:
    /// read as a String's Characters they were a sixth of parsing the test fixtures, and a line
    /// break written CR LF (one Character) was not taken for the space around a name.
    private mutating func readEntityDeclarations() {
        doctype.withUnsafeBufferPointer { text in
            func skipSpace(from start: Int) -> Int {
                var index = start
                while index < text.count, DocumentDecoder.isXMLSpace(text[index]) { index += 1 }
                return index
            }
            var searchFrom = 0
            while let keyword = Self.find(text, from: searchFrom, "<!ENTITY") {
                searchFrom = keyword + 8
                let nameStart = skipSpace(from: searchFrom)
                if nameStart < text.count, text[nameStart] == UInt8(ascii: "%") { continue }
                var nameEnd = nameStart
                while nameEnd < text.count, !DocumentDecoder.isXMLSpace(text[nameEnd]) { nameEnd += 1 }
                guard nameEnd > nameStart else { continue }
                let name = String(decoding: UnsafeBufferPointer(rebasing: text[nameStart..<nameEnd]), as: UTF8.self)
                let valueStart = skipSpace(from: nameEnd)
                guard valueStart < text.count, text[valueStart] == UInt8(ascii: "\"") || text[valueStart] == UInt8(ascii: "'") else {
                    refusedEntities[name] = "is external and is never loaded"
                    continue
                }
                let quote = text[valueStart]
                var valueEnd = valueStart + 1
                while valueEnd < text.count, text[valueEnd] != quote { valueEnd += 1 }
                let literal = UnsafeBufferPointer(rebasing: text[(valueStart + 1)..<valueEnd])
                if literal.contains(UInt8(ascii: "&")) || literal.contains(UInt8(ascii: "<")) {
                    refusedEntities[name] = "refers to other entities or markup and is not expanded"
                } else if declaredEntities[name] == nil {
                    declaredEntities[name] = Array(literal)
                }
            }
        }
    }

    static func htmlEntity(_ name: String) -> UInt32? {
        let description = name.withCString { htmlEntityLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
        if let description { return UInt32(description.pointee.value) }
        // Common names HTML 4 lacks but feeds use.
        switch name {
        case "apos": return 39
        case "hellip": return 0x2026
        default: return nil
        }
    }

    /// Bytes that never start a repair: not `&`, `<` or `]`, not a C0 control.
    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool {
        byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: "]")
            && (byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D)
    }

    static func matches(_ input: UnsafeBufferPointer<UInt8>, at index: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard input.count - index >= length else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<length where input[index + offset] != pointer[offset] { return false }
        return true
    }

    static func find(_ input: UnsafeBufferPointer<UInt8>, from start: Int, _ literal: StaticString) -> Int? {
        let length = literal.utf8CodeUnitCount
        let first = literal.utf8Start[0]
        var index = start
        while index + length <= input.count {
            index = ByteScan.first(input, from: index, first, first, first, controls: false, where: { $0 == first })
            guard index + length <= input.count else { return nil }
            if matches(input, at: index, literal) { return index }
            index += 1
        }
        return nil
    }

    static func isDigit(_ byte: UInt8, hex: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return hex
        default: return false
        }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"): return true
        default: return byte >= 0x80
        }
    }
}
