import AINewsCore
import Glibc

/// Turns a document's raw bytes, chunk by chunk, into UTF-8, so that libxml2 never has to guess.
///
/// The encoding is decided once, from the first kilobyte: a charset in the HTTP Content-Type wins,
/// then a byte-order mark, then the XML declaration, else UTF-8 (RFC 7303). ISO-8859-1 and
/// US-ASCII are read as windows-1252, their superset, because feeds that say Latin-1 routinely
/// carry curly quotes from windows-1252. Bytes that do not decode are never fatal: a bad UTF-8
/// byte is read as windows-1252, other undecodable bytes become U+FFFD, and a problem is noted.
struct DocumentDecoder {
    /// What was decided about the document's bytes.
    enum Kind { case xml, json }

    private(set) var encodingName = "utf-8"
    private(set) var kind: Kind = .xml
    private(set) var problems: [String] = []
    private(set) var isDecided = false

    private let httpCharset: String?
    private var pending: [UInt8] = []
    private var converter: Converter = .utf8
    private var iconvHandle: iconv_t?
    private var reportedBadByte = false
    /// Input bytes iconv has converted in earlier chunks: where the current input starts.
    private var iconvOffset = 0
    private var bomLength = 0

    /// `windows1252OrUTF8`: a document labelled with a single-byte Western encoding whose bytes
    /// may be UTF-8 after all (a server's default `charset=iso-8859-1`, a copied declaration):
    /// valid UTF-8 sequences are read as UTF-8, every other byte as windows-1252. Genuine Latin-1
    /// text almost never forms a valid multi-byte UTF-8 sequence, so both kinds read right.
    private enum Converter { case utf8, windows1252OrUTF8, iconv }

    /// How many bytes are gathered before the encoding is decided.
    static let sniffLength = 1024

    init(httpCharset: String?) {
        self.httpCharset = httpCharset.map { $0.trimmingQuotes().lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Closes the iconv descriptor, if one was opened. Call exactly once.
    mutating func close() {
        if let handle = iconvHandle {
            iconv_close(handle)
            iconvHandle = nil
        }
    }

    /// Appends UTF-8 output for `chunk` to `output`. Before the encoding is decided nothing is
    /// written; `isFinal` forces the decision and flushes what is held back.
    mutating func decode(_ chunk: UnsafeRawBufferPointer, isFinal: Bool, into output: inout [UInt8]) {
        if !isDecided {
            if pending.isEmpty, chunk.count >= Self.sniffLength {
                // The first chunk is long enough to decide from without copying it.
                decide(from: Array(chunk.prefix(Self.sniffLength)))
                let bom = bomLength
                convert(UnsafeRawBufferPointer(rebasing: chunk[bom...]), isFinal: isFinal, into: &output)
                return
            }
            pending.append(contentsOf: chunk)
            guard pending.count >= Self.sniffLength || isFinal else { return }
            decide(from: pending)
            let held = Array(pending[bomLength...])
            pending = []
            held.withUnsafeBytes { convert($0, isFinal: isFinal, into: &output) }
            return
        }
        convert(chunk, isFinal: isFinal, into: &output)
    }

    // MARK: - Deciding

    /// Decides the encoding from the first bytes, and how many of them are a byte-order mark.
    private mutating func decide(from bytes: [UInt8]) {
        isDecided = true
        var detected: String?
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            detected = "utf-8"
            bomLength = 3
        } else if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            detected = "utf-32be"
            bomLength = 4
        } else if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            detected = "utf-32le"
            bomLength = 4
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            detected = "utf-16be"
            bomLength = 2
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            detected = "utf-16le"
            bomLength = 2
        } else if bytes.starts(with: [0x00, 0x00, 0x00, 0x3C]) {
            detected = "utf-32be"
        } else if bytes.starts(with: [0x3C, 0x00, 0x00, 0x00]) {
            detected = "utf-32le"
        } else if bytes.starts(with: [0x00, 0x3C, 0x00, 0x3F]) || bytes.starts(with: [0x00, 0x3C, 0x00]) {
            detected = "utf-16be"
        } else if bytes.starts(with: [0x3C, 0x00, 0x3F, 0x00]) || bytes.starts(with: [0x3C, 0x00]) {
            detected = "utf-16le"
        }
        let afterBOM = bytes[bomLength...]
        let firstByte = afterBOM.first { !Self.isXMLSpace($0) }
        if detected == nil, firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") {
            kind = .json
        }

        var chosen: String
        if let detected, detected != "utf-8" || bomLength > 0 {
            // A byte-order mark or a UTF-16/32 pattern cannot be mislabelled by a header.
            chosen = detected
        } else if let httpCharset {
            chosen = httpCharset
        } else if kind == .xml, let declared = Self.declaredEncoding(in: afterBOM) {
            chosen = declared
        } else {
            chosen = "utf-8"
        }
        chosen = Self.canonicalName(chosen)
        if detected == nil, chosen.hasPrefix("utf-16") || chosen.hasPrefix("utf-32") {
            // The bytes are ASCII-compatible, whatever the label says.
            problems.append("document declares \(chosen) but its bytes are ASCII-compatible; read as utf-8")
            chosen = "utf-8"
        }
        encodingName = chosen
        open(chosen)
    }

    private mutating func open(_ name: String) {
        switch name {
        case "utf-8":
            converter = .utf8
        case "windows-1252", "iso-8859-1", "us-ascii":
            converter = .windows1252OrUTF8
        default:
            let sourceName = Self.iconvName(for: name)
            let handle = iconv_open("UTF-8", sourceName)
            if handle == iconv_t(bitPattern: -1) {
                problems.append("unknown encoding '\(name)'; read as utf-8")
                encodingName = "utf-8"
                converter = .utf8
            } else {
                iconvHandle = handle
                converter = .iconv
            }
        }
    }

    /// The `encoding` pseudo-attribute of a leading `<?xml …?>`, read from ASCII-compatible bytes.
    static func declaredEncoding(in bytes: ArraySlice<UInt8>) -> String? {
        var start = bytes.startIndex
        while start < bytes.endIndex, isXMLSpace(bytes[start]) { start += 1 }
        guard bytes[start...].starts(with: "<?xml".utf8), let end = bytes[start...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let declaration = bytes[start..<end]
        guard var position = declaration.firstRange(ofLiteral: "encoding")?.upperBound else { return nil }
        while position < declaration.endIndex,
            declaration[position] == UInt8(ascii: " ") || declaration[position] == UInt8(ascii: "=") || declaration[position] == UInt8(ascii: "\t")
        {
            position += 1
        }
        guard position < declaration.endIndex, declaration[position] == UInt8(ascii: "\"") || declaration[position] == UInt8(ascii: "'") else {
            return nil
        }
        let quote = declaration[position]
        let valueStart = position + 1
        let valueEnd = declaration[valueStart...].firstIndex(of: quote) ?? declaration.endIndex
        return valueEnd > valueStart ? String(decoding: declaration[valueStart..<valueEnd], as: UTF8.self).lowercased() : nil
    }

    static func canonicalName(_ label: String) -> String {
        let name = label.lowercased().trimmingQuotes()
        switch name {
        case "utf8", "unicode-1-1-utf-8", "utf-8": return "utf-8"
        case "latin1", "latin-1", "iso8859-1", "iso_8859-1", "iso-8859-1", "l1", "iso-ir-100", "cp819", "ibm819":
            return "iso-8859-1"
        case "cp1252", "windows-1252", "x-cp1252": return "windows-1252"
        case "ascii", "us-ascii", "ansi_x3.4-1968", "iso646-us": return "us-ascii"
        case "utf16", "utf-16": return "utf-16"
        case "utf16le", "utf-16le": return "utf-16le"
        case "utf16be", "utf-16be": return "utf-16be"
        case "utf32", "utf-32": return "utf-32"
        case "utf32le", "utf-32le": return "utf-32le"
        case "utf32be", "utf-32be": return "utf-32be"
        case "sjis", "shift-jis", "x-sjis", "ms_kanji", "csshiftjis": return "shift_jis"
        case "ks_c_5601-1987", "korean", "csksc56011987": return "euc-kr"
        default: return name
        }
    }

    /// The name iconv knows a decoder by; supersets where the label is commonly too narrow.
    static func iconvName(for name: String) -> String {
        switch name {
        case "gb2312", "gbk": return "GB18030"
        case "euc-kr": return "CP949"
        case "shift_jis": return "CP932"
        case "big5": return "BIG5-HKSCS"
        case "iso-8859-9": return "WINDOWS-1254"
        case "tis-620", "iso-8859-11": return "WINDOWS-874"
        default: return name.uppercased()
        }
    }

    static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    // MARK: - Converting

    private mutating func convert(_ chunk: UnsafeRawBufferPointer, isFinal: Bool, into output: inout [UInt8]) {
        switch converter {
        case .utf8, .windows1252OrUTF8: convertUTF8(chunk, isFinal: isFinal, into: &output)
        case .iconv: convertIconv(chunk, isFinal: isFinal, into: &output)
        }
    }

    private mutating func convertUTF8(_ chunk: UnsafeRawBufferPointer, isFinal: Bool, into output: inout [UInt8]) {
        if pending.isEmpty {
            convertUTF8(chunk.assumingMemoryBound(to: UInt8.self), isFinal: isFinal, into: &output)
        } else {
            var input = pending
            pending = []
            input.append(contentsOf: chunk)
            input.withUnsafeBufferPointer { convertUTF8($0, isFinal: isFinal, into: &output) }
        }
    }

    /// Copies valid UTF-8 in runs; repairs C1 controls and invalid bytes (as windows-1252) one at a
    /// time.
    private mutating func convertUTF8(_ input: UnsafeBufferPointer<UInt8>, isFinal: Bool, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count)
        var index = 0
        var runStart = 0
        let count = input.count
        func flushRun(_ end: Int) {
            if end > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<end])) }
        }
        while index < count {
            index = ByteScan.firstNonASCII(input, from: index)
            guard index < count else { break }
            let lead = input[index]
            let length = Self.utf8SequenceLength(lead)
            if length > 0, index + length > count, !isFinal {
                flushRun(index)
                pending = Array(input[index...])
                return
            }
            if length > 0, index + length <= count, Self.isValidUTF8(input, at: index, length: length) {
                if lead == 0xC2, input[index + 1] < 0xA0 {
                    // A C1 control is a windows-1252 character that was decoded as Latin-1 upstream.
                    flushRun(index)
                    Self.appendUTF8(Self.windows1252High[Int(input[index + 1] - 0x80)], to: &output)
                    index += 2
                    runStart = index
                    continue
                }
                if converter == .windows1252OrUTF8, !reportedBadByte {
                    problems.append("labelled \(encodingName) but holds UTF-8; read as utf-8")
                    encodingName = "utf-8"
                    reportedBadByte = true
                }
                index += length
                continue
            }
            flushRun(index)
            if converter == .utf8, !reportedBadByte {
                problems.append("byte 0x\(String(lead, radix: 16, uppercase: true)) is not UTF-8; read as windows-1252")
                reportedBadByte = true
            }
            Self.appendWindows1252(lead, to: &output)
            index += 1
            runStart = index
        }
        flushRun(count)
    }

    private mutating func convertIconv(_ chunk: UnsafeRawBufferPointer, isFinal: Bool, into output: inout [UInt8]) {
        var input = pending
        pending = []
        input.append(contentsOf: chunk)
        guard let handle = iconvHandle else { return }
        var buffer = [UInt8](repeating: 0, count: max(256, input.count * 4))
        var consumed = 0
        defer { iconvOffset += consumed }
        while consumed < input.count {
            var status = 0
            var inLeft = input.count - consumed
            var outLeft = buffer.count
            let used: Int = input.withUnsafeMutableBufferPointer { inBuffer in
                buffer.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + consumed)
                        .assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    status = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    return outBuffer.count - outLeft
                }
            }
            output.append(contentsOf: buffer[0..<used])
            consumed = input.count - inLeft
            if status != -1 { break }
            switch errno {
            case E2BIG:
                continue
            case EINVAL where !isFinal:
                pending = Array(input[consumed...])
                return
            default:
                if !reportedBadByte {
                    problems.append("bytes that are not \(encodingName) at offset \(iconvOffset + consumed); replaced by U+FFFD")
                    reportedBadByte = true
                }
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                consumed += 1
                // A stateful encoding (UTF-7, ISO-2022) starts again from its initial shift
                // state after the bad byte, whether the rest arrived with it or in later chunks.
                _ = iconv(handle, nil, nil, nil, nil)
            }
        }
    }

    static func utf8SequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> Bool {
        let lead = bytes[index]
        for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return false }
        let second = bytes[index + 1]
        switch lead {
        case 0xE0: return second >= 0xA0
        case 0xED: return second < 0xA0
        case 0xF0: return second >= 0x90
        case 0xF4: return second < 0x90
        default: return true
        }
    }

    /// windows-1252 as browsers read it: 0x80–0x9F are typographic characters, not C1 controls.
    static func appendWindows1252(_ byte: UInt8, to output: inout [UInt8]) {
        if byte < 0x80 {
            output.append(byte)
            return
        }
        var scalar = UInt32(byte)
        if byte < 0xA0 {
            scalar = windows1252High[Int(byte - 0x80)]
        }
        appendUTF8(scalar, to: &output)
    }

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}

extension String {
    func trimmingQuotes() -> String {
        var text = Substring(self).drop { $0 == " " || $0 == "\"" || $0 == "'" }
        while let last = text.last, last == " " || last == "\"" || last == "'" { text = text.dropLast() }
        return String(text)
    }
}
