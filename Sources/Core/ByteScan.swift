/// Word-at-a-time scans over UTF-8 for the hot loops that copy runs of ordinary bytes (the
/// decoder, the XML repair filter, the sanitizer, the store's JSON): eight bytes are tested with a few integer
/// operations, and only a word that may hold a byte of interest is looked at byte by byte.
public enum ByteScan {
    @inlinable static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @inlinable static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    @inlinable @inline(__always)
    static func load(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: UInt64.self))
    }

    /// Bit 7 of each byte is set where the byte of `word` equals `value` (may also flag the byte
    /// after a match; callers re-check candidates byte by byte).
    @inlinable @inline(__always)
    static func matches(_ word: UInt64, _ value: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(value))
        return (x &- ones) & ~x & highBits
    }

    /// The index of the first byte at or after `start` that is not ASCII, or `buffer.count`.
    @inlinable
    public static func firstNonASCII(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let count = buffer.count
        while index + 8 <= count, load(buffer, index) & highBits == 0 { index += 8 }
        while index < count, buffer[index] < 0x80 { index += 1 }
        return index
    }

    /// The index of the first byte at or after `start` for which `isSpecial` holds, where every
    /// special byte is `a`, `b`, `c`, `d` (which defaults to `c`) or below 0x20; or `buffer.count`.
    @inlinable
    public static func first(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8? = nil, controls: Bool,
        where isSpecial: (UInt8) -> Bool
    ) -> Int {
        let d = d ?? c
        var index = start
        let count = buffer.count
        // Sixteen bytes at a time with vector compares while no byte of interest is in them.
        if index + 16 <= count {
            let vectorA = SIMD16<UInt8>(repeating: a)
            let vectorB = SIMD16<UInt8>(repeating: b)
            let vectorC = SIMD16<UInt8>(repeating: c)
            let vectorD = SIMD16<UInt8>(repeating: d)
            let space = SIMD16<UInt8>(repeating: 0x20)
            while index + 16 <= count {
                let chunk = UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: SIMD16<UInt8>.self)
                var candidates = (chunk .== vectorA) .| (chunk .== vectorB) .| (chunk .== vectorC) .| (chunk .== vectorD)
                if controls { candidates = candidates .| (chunk .< space) }
                if any(candidates) { break }
                index += 16
            }
        }
        while index + 8 <= count {
            let word = load(buffer, index)
            var candidates = matches(word, a) | matches(word, b) | matches(word, c) | matches(word, d)
            if controls { candidates |= (word &- ones &* 0x20) & ~word & highBits }
            if candidates != 0 {
                for offset in 0..<8 where isSpecial(buffer[index + offset]) { return index + offset }
            }
            index += 8
        }
        while index < count, !isSpecial(buffer[index]) { index += 1 }
        return index
    }

    /// Whether the eight bytes at `index` are printable ASCII and lone spaces, the last of them no
    /// space: text that `PlainText` copies as it is after a printable character.
    @inlinable @inline(__always)
    public static func isPrintableWithLoneSpaces(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let word = load(buffer, index)
        // Not ASCII, or a byte below a space (exact for "any byte", not for "which").
        guard word & highBits == 0, (word &- ones &* 0x20) & ~word & highBits == 0 else { return false }
        // Exactly the bytes that are spaces.
        let spaceless = word ^ (ones &* 0x20)
        let spaces = ~(((spaceless & ~highBits) &+ ~highBits) | spaceless | ~highBits)
        return spaces & (spaces << 8) == 0 && spaces & (1 << 63) == 0
    }

    /// `bytes` without leading and trailing ASCII whitespace (space, tab, CR, LF, FF, VT).
    @inlinable
    public static func trimmingASCIISpace(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, isASCIISpace(bytes[start]) { start += 1 }
        while end > start, isASCIISpace(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    @inlinable @inline(__always)
    public static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}

extension Collection where Element == UInt8 {
    /// Where `literal` first occurs. A plain loop: the standard library's generic
    /// `firstRange(of:)` looks up type metadata on every call, which was a third of the cost of
    /// parsing a one-item feed.
    @inlinable
    public func firstRange(ofLiteral literal: StaticString) -> Range<Index>? {
        let length = literal.utf8CodeUnitCount
        var start = startIndex
        while start != endIndex {
            var position = start
            var offset = 0
            while offset < length, position != endIndex, self[position] == literal.utf8Start[offset] {
                formIndex(after: &position)
                offset += 1
            }
            if offset == length { return start..<position }
            formIndex(after: &start)
        }
        return nil
    }
}

extension [UInt8] {
    /// Appends a literal's UTF-8 as one copy (`append(contentsOf: "…".utf8)` walks the string's
    /// view a byte at a time, and the markup and JSON writers append a few literals per tag or
    /// member).
    @inlinable
    public mutating func append(literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
