/// A fixed set of short ASCII names (HTML element and attribute names, at most 16 bytes) looked
/// up straight from bytes, case-insensitively: the name is packed into two integers, so a tag in
/// item HTML costs neither a `String` nor a hash of one.
struct ShortNameSet: Sendable {
    /// A name packed as its lower-cased bytes, little-endian, zero-padded; `nil` when it is
    /// longer than 16 bytes (no such name is in any set).
    struct Key: Hashable, Sendable {
        var low: UInt64
        var high: UInt64

        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard bytes.count <= 16 else { return nil }
            var low: UInt64 = 0
            var high: UInt64 = 0
            for (offset, byte) in bytes.enumerated() {
                let lowered = UInt64(byte >= 65 && byte <= 90 ? byte | 0x20 : byte)
                if offset < 8 { low |= lowered << UInt64(offset * 8) } else { high |= lowered << UInt64((offset - 8) * 8) }
            }
            self.low = low
            self.high = high
        }

        init?(_ name: String) {
            var name = name
            guard let key = name.withUTF8({ Key($0) }) else { return nil }
            self = key
        }
    }

    private var slots: [Key?]
    private let mask: Int

    init(_ names: Set<String>) {
        var size = 16
        while size < names.count * 4 { size *= 2 }
        slots = Array(repeating: nil, count: size)
        mask = size - 1
        for name in names {
            guard let key = Key(name) else { preconditionFailure("\(name) is longer than 16 bytes") }
            var slot = Self.slot(key, mask)
            while slots[slot] != nil { slot = (slot + 1) & mask }
            slots[slot] = key
        }
    }

    @inline(__always)
    private static func slot(_ key: Key, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: ((key.low ^ (key.high &* 0x9E37_79B9)) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    func contains(_ key: Key?) -> Bool {
        guard let key else { return false }
        var slot = Self.slot(key, mask)
        while let candidate = slots[slot] {
            if candidate == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { contains(Key(bytes)) }

    func contains(_ name: String) -> Bool { contains(Key(name)) }
}
