import Foundation

/// Paths for one test's files in the temporary directory, all sharing one unique prefix, and
/// removed when the owner goes away, together with whatever else was made beside them (the `-wal`
/// and `-shm` files of a SQLite database, a maildir): a test run leaves nothing behind.
///
/// A suite keeps one as its last stored property, so it outlives the stores and files the suite
/// opens.
public final class ScratchFiles: Sendable {
    private let directory: URL
    private let prefix: String

    /// - Parameter name: what the files are for, part of their names (`ainews-NAME-UUID…`).
    public init(_ name: String) {
        directory = FileManager.default.temporaryDirectory
        prefix = "ainews-\(name)-\(UUID().uuidString)"
    }

    /// A path that starts with this test's prefix and ends with `suffix`.
    public func path(_ suffix: String = "") -> String {
        directory.appendingPathComponent(prefix + suffix).path
    }

    deinit {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
