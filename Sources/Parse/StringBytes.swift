extension String {
    /// Whether the UTF-8 holds `byte`, read through a pointer for native strings (the UTF-8
    /// view's iterator is several times slower on the long texts of items).
    func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }
}
