import CLibXML2

/// Receives libxml2's SAX2 events for one read of a document and hands them to its
/// `FeedBuilder`, resolving names once per distinct name. One receiver per read: the careful
/// read after a failed optimistic one starts with a fresh receiver and builder.
///
/// The callbacks reach the receiver through an unretained pointer and call it without retain or
/// release (the parser owns the receiver for the whole read); a feed raises a few events per
/// hundred bytes, so reference counting would otherwise cost as much as the parsing itself.
final class SAXReceiver {
    let builder: FeedBuilder
    /// Whether an error should stop the read and ask for the careful one (`FeedParser.Mode`).
    let stopsOnError: Bool
    /// Set when the read met something only the careful read handles.
    private(set) var needsCarefulRead = false
    /// libxml2's error messages, with their lines.
    private(set) var errors: [String]
    /// The parser context, once created: for stopping it and for its name dictionary.
    var context: xmlParserCtxtPtr? {
        didSet { attributeNames.dictionary = context?.pointee.dict }
    }
    /// Resolved element names by their interned pointers (see `InternedNameKey`): a feed has a
    /// few dozen distinct element names, so a small table almost always hits.
    private var elementNames = InternedNameTable<ElementName>(count: 64)
    private let attributeNames = AttributeNames()

    init(builder: FeedBuilder, stopsOnError: Bool, errors: [String]) {
        self.builder = builder
        self.stopsOnError = stopsOnError
        self.errors = errors
    }

    /// The callbacks, with `Unmanaged.passUnretained(receiver).toOpaque()` as their user data.
    static func makeHandler() -> xmlSAXHandler {
        var handler = XMLPushParser.emptyHandler()
        handler.startElementNs = { context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            guard let context, let localName else { return }
            Unmanaged<SAXReceiver>.fromOpaque(context)._withUnsafeGuaranteedRef {
                $0.startElement(
                    local: localName, prefix: prefix, uri: uri,
                    namespaces: UnsafeBufferPointer(start: namespaces, count: namespaces == nil ? 0 : Int(namespaceCount) * 2),
                    attributes: attributes, attributeCount: Int(attributeCount))
            }
        }
        handler.endElementNs = { context, localName, prefix, uri in
            guard let context, let localName else { return }
            Unmanaged<SAXReceiver>.fromOpaque(context)._withUnsafeGuaranteedRef {
                let receiver = $0
                receiver.builder.endElement { receiver.elementName(local: localName, prefix: prefix, uri: uri) }
            }
        }
        handler.characters = { context, characters, length in
            guard let context, let characters, length > 0 else { return }
            Unmanaged<SAXReceiver>.fromOpaque(context)._withUnsafeGuaranteedRef {
                $0.builder.characters(UnsafeBufferPointer(start: characters, count: Int(length)))
            }
        }
        handler.cdataBlock = handler.characters
        handler.internalSubset = { context, _, _, _ in
            // A DOCTYPE: ainews reads it itself, on the careful path.
            guard let context else { return }
            Unmanaged<SAXReceiver>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.askForCarefulRead() }
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            let message = error.pointee.message.map { String(cString: $0).trimmed() } ?? "XML error"
            Unmanaged<SAXReceiver>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.noteError(message, line: Int(error.pointee.line)) }
        }
        return handler
    }

    private func startElement(
        local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
        namespaces: UnsafeBufferPointer<UnsafePointer<xmlChar>?>, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int
    ) {
        let element = elementName(local: local, prefix: prefix, uri: uri)
        var declarations: [(String?, String)] = []
        for index in stride(from: 0, to: namespaces.count, by: 2) {
            guard let declaredURI = namespaces[index + 1] else { continue }
            declarations.append((namespaces[index].map { String(cString: $0) }, String(cString: declaredURI)))
        }
        builder.startElement(
            element, attributes: AttributeList(raw: attributes, count: attributeCount, names: attributeNames), namespaces: declarations)
        if builder.rejection != nil || builder.isTooDeep {
            // The optimistic read concludes nothing against a document on its own: libxml2 may
            // start an element before it reports the bytes that broke it (`<f\u{3}eed>` in
            // small chunks), which the careful read repairs first.
            if stopsOnError { askForCarefulRead() } else { stop() }
        }
    }

    private func noteError(_ message: String, line: Int) {
        if stopsOnError {
            askForCarefulRead()
            return
        }
        if errors.count < 20 {
            errors.append("line \(line): \(message)")
        }
    }

    private func askForCarefulRead() {
        needsCarefulRead = true
        stop()
    }

    private func stop() {
        if let context { xmlStopParser(context) }
    }

    private func elementName(local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?) -> ElementName {
        let key = InternedNameKey(local: local, prefix: prefix, uri: uri)
        if let cached = elementNames[key] { return cached }
        // The root element decides how unprefixed names read, so it is never cached.
        let cacheable = builder.hasRoot && key.isInterned(in: context?.pointee.dict)
        let sharedKey = cacheable ? SharedElementNames.key(local: local, prefix: prefix, uri: uri, atomDefault: builder.defaultNamespaceIsAtom) : 0
        if cacheable, let shared = SharedElementNames.lookup(sharedKey, local: local, prefix: prefix, uri: uri) {
            elementNames.insert(shared, for: key)
            return shared
        }
        let localText = String(cString: local)
        let prefixText = prefix.map { String(cString: $0) }
        let uriText = uri.map { String(cString: $0) }
        let name = builder.canonicalName(local: localText, writtenPrefix: prefixText, uri: uriText)
        let resolved = ElementName(
            name: name, written: Self.writtenName(local: localText, prefix: prefixText, uri: uriText), uri: uriText,
            element: FeedBuilder.elements[name])
        if cacheable {
            elementNames.insert(resolved, for: key)
            SharedElementNames.insert(resolved, key: sharedKey, local: local, prefix: prefix, uri: uri)
        }
        return resolved
    }

    /// How an element is written back out as markup: XHTML elements by their local name, others
    /// as they were written.
    private static func writtenName(local: String, prefix: String?, uri: String?) -> String {
        guard let prefix, uri?.lowercased() != "http://www.w3.org/1999/xhtml" else { return local }
        return prefix + ":" + local
    }
}
