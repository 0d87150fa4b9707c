extension String {
    /// Whether the UTF-8 holds `byte`, read through a pointer for native strings (the UTF-8
    /// view's iterator is several times slower on the long texts of items).
    func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }
}

extension [UInt8] {
    /// Appends a literal's UTF-8 as one copy (`append(contentsOf: "…".utf8)` walks the string's
    /// view a byte at a time, and markup writers append a few literals per tag).
    mutating func append(literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
