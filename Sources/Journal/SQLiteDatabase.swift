import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// One connection to a SQLite file. Not thread-safe: each thread that touches the journal opens its own (the
/// writer thread its read-write one, the CLI and the admin listener read-only ones), which WAL allows.
package final class SQLiteDatabase {
    /// How to open the file.
    package enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWriteCreate
        /// Read only; a missing file is an error, never created.
        case readOnly
    }

    let handle: OpaquePointer
    /// The file's path.
    package let path: String

    /// Opens `path`.
    /// - Parameter busyTimeout: How long a statement waits for another connection's lock before failing with
    ///   `SQLITE_BUSY`; short, since the writer's transactions are short.
    /// - Throws: `SQLiteError` when the file cannot be opened.
    package init(path: String, mode: Mode, busyTimeout: Duration = .seconds(2)) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags: Int32 =
            switch mode {
            case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            case .readOnly: SQLITE_OPEN_READONLY
            }
        // NOMUTEX: a connection never leaves its thread, so SQLite's own per-connection locking is wasted work.
        let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            var message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            // "unable to open database file" alone does not say why; the errno behind it does (EROFS, EACCES).
            if let handle, sqlite3_system_errno(handle) != 0 {
                message += ": " + String(cString: strerror(sqlite3_system_errno(handle)))
            }
            sqlite3_close_v2(handle)
            throw SQLiteError(code: rc, message: "open \(path): \(message)")
        }
        self.handle = handle
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(busyTimeout.components.seconds * 1000))
    }

    deinit {
        // _v2 defers the close until every statement is finalized, so an unfinished Statement cannot dangle.
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows the caller needs (PRAGMAs, DDL, BEGIN/COMMIT).
    /// - Throws: `SQLiteError` naming the SQL.
    package func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        // The connection's message is the same text, and carries the errno.
        sqlite3_free(errorMessage)
        guard rc == SQLITE_OK else {
            let message = lastMessage
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: "\(sql.prefix(60)): \(message)")
        }
    }

    /// Compiles `sql` into a statement.
    /// - Throws: `SQLiteError` for a syntax error or a missing table.
    package func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, message: "prepare \(sql.prefix(60)): \(lastMessage)")
        }
        return Statement(statement, database: self)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// - Throws: `SQLiteError` from `body`, BEGIN or COMMIT.
    package func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        // IMMEDIATE takes the write lock up front, so a reader's lock cannot make COMMIT fail half-way.
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The schema version kept in the file's header (`PRAGMA user_version`); 0 for a new file.
    package var userVersion: Int {
        get throws(SQLiteError) {
            let statement = try prepare("PRAGMA user_version")
            guard try statement.step() else { return 0 }
            // Off the row at once, so a transaction that follows can commit.
            defer { statement.reset() }
            return statement.int(at: 0)
        }
    }

    /// The first column of the first row of `sql` as text (a PRAGMA's value), nil when there is no row.
    /// - Throws: `SQLiteError` naming the SQL.
    package func firstText(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        // Off the row at once: a statement left on a row keeps a read open, and COMMIT refuses to run beside it.
        defer { statement.reset() }
        return statement.string(at: 0)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last INSERT.
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// SQLite's message for the last failure, with the errno behind it when the file system refused: "unable to open
    /// database file" alone does not say whether the directory is read-only or missing.
    var lastMessage: String {
        let message = String(cString: sqlite3_errmsg(handle))
        let fileSystemCodes: Set<Int32> = [SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM]
        let systemErrno = sqlite3_system_errno(handle)
        guard fileSystemCodes.contains(sqlite3_errcode(handle) & 0xff), systemErrno != 0 else { return message }
        return message + ": " + String(cString: strerror(systemErrno))
    }
}
