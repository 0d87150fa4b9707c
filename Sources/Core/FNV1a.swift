/// 64-bit FNV-1a: a hash that is the same in every run and on every platform (unlike `Hasher`),
/// for what is stored or sent — content hashes, cache keys, Message-IDs — and for word lookups
/// that hash bytes as they are read.
public struct FNV1a: Sendable {
    public var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inlinable public init() {}

    @inlinable public mutating func combine(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    @inlinable public mutating func combine(_ bytes: some Sequence<UInt8>) {
        // Contiguous bytes (arrays, native strings' UTF-8) are read through a pointer, which is
        // several times faster than a string's UTF-8 iterator.
        let combined: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            var value = self.value
            for byte in buffer { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
            self.value = value
        }
        if combined == nil {
            for byte in bytes { combine(byte) }
        }
    }

    @inlinable public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hasher = FNV1a()
        hasher.combine(bytes)
        return hasher.value
    }

    /// The value as 16 hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of a text's UTF-8, as 16 hex digits.
    public static func hex(_ text: String) -> String {
        var hasher = FNV1a()
        hasher.combine(text.utf8)
        return hasher.hex
    }
}
