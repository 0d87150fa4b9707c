import CSQLite

/// An SQLite error with SQLite's own message.
public struct StoreError: Error, Equatable, CustomStringConvertible {
    public var code: Int32
    public var message: String

    public var description: String { "SQLite error \(code): \(message)" }
}

/// One SQLite connection, owned and closed in `deinit`. Not thread-safe: one connection per
/// thread or task at a time; ainewsd and ainews each open their own on the same file.
final class Database {
    private let handle: OpaquePointer

    /// Opens (creating if needed) the database at `path` in WAL mode with a busy timeout, so the
    /// daemon and the command can use it at the same time.
    init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws(StoreError) {
        _ = Self.configured
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            if let opened { sqlite3_close_v2(opened) }
            throw StoreError(code: status, message: "\(path): \(message)")
        }
        handle = opened
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        // Only a new, empty database takes a page size. Items run from a few hundred bytes to a
        // few KiB, and a page holds only whole rows of that size: the fetch benchmark's 60,000
        // items of about 2.2 KiB take 253 MB in 4 KiB pages, 170 MB in 8 KiB ones and 147 MB in
        // 16 KiB ones, each byte written twice (to the WAL, then to the database), each page
        // with a call of its own.
        try execute("PRAGMA page_size = \(Self.pageSize)")
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    static let pageSize = 16384

    /// SQLite's process-wide settings, made before the first connection opens: no memory
    /// statistics, which take a global mutex on every allocation SQLite makes (a fifth of the
    /// writer's locking in the fetch benchmark) and which nothing here reads.
    private static let configured: Bool = csqlite_disable_memory_statistics() == SQLITE_OK

    /// The file's page size: `pageSize`, unless the database was made with another one.
    func pageSize() throws(StoreError) -> Int {
        let statement = try prepare("PRAGMA page_size")
        return try statement.next() ? Int(statement.integer(0) ?? Int64(Self.pageSize)) : Self.pageSize
    }

    /// Runs SQL that returns no rows (several statements allowed).
    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw StoreError(code: status, message: message)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw lastError(status) }
        return Statement(handle: statement, database: self)
    }

    /// Runs `body` in one transaction: all of it is written, or (on a throw or a crash) none.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Calls `hook` after each commit with the pages in the write-ahead log, instead of SQLite's
    /// automatic checkpoint (see `BackgroundCheckpointer`); nil restores no hook at all.
    func setWALHook(
        context: UnsafeMutableRawPointer?, _ hook: (@convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32)?
    ) {
        sqlite3_wal_hook(handle, hook, context)
    }

    /// Copies the write-ahead log into the database: `SQLITE_CHECKPOINT_PASSIVE` copies what it
    /// can without waiting for anyone, `SQLITE_CHECKPOINT_TRUNCATE` waits (up to the busy
    /// timeout) to copy all of it and empties the file. Returns how many pages the log holds and
    /// how many of them are copied.
    @discardableResult
    func checkpoint(_ mode: Int32) -> (logPages: Int32, copiedPages: Int32) {
        var logPages: Int32 = 0
        var copiedPages: Int32 = 0
        sqlite3_wal_checkpoint_v2(handle, nil, mode, &logPages, &copiedPages)
        return (max(0, logPages), max(0, copiedPages))
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }

    func lastError(_ status: Int32) -> StoreError {
        StoreError(code: status, message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A prepared statement, finalised in `deinit`.
final class Statement {
    private let handle: OpaquePointer
    private unowned let database: Database

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// A value to bind: SQLite's types as Swift ones.
    enum Value {
        case integer(Int64)
        case text(String)
        /// Text already encoded as UTF-8 (an entry's JSON, never made into a `String`).
        case utf8([UInt8])
        case real(Double)
        case null

        init(_ text: String?) {
            self = text.map { .text($0) } ?? .null
        }

        init(_ number: Int64?) {
            self = number.map { .integer($0) } ?? .null
        }
    }

    /// Binds `values` to ?1, ?2… after clearing the previous run.
    @discardableResult
    func bind(_ values: [Value]) throws(StoreError) -> Statement {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number): status = sqlite3_bind_int64(handle, index, number)
            case .real(let number): status = sqlite3_bind_double(handle, index, number)
            case .null: status = sqlite3_bind_null(handle, index)
            case .text(let text):
                var text = text
                status = text.withUTF8 { Self.bind($0, to: handle, at: index, copied: true) }
            case .utf8(let bytes):
                status = bytes.withUnsafeBufferPointer { Self.bind($0, to: handle, at: index, copied: true) }
            }
            guard status == SQLITE_OK else { throw database.lastError(status) }
        }
        return self
    }

    /// Binds `values` to ?1, ?2… and runs the statement, which returns no rows. Texts are lent
    /// to SQLite rather than copied (the daemon's writer copied every entry's JSON once more
    /// that way): each is bound inside its own borrow, the statement steps inside the innermost
    /// one, and the bindings are cleared before the borrows end.
    func run(_ values: [Value]) throws(StoreError) {
        sqlite3_reset(handle)
        let status = bindInPlaceAndStep(values, from: 0)
        guard status == SQLITE_DONE || status == SQLITE_ROW else { throw database.lastError(status) }
    }

    /// Binds `values[index...]` and steps: the step's status, or the first binding's that failed.
    private func bindInPlaceAndStep(_ values: [Value], from index: Int) -> Int32 {
        guard index < values.count else {
            let status = sqlite3_step(handle)
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            return status
        }
        let position = Int32(index + 1)
        /// Binds text in place and goes on, still inside the borrow of its bytes.
        func lend(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            let status = Self.bind(bytes, to: handle, at: position, copied: false)
            return status == SQLITE_OK ? bindInPlaceAndStep(values, from: index + 1) : status
        }
        let status: Int32
        switch values[index] {
        case .integer(let number): status = sqlite3_bind_int64(handle, position, number)
        case .real(let number): status = sqlite3_bind_double(handle, position, number)
        case .null: status = sqlite3_bind_null(handle, position)
        case .text(let text):
            // The string's own bytes where it has them (nearly always), without copying it.
            if let status = text.utf8.withContiguousStorageIfAvailable(lend) { return status }
            var copy = text
            return copy.withUTF8(lend)
        case .utf8(let bytes):
            return bytes.withUnsafeBufferPointer(lend)
        }
        return status == SQLITE_OK ? bindInPlaceAndStep(values, from: index + 1) : status
    }

    /// Binds UTF-8 text, copied by SQLite or only pointed to (then valid until the bindings are cleared).
    private static func bind(_ bytes: UnsafeBufferPointer<UInt8>, to handle: OpaquePointer, at index: Int32, copied: Bool) -> Int32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return csqlite_bind_text(handle, index, "", 0) }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            copied ? csqlite_bind_text(handle, index, $0, Int32(bytes.count)) : csqlite_bind_text_static(handle, index, $0, Int32(bytes.count))
        }
    }

    /// Ends a query before its last row, so that the statement holds no read transaction open.
    func reset() {
        sqlite3_reset(handle)
    }

    /// Runs a statement that returns no rows.
    func run() throws(StoreError) {
        let status = sqlite3_step(handle)
        guard status == SQLITE_DONE || status == SQLITE_ROW else { throw database.lastError(status) }
        sqlite3_reset(handle)
    }

    /// Steps to the next row; false when there is none.
    func next() throws(StoreError) -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        guard status == SQLITE_DONE else { throw database.lastError(status) }
        return false
    }

    func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }
}
