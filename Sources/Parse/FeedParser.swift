import AINewsCore
import CLibXML2

/// Why a document could not be read as a feed at all. A feed that is merely broken still parses
/// (with `bozo` set); these are for input that is no feed.
public enum FeedParseError: Error, Equatable, CustomStringConvertible {
    case empty
    case notAFeed(String)
    case binary
    case tooLarge(limit: Int)
    case tooDeep(limit: Int)
    case invalidJSONFeed(String)

    public var description: String {
        switch self {
        case .empty: return "not a feed: the document is empty"
        case .notAFeed(let reason): return "not a feed: \(reason)"
        case .binary: return "not a feed: binary data"
        case .tooLarge(let limit): return "document larger than the \(limit)-byte limit"
        case .tooDeep(let limit): return "elements nest deeper than the limit of \(limit)"
        case .invalidJSONFeed(let reason): return "not a feed: \(reason)"
        }
    }
}

/// Parses RSS 0.90–2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1 into a `ParsedFeed`.
///
/// Bytes can arrive in chunks (`append(_:)`, then `finish()`), so the fetcher streams a response
/// body straight in; `parse(_:)` does both for a whole document. XML goes through libxml2's SAX2
/// push parser in recover mode after `DocumentDecoder` (to UTF-8) and `XMLRepair` (entities,
/// control characters); JSON is gathered and decoded at the end.
///
/// ```swift
/// let feed = try FeedParser(configuration: .init(baseURL: "https://example.org/feed")).parse(bytes)
/// print(feed.entries.map(\.title))
/// ```
public final class FeedParser {
    public struct Configuration: Sendable {
        /// The document's own location, which relative links resolve against.
        public var baseURL: String?
        /// The HTTP Content-Type, whose charset wins over the XML declaration.
        public var contentType: String?
        /// The most input bytes accepted; past it, parsing stops with `.tooLarge`.
        public var maxInputBytes: Int
        /// The deepest element nesting accepted.
        public var maxDepth: Int
        /// Whether well-formed UTF-8 may skip the repair passes (see `Mode`); tests turn it off
        /// to check that both reads give the same feed.
        var readsOptimistically = true

        public init(baseURL: String? = nil, contentType: String? = nil, maxInputBytes: Int = 32 << 20, maxDepth: Int = 200) {
            self.baseURL = baseURL
            self.contentType = contentType
            self.maxInputBytes = maxInputBytes
            self.maxDepth = maxDepth
        }
    }

    private let configuration: Configuration
    private var decoder: DocumentDecoder
    private var repair = XMLRepair()
    /// The SAX receiver (and its builder) of the current read, made with its parser
    /// (`startParser`): each read needs its own, and none exists before the first.
    private var receiver: SAXReceiver?
    private var parser: XMLPushParser?
    /// How the document is being read: see `Mode`.
    private var mode = Mode.undecided
    /// Every byte so far while reading optimistically, to read again carefully if need be.
    private var history: [UInt8] = []
    /// Problems known before any byte is read (a Content-Type that is no feed type).
    private var headerProblems: [String] = []

    /// Well-formed UTF-8, the common case, goes to libxml2 as it is (`optimistic`); anything
    /// libxml2 would complain about, or that it would read differently from ainews (a DOCTYPE,
    /// C1 control characters, references to them), makes the parser start again on the same
    /// bytes through `DocumentDecoder` and `XMLRepair` (`careful`). The result is the same
    /// either way; the optimistic read only skips two passes over the bytes.
    private enum Mode { case undecided, optimistic, careful }
    private var jsonBytes: [UInt8] = []
    private var inputCount = 0
    private var sawNonSpace = false
    private var sawBinary = false
    private var decoded: [UInt8] = []
    private var repaired: [UInt8] = []

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        if let mediaType = configuration.contentType?.split(separator: ";").first?.trimmed().lowercased(), !mediaType.isEmpty,
            !(mediaType.contains("xml") || mediaType.contains("rss") || mediaType.contains("atom") || mediaType.contains("json")
                || mediaType == "application/octet-stream")
        {
            headerProblems.append("served as \(mediaType), which is not a feed type")
        }
        decoder = DocumentDecoder(httpCharset: Self.charset(in: configuration.contentType))
    }

    deinit {
        decoder.close()
    }

    /// Whether the root element read so far is a feed's (RSS, RDF or Atom): the document is no
    /// HTML page, whatever else may be wrong with it.
    public var hasFeedRoot: Bool { receiver?.builder.format != nil }

    /// Parses a whole document.
    public func parse(_ bytes: [UInt8]) throws -> ParsedFeed {
        try append(bytes)
        return try finish()
    }

    /// Feeds the next chunk of the document.
    public func append(_ bytes: [UInt8]) throws {
        guard mode == .undecided, history.isEmpty, bytes.count <= configuration.maxInputBytes else {
            try bytes.withUnsafeBytes { try append($0) }
            return
        }
        // The first chunk is kept by sharing the caller's storage rather than copying it.
        inputCount = bytes.count
        history = bytes
        try process(UnsafeRawBufferPointer(start: nil, count: 0), isFinal: false)
    }

    /// Feeds the next chunk of the document without copying it.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        inputCount += bytes.count
        guard inputCount <= configuration.maxInputBytes else {
            throw FeedParseError.tooLarge(limit: configuration.maxInputBytes)
        }
        try process(bytes, isFinal: false)
    }

    /// Ends the document and returns the feed.
    public func finish() throws -> ParsedFeed {
        try process(UnsafeRawBufferPointer(start: nil, count: 0), isFinal: true)
        guard sawNonSpace else { throw FeedParseError.empty }
        if decoder.kind == .json {
            var feed = try JSONFeedParser.parse(jsonBytes, baseURL: configuration.baseURL)
            feed.encoding = decoder.encodingName
            feed.problems = decoder.problems + feed.problems
            feed.bozo = feed.bozo || !decoder.problems.isEmpty
            return feed
        }
        try throwIfNoFeed()
        let errors = receiver?.errors ?? headerProblems
        guard let builder = receiver?.builder,
            let feed = builder.result(encoding: decoder.encodingName, problems: decoder.problems + repair.problems + errors)
        else {
            if sawBinary { throw FeedParseError.binary }
            throw FeedParseError.notAFeed(errors.first.map { "no XML root element (\($0))" } ?? "no XML root element")
        }
        return feed
    }

    private func process(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) throws {
        switch mode {
        case .careful:
            try readCarefully(bytes, isFinal: isFinal)
        case .optimistic:
            let start = history.count
            if !bytes.isEmpty { history.append(contentsOf: bytes) }
            try readOptimistically(from: start, isFinal: isFinal)
        case .undecided:
            if !bytes.isEmpty { history.append(contentsOf: bytes) }
            guard history.count >= DocumentDecoder.sniffLength || isFinal else { return }
            // Decide from the first bytes alone, as the decoder will.
            var probe = DocumentDecoder(httpCharset: Self.charset(in: configuration.contentType))
            var ignored: [UInt8] = []
            history.prefix(DocumentDecoder.sniffLength).withUnsafeBytes {
                probe.decode($0, isFinal: isFinal && history.count <= DocumentDecoder.sniffLength, into: &ignored)
            }
            probe.close()
            if configuration.readsOptimistically, probe.isDecided, probe.kind == .xml, probe.encodingName == "utf-8", probe.problems.isEmpty,
                headerProblems.isEmpty
            {
                mode = .optimistic
                try readOptimistically(from: 0, isFinal: isFinal)
            } else {
                mode = .careful
                let all = history
                history = []
                try all.withUnsafeBytes { try readCarefully($0, isFinal: isFinal) }
            }
        }
        try throwIfNoFeed()
    }

    /// Throws when what the read has seen settles that the document is no feed it will read: its
    /// elements nest too deep, or its root is not a feed's.
    private func throwIfNoFeed() throws {
        guard let builder = receiver?.builder else { return }
        if builder.isTooDeep { throw FeedParseError.tooDeep(limit: configuration.maxDepth) }
        if let rejection = builder.rejection { throw FeedParseError.notAFeed(rejection) }
    }

    /// Pushes `history[start...]` to libxml2 as it is, unless it holds what only the careful
    /// read handles; falls back to the careful read when libxml2 reports anything.
    private func readOptimistically(from start: Int, isFinal: Bool) throws {
        let needsRepair = history.withUnsafeBufferPointer { Self.hasWindows1252Controls($0, from: max(0, start - 12)) }
        if needsRepair {
            try readAgainCarefully(isFinal: isFinal)
            return
        }
        var begin = start
        if parser == nil {
            // What XMLRepair would skip: a byte-order mark and whitespace before the declaration.
            if history.starts(with: [0xEF, 0xBB, 0xBF]) { begin = 3 }
            while begin < history.count, DocumentDecoder.isXMLSpace(history[begin]) { begin += 1 }
            guard begin < history.count || isFinal else { return }
            sawNonSpace = begin < history.count
            sawBinary = history[begin...].prefix(512).contains(0)
            startParser(stopsOnError: true)
        }
        history.withUnsafeBufferPointer { parser!.push(UnsafeBufferPointer(rebasing: $0[begin...]), isFinal: isFinal) }
        if receiver?.needsCarefulRead == true { try readAgainCarefully(isFinal: isFinal) }
    }

    /// Starts again on every byte so far, through the decoder and the repair filter.
    private func readAgainCarefully(isFinal: Bool) throws {
        mode = .careful
        parser = nil
        receiver = nil
        sawNonSpace = false
        sawBinary = false
        decoder.close()
        decoder = DocumentDecoder(httpCharset: Self.charset(in: configuration.contentType))
        let bytes = history
        history = []
        // As append then finish would have: libxml2 words some errors by where input ended.
        try bytes.withUnsafeBytes { try readCarefully($0, isFinal: false) }
        if isFinal { try readCarefully(UnsafeRawBufferPointer(start: nil, count: 0), isFinal: true) }
    }

    private func readCarefully(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) throws {
        decoded.removeAll(keepingCapacity: true)
        decoder.decode(bytes, isFinal: isFinal, into: &decoded)
        guard decoder.isDecided else { return }
        try readDecoded(isFinal: isFinal)
    }

    /// The careful read's second half: `decoded` holds UTF-8 from the decoder.
    private func readDecoded(isFinal: Bool) throws {
        if !sawNonSpace, decoded.contains(where: { !DocumentDecoder.isXMLSpace($0) }) {
            sawNonSpace = true
            sawBinary = decoded.prefix(512).contains { $0 == 0 }
        }
        if decoder.kind == .json {
            jsonBytes.append(contentsOf: decoded)
            return
        }
        repaired.removeAll(keepingCapacity: true)
        repair.repair(decoded, isFinal: isFinal, into: &repaired)
        if parser == nil {
            guard !repaired.isEmpty || isFinal else { return }
            startParser(stopsOnError: false)
        }
        repaired.withUnsafeBufferPointer { parser!.push($0, isFinal: isFinal) }
    }

    /// Starts a read: a fresh receiver and builder, and the libxml2 parser that calls them.
    private func startParser(stopsOnError: Bool) {
        var handler = SAXReceiver.makeHandler()
        let receiver = SAXReceiver(
            builder: FeedBuilder(documentBase: configuration.baseURL, maxDepth: configuration.maxDepth), stopsOnError: stopsOnError,
            errors: headerProblems)
        self.receiver = receiver
        let created = XMLPushParser(handler: &handler, userData: Unmanaged.passUnretained(receiver).toOpaque())
        receiver.context = created.rawContext
        parser = created
    }

    /// Whether the bytes hold a C1 control character (U+0080–U+009F, which ainews reads as the
    /// windows-1252 character it was meant to be) or a character reference to one.
    static func hasWindows1252Controls(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        while index < bytes.count {
            // "#" is rarer than "&" in escaped HTML, so references are found by their "#".
            index = ByteScan.first(bytes, from: index, 0xC2, UInt8(ascii: "#"), 0xC2, controls: false) { $0 == 0xC2 || $0 == UInt8(ascii: "#") }
            guard index + 1 < bytes.count else { return false }
            if bytes[index] == 0xC2 {
                if (0x80...0x9F).contains(bytes[index + 1]) { return true }
            } else if index > 0, bytes[index - 1] == UInt8(ascii: "&") {
                var position = index + 1
                let isHex = position < bytes.count && bytes[position] | 0x20 == UInt8(ascii: "x")
                if isHex { position += 1 }
                var value = 0
                while position < bytes.count, position - index < 11 {
                    let byte = bytes[position]
                    let digit: Int
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - 48)
                    case UInt8(ascii: "a")...UInt8(ascii: "f") where isHex: digit = Int(byte - 87)
                    case UInt8(ascii: "A")...UInt8(ascii: "F") where isHex: digit = Int(byte - 55)
                    default: digit = -1
                    }
                    if digit < 0 { break }
                    value = value * (isHex ? 16 : 10) + digit
                    position += 1
                }
                if (0x80...0x9F).contains(value) { return true }
            }
            index += 1
        }
        return false
    }

    static func charset(in contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmed().lowercased() == "charset" {
                return parts[1].trimmed()
            }
        }
        return nil
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
