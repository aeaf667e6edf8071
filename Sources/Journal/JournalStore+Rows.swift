import FoundationEssentials
import Retry

extension JournalStore {
    static let insertSQL = """
        INSERT OR IGNORE INTO giveups (time, upstream, method, path, final_status, reason, reason_code, attempts,
            request_ids, body, event, idempotency_key, delivery, probes, verified, request_key)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
        """

    // Only a pending event changes: a late update must not revive one that was delivered or failed.
    static let updateSQL = """
        UPDATE giveups SET delivery = ?2, delivery_attempts = delivery_attempts + 1, next_attempt_at = ?3,
            delivery_error = ?4
        WHERE idempotency_key = ?1 AND delivery = 'pending'
        """

    static func bind(
        _ report: GiveUpReport, key: String, webhookBody: [UInt8]?, summarized: Bool, to statement: Statement
    ) throws(SQLiteError) {
        func entries(_ attempts: [GiveUpReport.Attempt]) -> [GiveUpEntry.Attempt] {
            attempts.map { GiveUpEntry.Attempt(outcome: $0.outcome, waitedAfter: $0.waitedAfter.map(Self.seconds)) }
        }
        let attempts = entries(report.attempts)
        let ids = report.requestIDs.map { GiveUpEntry.RequestID(name: $0.name, value: $0.value) }
        try statement.bind(report.time, at: 1)
        try statement.bind(report.upstream, at: 2)
        try statement.bind(report.method, at: 3)
        try statement.bind(report.path, at: 4)
        try statement.bind(report.finalStatus, at: 5)
        try statement.bind(report.reason.description, at: 6)
        try statement.bind(report.reason.code, at: 7)
        try statement.bind(encode(attempts), at: 8)
        try statement.bind(encode(ids), at: 9)
        try statement.bind(report.bodyPrefix, at: 10)
        if let webhookBody { try statement.bind(webhookBody, at: 11) } else { try statement.bind(nil as Int?, at: 11) }
        try statement.bind(key, at: 12)
        let delivery: DeliveryState = webhookBody != nil ? .pending : summarized ? .summarized : .none
        try statement.bind(delivery.rawValue, at: 13)
        try statement.bind(encode(entries(report.probes)), at: 14)
        try statement.bind(report.verdict, at: 15)
        try statement.bind(report.idempotencyKey, at: 16)
    }

    static func bind(_ change: DeliveryUpdate, key: String, now: Double, to statement: Statement) throws(SQLiteError) {
        try statement.bind(key, at: 1)
        switch change {
        case .retrying(let error, let next):
            try statement.bind(DeliveryState.pending.rawValue, at: 2)
            try statement.bind(next, at: 3)
            try statement.bind(error, at: 4)
        case .delivered:
            try statement.bind(DeliveryState.delivered.rawValue, at: 2)
            try statement.bind(nil as Double?, at: 3)
            try statement.bind(nil as String?, at: 4)
        case .failed(let error):
            try statement.bind(DeliveryState.failed.rawValue, at: 2)
            try statement.bind(nil as Double?, at: 3)
            try statement.bind(error, at: 4)
        }
    }

    static func entry(from row: Statement) -> GiveUpEntry {
        GiveUpEntry(
            id: Int64(row.int(at: 0)), time: row.double(at: 1), upstream: row.string(at: 2), method: row.string(at: 3),
            path: row.string(at: 4), finalStatus: row.optionalInt(at: 5), reason: row.string(at: 6),
            reasonCode: row.string(at: 7), attempts: decode(row.string(at: 8)) ?? [],
            requestIDs: decode(row.string(at: 9)) ?? [], bodyPrefix: row.bytes(at: 10),
            idempotencyKey: row.string(at: 11), delivery: DeliveryState(rawValue: row.string(at: 12)) ?? .none,
            deliveryAttempts: row.int(at: 13), nextAttemptAt: row.optionalDouble(at: 14),
            deliveryError: row.optionalString(at: 15), probes: decode(row.string(at: 16)) ?? [],
            verdict: row.optionalString(at: 17), requestKey: row.optionalString(at: 18))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func encode<Element: Encodable>(_ value: [Element]) -> String {
        // A refusal has no attempts, probes or vendor ids, and an outage writes thousands: no encoder for those.
        if value.isEmpty { return "[]" }
        // Plain structs of strings and numbers always encode.
        return (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    private static func decode<T: Decodable>(_ text: String) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
