import AINewsCore
import Testing

/// Content hashes are stored, so FNV-1a and XXH64 must give the published values, FNV-1a
/// whichever way the bytes reach it (a string's UTF-8, an array, a lazy sequence), XXH64
/// through each of its paths (under 4 bytes, 4–31, the four lanes of 32 and more).
@Suite struct ContentHashTests {
    @Test func fnv1aMatchesThePublishedTestVectors() {
        #expect(FNV1a.hash("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test func xxh64MatchesTheReferenceImplementation() {
        // Values from the reference implementation (Python's xxhash.xxh64, seed 0).
        #expect(XXH64.hash("") == 0xef46_db37_51d8_e999)
        #expect(XXH64.hash("a") == 0xd24e_c4f1_a98c_6e5b)
        #expect(XXH64.hash("abc") == 0x44bc_2cf5_ad77_0999)
        #expect(XXH64.hash("0123456789abcdef0123456789abcdef0123456789") == 0xa761_90c3_acf0_8a1c)
        let bytes = [UInt8]((0..<3).flatMap { _ in 0...255 })
        #expect(bytes.withUnsafeBytes { XXH64.hash($0) } == 0x8e03_c838_c596_036f)
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
