import CSQLite

/// A compiled statement with typed binds and columns; indexes count from 1 for binds (SQLite's convention) and
/// from 0 for columns.
package final class Statement {
    let handle: OpaquePointer
    // Keeps the connection open while the statement lives.
    let database: SQLiteDatabase

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds an integer, or NULL for nil.
    package func bind(_ value: Int64?, at index: Int32) throws(SQLiteError) {
        try check(value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    /// Binds an integer, or NULL for nil.
    package func bind(_ value: Int?, at index: Int32) throws(SQLiteError) {
        try bind(value.map(Int64.init), at: index)
    }

    /// Binds a real, or NULL for nil.
    package func bind(_ value: Double?, at index: Int32) throws(SQLiteError) {
        try check(value.map { sqlite3_bind_double(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    /// Binds UTF-8 text (copied), or NULL for nil.
    package func bind(_ value: String?, at index: Int32) throws(SQLiteError) {
        guard var value else { return try check(sqlite3_bind_null(handle, index)) }
        let rc = value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                csqlite_bind_text(handle, index, $0.baseAddress, Int32($0.count))
            }
        }
        try check(rc)
    }

    /// Binds bytes as a blob (copied).
    package func bind(_ value: [UInt8], at index: Int32) throws(SQLiteError) {
        try check(value.withUnsafeBytes { csqlite_bind_blob(handle, index, $0.baseAddress, Int32($0.count)) })
    }

    /// Advances to the next row.
    /// - Returns: true when a row is ready to read, false when the statement is done.
    /// - Throws: `SQLiteError`, e.g. `SQLITE_FULL` or `SQLITE_READONLY` on a write.
    @discardableResult
    package func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw SQLiteError(code: sqlite3_extended_errcode(database.handle), message: "step: \(database.lastMessage)")
        }
    }

    /// Rewinds the statement and clears its binds, for the next row of a batch.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Whether column `index` of the current row is NULL.
    package func isNull(at index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// Column `index` as an integer (0 for NULL).
    package func int(at index: Int32) -> Int {
        Int(sqlite3_column_int64(handle, index))
    }

    /// Column `index` as an integer, nil for NULL.
    package func optionalInt(at index: Int32) -> Int? {
        isNull(at: index) ? nil : int(at: index)
    }

    /// Column `index` as a real (0 for NULL).
    package func double(at index: Int32) -> Double {
        sqlite3_column_double(handle, index)
    }

    /// Column `index` as a real, nil for NULL.
    package func optionalDouble(at index: Int32) -> Double? {
        isNull(at: index) ? nil : double(at: index)
    }

    /// Column `index` as text ("" for NULL).
    package func string(at index: Int32) -> String {
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` as text, nil for NULL.
    package func optionalString(at index: Int32) -> String? {
        isNull(at: index) ? nil : string(at: index)
    }

    /// Column `index` as bytes (empty for NULL).
    package func bytes(at index: Int32) -> [UInt8] {
        // The pointer first, then the size: SQLite's documented order.
        guard let blob = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, index))))
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: "bind: \(database.lastMessage)") }
    }
}
