import CSQLite
import FoundationEssentials
import Retry

#if canImport(Glibc)
    import Glibc
#endif

/// The journal file through one connection: the writer thread's read-write one, or a reader's read-only one.
/// Every method runs on the caller's thread and touches the disk; the event loop never calls it.
package final class JournalStore {
    /// The connection.
    package let database: SQLiteDatabase

    /// Opens (creating it and `directory` when missing) the journal in `directory` for writing, in WAL mode, and
    /// brings its schema up to date.
    /// - Throws: `SQLiteError` when the directory or the file cannot be created, opened or migrated.
    package init(writingIn directory: String) throws(SQLiteError) {
        try Self.createDirectory(directory)
        // SQLite falls back to opening read-only and then reports that open's ENOENT; this names the real cause.
        guard access(directory, W_OK | X_OK) == 0 else {
            throw SQLiteError(
                code: SQLITE_CANTOPEN,
                message: "state_dir \(directory) is not writable: \(String(cString: strerror(errno)))")
        }
        database = try SQLiteDatabase(path: Self.path(in: directory), mode: .readWriteCreate)
        // WAL: readers (the CLI, /giveups) never block the writer, and a commit appends to the log instead of
        // rewriting pages. synchronous=NORMAL syncs the log only at checkpoints, not at each commit: a crash of the
        // process loses nothing (the log is in the kernel's page cache), only a power loss or kernel panic can lose
        // the last transactions. FULL would fsync every batch, which is what a burst of give-ups must not wait on.
        guard try database.firstText("PRAGMA journal_mode = WAL")?.lowercased() == "wal" else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "\(database.path): WAL mode refused")
        }
        try database.execute("PRAGMA synchronous = NORMAL")
        try JournalSchema.migrate(database)
    }

    /// Opens the journal in `directory` read-only, for `retryd giveups` and `/giveups`, beside a running writer.
    /// - Throws: `SQLiteError` when there is no journal there or it cannot be read.
    package init(readingIn directory: String) throws(SQLiteError) {
        database = try SQLiteDatabase(path: Self.path(in: directory), mode: .readOnly)
        let version = try database.userVersion
        // A file the running (older) retryd has not migrated yet still reads: the newer versions added no column.
        guard JournalSchema.readableVersions.contains(version) else {
            throw SQLiteError(
                code: SQLITE_CANTOPEN,
                message:
                    "\(database.path) has schema version \(version), expected \(JournalSchema.readableVersions.lowerBound) to \(JournalSchema.currentVersion)"
            )
        }
    }

    /// The journal's file in `directory`.
    package static func path(in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + JournalPolicy.fileName
    }

    /// Creates `directory` and its parents (mode 0700: the bodies may hold customer data) when missing.
    /// - Throws: `SQLiteError` with `SQLITE_CANTOPEN` naming the directory and the reason.
    package static func createDirectory(_ directory: String) throws(SQLiteError) {
        var isDirectory = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory else {
                throw SQLiteError(code: SQLITE_CANTOPEN, message: "state_dir \(directory) is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot create state_dir \(directory): \(error)")
        }
    }

    /// Writes `records` in one transaction; a delivery update for an unknown key changes nothing.
    /// - Returns: how many give-ups were inserted.
    @discardableResult
    package func write(_ records: [JournalRecord], now: Double) throws(SQLiteError) -> Int {
        try database.transaction { () throws(SQLiteError) in
            var inserted = 0
            var insert: Statement?
            var update: Statement?
            var insertEvent: Statement?
            var updateEvent: Statement?
            for record in records {
                switch record {
                case .giveUp(let report, let key, let body, let summarized):
                    if insert == nil { insert = try database.prepare(Self.insertSQL) }
                    try Self.bind(report, key: key, webhookBody: body, summarized: summarized, to: insert!)
                    try insert!.step()
                    insert!.reset()
                    inserted += 1
                case .delivery(let key, let change):
                    // The key is a give-up's or an event's: the other table has no such row and is left as is.
                    if update == nil { update = try database.prepare(Self.updateSQL) }
                    try Self.bind(change, key: key, now: now, to: update!)
                    try update!.step()
                    update!.reset()
                    if updateEvent == nil { updateEvent = try database.prepare(Self.updateEventSQL) }
                    try Self.bind(change, key: key, now: now, to: updateEvent!)
                    try updateEvent!.step()
                    updateEvent!.reset()
                case .event(let event):
                    if insertEvent == nil { insertEvent = try database.prepare(Self.insertEventSQL) }
                    try Self.bind(event, to: insertEvent!)
                    try insertEvent!.step()
                    insertEvent!.reset()
                }
            }
            return inserted
        }
    }

    /// Deletes rows older than `cutoff` (seconds since the epoch), then the oldest beyond `maxRows`.
    /// - Returns: how many rows were deleted.
    package func prune(olderThan cutoff: Double, maxRows: Int) throws(SQLiteError) -> Int {
        try database.transaction { () throws(SQLiteError) in
            var deleted = 0
            for table in ["giveups", "events"] {
                let byAge = try database.prepare("DELETE FROM \(table) WHERE time < ?1")
                try byAge.bind(cutoff, at: 1)
                try byAge.step()
                deleted += database.changes
                // Row ids increase with insertion, so the rows past the newest maxRows are the oldest.
                let byCount = try database.prepare(
                    "DELETE FROM \(table) WHERE id <= (SELECT id FROM \(table) ORDER BY id DESC LIMIT 1 OFFSET ?1)")
                try byCount.bind(max(maxRows, 0), at: 1)
                try byCount.step()
                deleted += database.changes
            }
            return deleted
        }
    }

    /// The events still to deliver, give-ups and upstream events together, oldest first.
    package func pendingDeliveries(limit: Int) throws(SQLiteError) -> [PendingDelivery] {
        let statement = try database.prepare(
            """
            SELECT idempotency_key, event, delivery_attempts, time FROM giveups WHERE delivery = 'pending'
            UNION ALL
            SELECT idempotency_key, CAST(detail AS BLOB), delivery_attempts, time FROM events WHERE delivery = 'pending'
            ORDER BY 4 LIMIT ?1
            """)
        try statement.bind(limit, at: 1)
        var result: [PendingDelivery] = []
        while try statement.step() {
            result.append(
                PendingDelivery(
                    idempotencyKey: statement.string(at: 0), body: statement.bytes(at: 1),
                    attempts: statement.int(at: 2)))
        }
        return result
    }

    /// The rows `query` asks for, newest first.
    package func giveUps(matching query: GiveUpQuery) throws(SQLiteError) -> [GiveUpEntry] {
        let reasons = query.reasons ?? []
        // One placeholder per reason code, after the three fixed ones.
        let reasonFilter =
            reasons.isEmpty
            ? "" : " AND reason_code IN (\((4..<4 + reasons.count).map { "?\($0)" }.joined(separator: ", ")))"
        let statement = try database.prepare(
            """
            SELECT id, time, upstream, method, path, final_status, reason, reason_code, attempts, request_ids, body,
                   idempotency_key, delivery, delivery_attempts, next_attempt_at, delivery_error, probes, verified,
                   request_key
            FROM giveups WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR upstream = ?2)\(reasonFilter)
            ORDER BY id DESC LIMIT ?3
            """)
        try statement.bind(query.since, at: 1)
        try statement.bind(query.upstream, at: 2)
        try statement.bind(max(query.limit, 0), at: 3)
        for (offset, reason) in reasons.enumerated() { try statement.bind(reason, at: Int32(4 + offset)) }
        var entries: [GiveUpEntry] = []
        while try statement.step() { entries.append(Self.entry(from: statement)) }
        return entries
    }

    /// Rows in the journal.
    package func count() throws(SQLiteError) -> Int {
        let statement = try database.prepare("SELECT count(*) FROM giveups")
        try statement.step()
        defer { statement.reset() }
        return statement.int(at: 0)
    }
}
