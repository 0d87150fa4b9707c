import CLibXML2

/// Owns one libxml2 SAX2 push-parser context, fed chunk by chunk.
///
/// The options are the safe set found on this stack: recover from errors, never touch the
/// network, never substitute entities (so no external entity is ever read), CDATA as text.
/// Entity expansion stays bounded because `XMLRepair` has already turned every reference into
/// a character reference before the bytes arrive here.
final class XMLPushParser {
    private let context: xmlParserCtxtPtr

    static let options = Int32(
        XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_IGNORE_ENC.rawValue)

    /// - Parameters:
    ///   - handler: the SAX callbacks; libxml2 copies the structure.
    ///   - userData: passed to every callback.
    init(handler: inout xmlSAXHandler, userData: UnsafeMutableRawPointer?) {
        context = xmlCreatePushParserCtxt(&handler, userData, nil, 0, nil)
        xmlCtxtUseOptions(context, Self.options)
    }

    deinit {
        if let document = context.pointee.myDoc {
            xmlFreeDoc(document)
        }
        xmlFreeParserCtxt(context)
    }

    /// The raw context, for callbacks that must stop the parser.
    var rawContext: xmlParserCtxtPtr { context }

    /// Parses `bytes`; `isFinal` tells libxml2 the document has ended.
    func push(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool) {
        bytes.withMemoryRebound(to: CChar.self) { chars in
            _ = xmlParseChunk(context, chars.baseAddress, Int32(chars.count), isFinal ? 1 : 0)
        }
    }

    /// The line libxml2 is reading, for messages.
    var currentLine: Int {
        Int(xmlSAX2GetLineNumber(context))
    }

    /// A SAX handler with no callbacks set, marked as SAX2 so libxml2 uses the namespace-aware events.
    static func emptyHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        return handler
    }
}
