import CCurl

/// One libcurl easy handle, owned for its lifetime and freed in `deinit`.
///
/// A handle is not thread-safe: one `CurlEasy` is used by one thread at a time. Options that
/// libcurl does not copy (string lists) are kept alive here until cleanup.
package final class CurlEasy {
    package let handle: UnsafeMutableRawPointer
    /// libcurl writes its human-readable error here (CURLOPT_ERRORBUFFER).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var lists: [UnsafeMutablePointer<curl_slist>] = []

    package init() throws(FetchError) {
        CurlGlobal.ensureInitialised()
        guard let handle = curl_easy_init() else { throw FetchError.transfer(code: -1, message: "curl_easy_init failed") }
        self.handle = handle
        errorBuffer.initialize(to: 0)
        ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    package func set(_ option: CURLoption, _ value: Int) {
        ccurl_easy_setopt_long(handle, option, value)
    }

    package func set(_ option: CURLoption, _ value: String) {
        // libcurl copies string options.
        value.withCString { _ = ccurl_easy_setopt_pointer(handle, option, $0) }
    }

    package func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
        ccurl_easy_setopt_pointer(handle, option, pointer)
    }

    package func set(_ option: CURLoption, callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int) {
        ccurl_easy_setopt_datacallback(handle, option, callback)
    }

    /// Sets a list option (request headers); the list lives as long as the handle.
    package func set(_ option: CURLoption, list values: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values { list = curl_slist_append(list, value) }
        guard let list else { return }
        lists.append(list)
        ccurl_easy_setopt_pointer(handle, option, list)
    }

    /// Applies the limits every ainews fetch observes: http and https only (also across at most
    /// five redirects), timeouts, gzip and deflate, the User-Agent, validators.
    func configure(for request: FetchRequest) {
        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        set(CURLOPT_FOLLOWLOCATION, request.followsRedirects ? 1 : 0)
        set(CURLOPT_MAXREDIRS, 5)
        set(CURLOPT_CONNECTTIMEOUT, request.connectTimeoutSeconds)
        set(CURLOPT_TIMEOUT, request.totalTimeoutSeconds)
        set(CURLOPT_USERAGENT, request.userAgent)
        // Asked for by libcurl, decoded by `BodySink` (with ISA-L, not libcurl's zlib).
        set(CURLOPT_ACCEPT_ENCODING, "gzip, deflate")
        set(CURLOPT_HTTP_CONTENT_DECODING, 0)
        var headers = ["Accept: application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"]
        if let etag = request.etag { headers.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headers.append("If-Modified-Since: \(lastModified)") }
        set(CURLOPT_HTTPHEADER, list: headers)
    }

    /// Runs the transfer; throws with libcurl's own message on failure.
    package func perform() throws(FetchError) {
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw error(for: code) }
    }

    /// The error for a failed transfer, with libcurl's own message.
    package func error(for code: CURLcode) -> FetchError {
        let detail = String(cString: errorBuffer)
        return FetchError.transfer(code: Int(code.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
    }

    package func info(_ info: CURLINFO) -> Int {
        var value = 0
        ccurl_easy_getinfo_long(handle, info, &value)
        return value
    }

    package func info(_ info: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        ccurl_easy_getinfo_string(handle, info, &value)
        return value.map { String(cString: $0) }
    }

    /// The last value of a response header of the final response, if it was sent.
    func header(_ name: String) -> String? {
        var header: UnsafeMutablePointer<curl_header>?
        let origin = UInt32(CURLH_HEADER)
        // request -1: the last request, the one after all redirects.
        guard curl_easy_header(handle, name, 0, origin, -1, &header) == CURLHE_OK, let first = header else { return nil }
        let count = first.pointee.amount
        if count > 1, curl_easy_header(handle, name, count - 1, origin, -1, &header) == CURLHE_OK, let last = header {
            return String(cString: last.pointee.value)
        }
        return String(cString: first.pointee.value)
    }
}

/// `curl_global_init` must run once, before any other libcurl call and before threads use it.
enum CurlGlobal {
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func ensureInitialised() {
        _ = initialised
    }

    /// libcurl's version string, for `--version` output and bug reports.
    static var version: String {
        String(cString: curl_version())
    }
}
