import AINewsCore
import CCurl
import FoundationEssentials

/// Receives body bytes from libcurl's write callback, decodes them when the response is
/// compressed, and counts them against the limit: the decoded bytes, and the bytes received
/// (so that compressed data which decodes to nothing cannot run forever either).
final class BodySink {
    unowned let easy: CurlEasy
    let limit: Int
    let consume: (UnsafeRawBufferPointer, ResponseHead) throws -> Void
    /// Decoded body bytes passed to `consume`.
    var received = 0
    /// Body bytes as they came from the network.
    private var receivedOnWire = 0
    var exceededLimit = false
    var failure: (any Error)?
    private var head: ResponseHead?
    private var decoder: ContentDecoder?
    /// With `defersDecoding`: bytes received and not yet decoded.
    private var deferred: [UInt8] = []
    /// Whether libcurl's callback only keeps the bytes, for `decodeDeferred()` to decode and
    /// consume them once the callback has returned (the `Fetcher` does, after its call into
    /// libcurl); otherwise the callback decodes and consumes them itself.
    let defersDecoding: Bool
    /// The most bytes kept for later: past it the callback decodes them itself, so a slow
    /// consumer holds at most this much per transfer.
    static let deferredLimit = 256 * 1024

    init(easy: CurlEasy, limit: Int, defersDecoding: Bool = false, consume: @escaping (UnsafeRawBufferPointer, ResponseHead) throws -> Void) {
        self.easy = easy
        self.limit = limit
        self.defersDecoding = defersDecoding
        self.consume = consume
    }

    /// Points the handle's write callback at this sink; the handle must not outlive it.
    func attach() {
        easy.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(self).toOpaque())
        easy.set(
            CURLOPT_WRITEFUNCTION,
            callback: { data, size, count, context in
                guard let data, let context else { return 0 }
                let sink = Unmanaged<BodySink>.fromOpaque(context).takeUnretainedValue()
                return sink.receive(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
            })
    }

    /// The error to report for a failed transfer: the sink's own reason when it stopped it.
    func failure(for error: FetchError) -> FetchError {
        decoder = nil
        if exceededLimit { return .bodyTooLarge(limit: limit) }
        if let failure = failure as? FetchError { return failure }
        if let failure { return .consumerFailed(String(describing: failure)) }
        return error
    }

    /// The outcome of a transfer libcurl completed: its response, unless the compressed body
    /// was cut short. The decoder's memory goes now rather than with the sink, which lives until
    /// the task that awaited the transfer resumes.
    func finish(for request: FetchRequest) -> Result<FetchResponse, FetchError> {
        defer { decoder = nil }
        do throws(FetchError) {
            try decoder?.finish()
        } catch {
            return .failure(error)
        }
        return .success(response(for: request))
    }

    /// The response of a finished transfer.
    private func response(for request: FetchRequest) -> FetchResponse {
        FetchResponse(
            status: easy.info(CURLINFO_RESPONSE_CODE), effectiveURL: easy.info(CURLINFO_EFFECTIVE_URL) ?? request.url,
            contentType: easy.info(CURLINFO_CONTENT_TYPE), etag: easy.header("ETag"), lastModified: easy.header("Last-Modified"),
            retryAfter: easy.header("Retry-After"), maxAgeSeconds: easy.header("Cache-Control").flatMap(Self.maxAge),
            redirectURL: easy.info(CURLINFO_REDIRECT_URL), redirectCount: easy.info(CURLINFO_REDIRECT_COUNT), bodyBytes: received)
    }

    /// The max-age of a Cache-Control value ("public, max-age=3600").
    static func maxAge(_ cacheControl: String) -> Int64? {
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingSpacesAndTabs().lowercased() == "max-age" {
                return Int64(parts[1].trimmingSpacesAndTabs())
            }
        }
        return nil
    }

    /// False stops the transfer (libcurl then fails with a write error).
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        receivedOnWire += bytes.count
        guard receivedOnWire <= limit else {
            exceededLimit = true
            return false
        }
        guard defersDecoding else { return decode(bytes) }
        deferred.append(contentsOf: bytes)
        return deferred.count < Self.deferredLimit || decodeDeferred()
    }

    /// Whether bytes wait for `decodeDeferred()`.
    var hasDeferredBytes: Bool { !deferred.isEmpty }

    /// Decodes and consumes the bytes kept since the last call; false when that stops the
    /// transfer (too large a body, a consumer that failed), as `receive(_:)` returning false would.
    func decodeDeferred() -> Bool {
        guard !deferred.isEmpty else { return failure == nil && !exceededLimit }
        defer { deferred.removeAll(keepingCapacity: true) }
        return deferred.withUnsafeBytes { decode($0) }
    }

    /// Decodes `bytes` and passes them on; false stops the transfer.
    private func decode(_ bytes: UnsafeRawBufferPointer) -> Bool {
        do {
            let head: ResponseHead
            if let known = self.head {
                head = known
            } else {
                // The final response's headers have all arrived before its first body byte.
                head = ResponseHead(
                    status: easy.info(CURLINFO_RESPONSE_CODE), effectiveURL: easy.info(CURLINFO_EFFECTIVE_URL) ?? "",
                    contentType: easy.info(CURLINFO_CONTENT_TYPE))
                self.head = head
                decoder = try ContentDecoder(contentEncoding: easy.header("Content-Encoding"))
            }
            if let decoder {
                try decoder.decode(bytes) { decoded in try deliver(decoded, head) }
            } else {
                try deliver(bytes, head)
            }
            return true
        } catch is LimitExceeded {
            exceededLimit = true
            return false
        } catch {
            failure = error
            return false
        }
    }

    private struct LimitExceeded: Error {}

    private func deliver(_ bytes: UnsafeRawBufferPointer, _ head: ResponseHead) throws {
        received += bytes.count
        guard received <= limit else { throw LimitExceeded() }
        try consume(bytes, head)
    }
}
