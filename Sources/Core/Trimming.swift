extension StringProtocol {
    /// The text without the spaces and tabs around it: what `trimmingCharacters(in: .whitespaces)`
    /// gives, for the modules of the daemon, which do without Foundation (it costs `ainewsd` 6 MiB
    /// of libraries in memory).
    public func trimmingSpacesAndTabs() -> String {
        func isSpace(_ character: Character) -> Bool { character.isWhitespace && !character.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
