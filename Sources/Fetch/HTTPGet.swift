import CCurl

/// What to fetch and how politely: the limits every fetch of ainews observes.
public struct FetchRequest: Sendable {
    public var url: String
    /// The most *decoded* body bytes accepted; a gzip bomb stops here.
    public var maxBodyBytes: Int
    public var connectTimeoutSeconds: Int
    public var totalTimeoutSeconds: Int
    public var userAgent: String
    /// Validators from the previous response, for a conditional GET.
    public var etag: String?
    public var lastModified: String?
    /// Whether libcurl follows redirects (at most five); the daemon follows them itself to see
    /// which were permanent.
    public var followsRedirects = true

    public init(
        url: String, maxBodyBytes: Int = 16 << 20, connectTimeoutSeconds: Int = 10, totalTimeoutSeconds: Int = 60,
        userAgent: String = FetchRequest.defaultUserAgent, etag: String? = nil, lastModified: String? = nil
    ) {
        self.url = url
        self.maxBodyBytes = maxBodyBytes
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.totalTimeoutSeconds = totalTimeoutSeconds
        self.userAgent = userAgent
        self.etag = etag
        self.lastModified = lastModified
    }

    public static let defaultUserAgent = "ainews/0.1.0 (+https://github.com/ainews; feed reader)"
}

/// What is known of the final response when its body starts: enough to decide how to read it.
public struct ResponseHead: Sendable, Equatable {
    public var status: Int
    public var effectiveURL: String
    public var contentType: String?
}

/// The response to a `FetchRequest`; the body went to the caller as it arrived.
public struct FetchResponse: Sendable, Equatable {
    public var status: Int
    /// The URL after redirects, which relative links in the body resolve against.
    public var effectiveURL: String
    public var contentType: String?
    public var etag: String?
    public var lastModified: String?
    public var retryAfter: String?
    /// `Cache-Control: max-age`, in seconds, when the response gave one.
    public var maxAgeSeconds: Int64?
    /// Where a redirect that was not followed points, made absolute.
    public var redirectURL: String?
    public var redirectCount: Int
    public var bodyBytes: Int
}

public enum FetchError: Error, Equatable, CustomStringConvertible {
    /// libcurl failed: DNS, connection, TLS, timeout, too many redirects…
    case transfer(code: Int, message: String)
    /// The decoded body passed the limit.
    case bodyTooLarge(limit: Int)
    /// The consumer of the body stopped the transfer.
    case consumerFailed(String)
    /// The body's Content-Encoding is not one ainews asked for, or its compressed data is
    /// corrupt or cut short.
    case badContentEncoding(String)

    public var description: String {
        switch self {
        case .transfer(let code, let message): return "\(message) (curl error \(code))"
        case .bodyTooLarge(let limit): return "response body larger than \(limit) bytes"
        case .consumerFailed(let reason): return reason
        case .badContentEncoding(let reason): return reason
        }
    }
}

/// A single HTTP(S) GET on a libcurl easy handle, streaming the decoded body to the caller.
///
/// Only http and https, also across redirects (at most 5); gzip and deflate bodies are decoded
/// (`ContentDecoder`); the size limit counts decoded bytes.
///
/// ```swift
/// let response = try HTTPGet.fetch(FetchRequest(url: "https://example.org/feed.xml")) { chunk, head in
///     try parser.append(chunk)
/// }
/// ```
public enum HTTPGet {
    public static func fetch(
        _ request: FetchRequest, body consume: (UnsafeRawBufferPointer, ResponseHead) throws -> Void
    ) throws(FetchError) -> FetchResponse {
        let easy = try CurlEasy()
        easy.configure(for: request)
        let result = withoutActuallyEscaping(consume) { escapable -> Result<FetchResponse, FetchError> in
            let sink = BodySink(easy: easy, limit: request.maxBodyBytes, consume: escapable)
            sink.attach()
            do throws(FetchError) {
                try easy.perform()
            } catch {
                return .failure(sink.failure(for: error))
            }
            return sink.finish(for: request)
        }
        return try result.get()
    }
}
