import CCurl
import Foundation

/// Receives body bytes from libcurl's write callback, counting them against the limit.
final class BodySink {
    unowned let easy: CurlEasy
    let limit: Int
    let consume: (UnsafeRawBufferPointer, ResponseHead) throws -> Void
    var received = 0
    var exceededLimit = false
    var failure: (any Error)?
    private var head: ResponseHead?

    init(easy: CurlEasy, limit: Int, consume: @escaping (UnsafeRawBufferPointer, ResponseHead) throws -> Void) {
        self.easy = easy
        self.limit = limit
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
        if exceededLimit { return .bodyTooLarge(limit: limit) }
        if let failure { return .consumerFailed(String(describing: failure)) }
        return error
    }

    /// The response of a finished transfer.
    func response(for request: FetchRequest) -> FetchResponse {
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
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "max-age" {
                return Int64(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// False stops the transfer (libcurl then fails with a write error).
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        received += bytes.count
        guard received <= limit else {
            exceededLimit = true
            return false
        }
        // The final response's headers have all arrived before its first body byte.
        let head =
            self.head
            ?? ResponseHead(
                status: easy.info(CURLINFO_RESPONSE_CODE), effectiveURL: easy.info(CURLINFO_EFFECTIVE_URL) ?? "",
                contentType: easy.info(CURLINFO_CONTENT_TYPE))
        self.head = head
        do {
            try consume(bytes, head)
            return true
        } catch {
            failure = error
            return false
        }
    }
}
