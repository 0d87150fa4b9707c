import AINewsCore
import Testing

/// Content hashes are stored, so FNV-1a must give the published values whichever way the bytes
/// reach it (a string's UTF-8, an array, a lazy sequence).
@Suite struct ContentHashTests {
    @Test func fnv1aMatchesThePublishedTestVectors() {
        #expect(FNV1a.hash("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test func contiguousAndIteratedBytesHashAlike() {
        let text = "Llama 3.1 405B — open weights, 128K context"
        let viaString = FNV1a.hash(text.utf8)
        #expect(viaString == FNV1a.hash(Array(text.utf8)))
        #expect(viaString == FNV1a.hash(text.utf8.lazy.map { $0 }))
        #expect(FNV1a.hex(text) == FNV1a.hash(Array(text.utf8)).hexDigits)
    }
}

extension UInt64 {
    fileprivate var hexDigits: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
