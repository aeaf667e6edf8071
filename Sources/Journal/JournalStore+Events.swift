extension JournalStore {
    static let insertEventSQL = """
        INSERT OR IGNORE INTO events (time, upstream, kind, detail, idempotency_key, delivery)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """

    // As for give-ups: only a pending event changes.
    static let updateEventSQL = """
        UPDATE events SET delivery = ?2, delivery_attempts = delivery_attempts + 1, next_attempt_at = ?3,
            delivery_error = ?4
        WHERE idempotency_key = ?1 AND delivery = 'pending'
        """

    static func bind(_ event: UpstreamEvent, to statement: Statement) throws(SQLiteError) {
        try statement.bind(event.time, at: 1)
        try statement.bind(event.upstream, at: 2)
        try statement.bind(event.kind, at: 3)
        try statement.bind(String(decoding: event.detail, as: UTF8.self), at: 4)
        try statement.bind(event.idempotencyKey, at: 5)
        try statement.bind(event.delivered ? DeliveryState.pending.rawValue : DeliveryState.none.rawValue, at: 6)
    }

    /// The upstream events `query` asks for (its `since`, `upstream` and `limit`), newest first.
    package func events(matching query: GiveUpQuery) throws(SQLiteError) -> [UpstreamEventEntry] {
        let statement = try database.prepare(
            """
            SELECT id, time, upstream, kind, detail, delivery, delivery_attempts FROM events
            WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR upstream = ?2)
            ORDER BY id DESC LIMIT ?3
            """)
        try statement.bind(query.since, at: 1)
        try statement.bind(query.upstream, at: 2)
        try statement.bind(max(query.limit, 0), at: 3)
        var entries: [UpstreamEventEntry] = []
        while try statement.step() {
            entries.append(
                UpstreamEventEntry(
                    id: Int64(statement.int(at: 0)), time: statement.double(at: 1), upstream: statement.string(at: 2),
                    kind: statement.string(at: 3), detail: statement.string(at: 4),
                    delivery: DeliveryState(rawValue: statement.string(at: 5)) ?? .none,
                    deliveryAttempts: statement.int(at: 6)))
        }
        return entries
    }
}
