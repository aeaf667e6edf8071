/// The journal's tables, versioned by `PRAGMA user_version`: each migration takes the file from version `i` to
/// `i + 1`, so a file written by an older retryd is brought up to date in place and a newer one is refused.
enum JournalSchema {
    static let migrations = [
        """
        CREATE TABLE giveups (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            upstream TEXT NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            final_status INTEGER,
            reason TEXT NOT NULL,
            reason_code TEXT NOT NULL,
            attempts TEXT NOT NULL,
            request_ids TEXT NOT NULL,
            body BLOB NOT NULL,
            event BLOB,
            idempotency_key TEXT NOT NULL UNIQUE,
            delivery TEXT NOT NULL,
            delivery_attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL,
            delivery_error TEXT
        );
        CREATE INDEX giveups_time ON giveups (time);
        CREATE INDEX giveups_pending ON giveups (id) WHERE delivery = 'pending';
        """,
        // Verify probes (issue 11): what was asked before re-sending, what it found, and the request's own key.
        """
        ALTER TABLE giveups ADD COLUMN probes TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE giveups ADD COLUMN verified TEXT;
        ALTER TABLE giveups ADD COLUMN request_key TEXT;
        """,
        // Upstream events (issues 10 and 12): breakers opening and closing, quota gates closing and opening. Breaker
        // events are webhook events too, delivered from here like give-ups.
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            upstream TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            delivery TEXT NOT NULL,
            delivery_attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL,
            delivery_error TEXT
        );
        CREATE INDEX events_time ON events (time);
        CREATE INDEX events_pending ON events (id) WHERE delivery = 'pending';
        """,
        // Refusals (issue 22): the breaker's, the gate's and the budget's are rows too, so in an outage most rows
        // are refusals and `--reason` / `?reason=` pick out the few give-ups, or one kind of refusal, among them.
        """
        CREATE INDEX giveups_reason ON giveups (reason_code, id);
        """,
    ]

    /// The version this build writes.
    static var currentVersion: Int { migrations.count }

    /// The versions a reader opens as they are: from the last that added a column up to this build's. A running
    /// older retryd keeps its file at its version until it restarts, and `retryd giveups` must still read it.
    static var readableVersions: ClosedRange<Int> { 3...currentVersion }

    /// Brings `database` to the current version in one transaction.
    /// - Throws: `SQLiteError` for a file from a newer retryd, or when a migration fails.
    static func migrate(_ database: SQLiteDatabase) throws(SQLiteError) {
        let version = try database.userVersion
        guard version <= currentVersion else {
            throw SQLiteError(
                code: 1,
                message: "\(database.path) has schema version \(version); this retryd knows up to \(currentVersion)")
        }
        guard version < currentVersion else { return }
        try database.transaction { () throws(SQLiteError) in
            for migration in migrations[version...] { try database.execute(migration) }
            try database.execute("PRAGMA user_version = \(currentVersion)")
        }
    }
}
