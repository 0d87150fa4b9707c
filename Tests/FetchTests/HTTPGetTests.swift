import TestSupport
import Testing

@testable import AINewsFetch

@Suite struct HTTPGetTests {
    let server = TestServer.shared

    private func fetch(_ request: FetchRequest) throws -> (FetchResponse, [UInt8], [ResponseHead]) {
        var body: [UInt8] = []
        var heads: [ResponseHead] = []
        let response = try HTTPGet.fetch(request) { chunk, head in
            body.append(contentsOf: chunk)
            heads.append(head)
        }
        return (response, body, heads)
    }

    @Test func getReturnsBodyHeadersAndValidators() throws {
        let (response, body, heads) = try fetch(FetchRequest(url: server.url("/feed.xml")))
        #expect(response.status == 200)
        #expect(response.contentType == "application/rss+xml; charset=utf-8")
        #expect(response.etag == "\"v1\"")
        #expect(response.lastModified == "Mon, 23 Nov 2026 08:00:00 GMT")
        #expect(String(decoding: body, as: UTF8.self).contains("<title>Loopback feed</title>"))
        #expect(response.bodyBytes == body.count)
        #expect(heads.first == ResponseHead(status: 200, effectiveURL: server.url("/feed.xml"), contentType: response.contentType))
    }

    @Test func conditionalGetGives304WithoutBody() throws {
        let (response, body, _) = try fetch(FetchRequest(url: server.url("/feed.xml"), etag: "\"v1\""))
        #expect(response.status == 304)
        #expect(body.isEmpty)
    }

    @Test func gzipIsDecodedTransparently() throws {
        let (response, body, _) = try fetch(FetchRequest(url: server.url("/gzip.xml")))
        #expect(response.status == 200)
        #expect(String(decoding: body, as: UTF8.self).hasPrefix("<?xml"))
    }

    /// LONG_FEED of the test server, as it is.
    private func longFeed() throws -> [UInt8] {
        try fetch(FetchRequest(url: server.url("/encoded-bytes?coding=identity"))).1
    }

    @Test(arguments: ["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "gzip-members", "gzip-trailing", "identity"])
    func encodedBodiesArriveDecoded(coding: String) throws {
        let expected = try longFeed()
        #expect(expected.count > ContentDecoder.outputSize * 3)
        // Whole, then a byte or seven per write, so that headers and member boundaries are split.
        for drip in [0, 1, 7] {
            let (response, body, _) = try fetch(FetchRequest(url: server.url("/encoded?coding=\(coding)&drip=\(drip)")))
            #expect(response.status == 200)
            #expect(body.elementsEqual(expected), "\(coding), \(drip) bytes a write: \(body.count) of \(expected.count) bytes")
            #expect(response.bodyBytes == expected.count)
        }
    }

    @Test(arguments: [
        ("gzip-truncated", "the gzip body ends before its compressed data does"),
        ("gzip-bad-crc", "the gzip body's checksum does not match its data"),
        ("gzip-corrupt", "the gzip body holds invalid compressed data"),
        ("br", "the body's Content-Encoding 'br' is not gzip or deflate"),
    ])
    func badlyEncodedBodiesAreClearErrors(coding: String, message: String) throws {
        #expect(throws: FetchError.badContentEncoding(message)) {
            try fetch(FetchRequest(url: server.url("/encoded?coding=\(coding)")))
        }
    }

    @Test func gzipBombStopsAtTheDecodedLimit() throws {
        var received = 0
        #expect(throws: FetchError.bodyTooLarge(limit: 1 << 20)) {
            _ = try HTTPGet.fetch(FetchRequest(url: server.url("/bomb"), maxBodyBytes: 1 << 20)) { chunk, _ in received += chunk.count }
        }
        #expect(received <= 1 << 20)
    }

    @Test func endlessBodyStopsAtTheLimit() throws {
        #expect(throws: FetchError.bodyTooLarge(limit: 100_000)) {
            _ = try fetch(FetchRequest(url: server.url("/endless"), maxBodyBytes: 100_000))
        }
    }

    @Test func redirectsAreFollowedUpToFive() throws {
        let (response, _, _) = try fetch(FetchRequest(url: server.url("/redirect?n=4")))
        #expect(response.status == 200)
        #expect(response.redirectCount == 5)
        #expect(response.effectiveURL == server.url("/feed.xml"))
        #expect(throws: FetchError.self) { try fetch(FetchRequest(url: server.url("/redirect?n=5"))) }
    }

    @Test func redirectLoopIsAnError() throws {
        do {
            _ = try fetch(FetchRequest(url: server.url("/loop")))
            Issue.record("a redirect loop succeeded")
        } catch FetchError.transfer(let code, _) {
            #expect(code == 47, "CURLE_TOO_MANY_REDIRECTS")
        }
    }

    @Test func redirectToAnotherProtocolIsRefused() throws {
        #expect(throws: FetchError.self) { try fetch(FetchRequest(url: server.url("/to-ftp"))) }
    }

    @Test func errorStatusesAreResponsesNotFailures() throws {
        let (missing, _, _) = try fetch(FetchRequest(url: server.url("/missing")))
        #expect(missing.status == 404)
        let (limited, _, _) = try fetch(FetchRequest(url: server.url("/retry")))
        #expect(limited.status == 429)
        #expect(limited.retryAfter == "120")
    }

    @Test func slowServerTimesOut() throws {
        do {
            _ = try fetch(FetchRequest(url: server.url("/slow"), totalTimeoutSeconds: 1))
            Issue.record("a slow server did not time out")
        } catch FetchError.transfer(let code, _) {
            #expect(code == 28, "CURLE_OPERATION_TIMEDOUT")
        }
    }

    @Test func refusedConnectionIsAnError() throws {
        // Port 9 (discard) is closed on loopback in the test environment.
        #expect(throws: FetchError.self) { try fetch(FetchRequest(url: "http://127.0.0.1:9/feed.xml", connectTimeoutSeconds: 2)) }
    }

    @Test func nonHTTPSchemesAreRefused() throws {
        #expect(throws: FetchError.self) { try fetch(FetchRequest(url: "file:///etc/passwd")) }
    }

    @Test func consumerFailureStopsTheTransfer() throws {
        struct Stop: Error {}
        #expect(throws: FetchError.consumerFailed("Stop()")) {
            _ = try HTTPGet.fetch(FetchRequest(url: server.url("/endless"))) { _, _ in throw Stop() }
        }
    }
}
