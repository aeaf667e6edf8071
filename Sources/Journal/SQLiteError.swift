import CSQLite

/// A failed SQLite call: its result code and SQLite's message (which names the table, column or file involved).
package struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The extended result code, e.g. `SQLITE_FULL` (13) or `SQLITE_READONLY` (8).
    package var code: Int32
    /// What SQLite said, prefixed with what retryd was doing.
    package var message: String

    /// Creates an error.
    package init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The primary result code: the extended code's low byte.
    package var primaryCode: Int32 { code & 0xff }

    /// Whether the file is not a database or is damaged: the journal moves it aside and starts afresh.
    package var isCorruption: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

    /// "message (SQLite code 13: database or disk is full)".
    package var description: String {
        let name = sqlite3_errstr(code).map { String(cString: $0) } ?? "unknown error"
        return "\(message) (SQLite code \(code): \(name))"
    }
}
