import TestSupport
import Testing

@testable import AINewsFetch

@Suite struct ContentDecoderTests {
    let server = TestServer.shared

    private func bytes(_ path: String) throws -> [UInt8] {
        var body: [UInt8] = []
        _ = try HTTPGet.fetch(FetchRequest(url: server.url(path))) { chunk, _ in body.append(contentsOf: chunk) }
        return body
    }

    /// Decodes `encoded` handed over `step` bytes at a time.
    private func decode(_ encoded: [UInt8], coding: String, step: Int) throws -> [UInt8] {
        let decoder = try #require(try ContentDecoder(contentEncoding: coding))
        var output: [UInt8] = []
        var start = 0
        while start < encoded.count {
            let end = min(encoded.count, start + step)
            try encoded[start..<end].withUnsafeBytes { chunk in try decoder.decode(chunk) { output.append(contentsOf: $0) } }
            start = end
        }
        try decoder.finish()
        return output
    }

    @Test(arguments: [("gzip", "gzip"), ("gzip-members", "gzip"), ("gzip-trailing", "gzip"), ("deflate-zlib", "deflate"), ("deflate-raw", "deflate")])
    func decodesInAnyChunking(name: String, coding: String) throws {
        let expected = try bytes("/encoded-bytes?coding=identity")
        let encoded = try bytes("/encoded-bytes?coding=\(name)")
        for step in [1, 2, 3, 1000, encoded.count] {
            #expect(try decode(encoded, coding: coding, step: step).elementsEqual(expected), "\(name) in chunks of \(step)")
        }
    }

    @Test func aBodyCutShortIsAnErrorAtTheEnd() throws {
        let encoded = try bytes("/encoded-bytes?coding=gzip")
        #expect(throws: FetchError.badContentEncoding("the gzip body ends before its compressed data does")) {
            try decode(Array(encoded.dropLast(1)), coding: "gzip", step: 4096)
        }
        // An empty body never started a stream, and a header alone is cut short too.
        #expect(throws: FetchError.badContentEncoding("the deflate body ends before its compressed data does")) {
            try decode([0x78], coding: "deflate", step: 1)
        }
    }

    @Test func onlyGzipAndDeflateAreDecoded() throws {
        #expect(try ContentDecoder(contentEncoding: nil) == nil)
        #expect(try ContentDecoder(contentEncoding: "identity") == nil)
        #expect(try ContentDecoder(contentEncoding: "None") == nil)
        #expect(try ContentDecoder(contentEncoding: " GZIP ")?.coding == .gzip)
        #expect(try ContentDecoder(contentEncoding: "identity, deflate")?.coding == .deflate)
        #expect(throws: FetchError.badContentEncoding("the body's Content-Encoding 'deflate, gzip' is not gzip or deflate")) {
            try ContentDecoder(contentEncoding: "deflate, gzip")
        }
        #expect(throws: FetchError.badContentEncoding("the body's Content-Encoding 'zstd' is not gzip or deflate")) {
            try ContentDecoder(contentEncoding: "zstd")
        }
    }
}

@Suite struct ContentDecoderDamageTests {
    let server = TestServer.shared

    /// Damaged compressed bodies (changed bytes, cuts, garbage spliced in) either decode or end
    /// in a `badContentEncoding` error; none crashes or reports another kind of error.
    @Test(arguments: [("gzip", "gzip"), ("deflate-zlib", "deflate"), ("deflate-raw", "deflate")])
    func damagedBodiesFailCleanly(name: String, coding: String) throws {
        var original: [UInt8] = []
        _ = try HTTPGet.fetch(FetchRequest(url: server.url("/encoded-bytes?coding=\(name)"))) { chunk, _ in original.append(contentsOf: chunk) }
        var failures = 0
        for round in 0..<500 {
            // Where and how to damage, spread over the body by a multiplicative hash of the round.
            let mixed = (UInt64(round) &+ 1) &* 0x9E37_79B9_7F4A_7C15
            let position = Int(mixed >> 40) % original.count
            let byte = UInt8(truncatingIfNeeded: mixed >> 8) | 1
            var damaged = original
            switch round % 3 {
            case 0:
                for offset in 0..<(1 + round % 4) { damaged[(position + offset * 97) % damaged.count] ^= byte }
            case 1:
                damaged.removeLast(max(1, position))
            default:
                damaged.insert(contentsOf: (0..<64).map { UInt8(truncatingIfNeeded: mixed >> ($0 % 56)) }, at: position)
            }
            let decoder = try #require(try ContentDecoder(contentEncoding: coding))
            var decoded = 0
            do {
                try damaged.withUnsafeBytes { chunk in try decoder.decode(chunk) { decoded += $0.count } }
                try decoder.finish()
            } catch FetchError.badContentEncoding {
                failures += 1
            }
            #expect(decoded <= 1 << 20, "round \(round) decoded \(decoded) bytes")
        }
        // Most damage is caught (a checksum or the structure); some lands in ignored trailing
        // bytes or past the end of the stream.
        #expect(failures > 300, "\(name): \(failures) of 500 damaged bodies failed")
    }
}
