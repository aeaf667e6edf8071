import Foundation
import Retry
import TestSupport
import Testing

@testable import Journal

/// Refusals in the journal: one row each, picked out by reason, in files of every schema version.
@Suite struct RefusalRowTests {
    /// A request the breaker refused before its first attempt, as the proxy reports it.
    static func refusal(
        _ reason: GiveUpReason = .breakerOpen, upstream: String = "encoding", path: String = "/v1/jobs/9",
        time: Double = 1_800_000_000
    ) -> GiveUpReport {
        var report = GiveUpReport(
            upstream: upstream, method: "POST", path: path, attempts: [], reason: reason,
            requestIDs: [("X-Request-Id", "client-9")], time: time, finalStatus: reason == .gateClosed ? 429 : 503)
        report.idempotencyKey = "key-9"
        return report
    }

    @Test func aRefusalReadsBackWithItsReasonAndNoAttemptsOrBody() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        try store.write([.giveUp(Self.refusal(), idempotencyKey: "r1", webhookBody: nil, summarized: true)], now: 0)
        let entry = try #require(try JournalStore(readingIn: directory.path).giveUps(matching: GiveUpQuery()).first)
        #expect(entry.reasonCode == "breaker_open" && entry.reason == "circuit breaker open")
        #expect(entry.finalStatus == 503 && entry.method == "POST" && entry.path == "/v1/jobs/9")
        #expect(entry.attempts.isEmpty && entry.bodyPrefix.isEmpty)
        #expect(entry.requestIDs == [.init(name: "X-Request-Id", value: "client-9")])
        #expect(entry.requestKey == "key-9")
        #expect(entry.delivery == .summarized, "the webhook hears it in the breaker's event")
        #expect(try store.pendingDeliveries(limit: 10).isEmpty)
        #expect(entry.tableCells[3] == "503 circuit breaker open")
        #expect(entry.tableCells[4] == "-", "no attempt")
        #expect(entry.tableCells[7] == "summarized")
        #expect(entry.jsonLine.contains(#""reason_code":"breaker_open","attempts":[]"#))
        #expect(entry.jsonLine.contains(#""delivery":"summarized""#))
    }

    @Test func rowsArePickedOutByOneOrMoreReasonCodes() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        let reports: [GiveUpReport] = [
            .make(time: 1), Self.refusal(time: 2), Self.refusal(.gateClosed, time: 3),
            Self.refusal(.breakerOpen, upstream: "billing", time: 4), Self.refusal(.budgetExhausted, time: 5),
        ]
        try store.write(
            reports.enumerated().map { .giveUp($1, idempotencyKey: "k\($0)", webhookBody: nil) }, now: 0)
        func codes(_ query: GiveUpQuery) throws -> [String] {
            try store.giveUps(matching: query).map { "\($0.upstream) \($0.reasonCode)" }
        }
        #expect(try codes(GiveUpQuery(reasons: ["breaker_open"])) == ["billing breaker_open", "encoding breaker_open"])
        #expect(
            try codes(GiveUpQuery(upstream: "encoding", reasons: ["breaker_open", "gate_closed"]))
                == ["encoding gate_closed", "encoding breaker_open"])
        #expect(try codes(GiveUpQuery(reasons: ["attempts_exhausted"])) == ["encoding attempts_exhausted"])
        #expect(try codes(GiveUpQuery(reasons: ["breaker_open"], limit: 1)) == ["billing breaker_open"])
        #expect(try codes(GiveUpQuery()).count == 5, "no reason: every row")
        // The filter is answered from its index, not by reading every row.
        let plan = try store.database.prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM giveups WHERE reason_code IN ('breaker_open') ORDER BY id DESC")
        var steps: [String] = []
        while try plan.step() { steps.append(plan.string(at: 3)) }
        #expect(steps.contains { $0.contains("giveups_reason") }, "\(steps)")
    }

    @Test func reasonsParseFromTheFlagAndTheQueryStringAndAMisspeltOneIsAnError() throws {
        #expect(
            try GiveUpQuery.parse(since: nil, upstream: nil, reason: "breaker_open, gate_closed", limit: nil, now: 0)
                == GiveUpQuery(reasons: ["breaker_open", "gate_closed"]))
        #expect(
            try GiveUpQuery.parse(queryString: "reason=budget_exhausted%2Cbreaker_open&limit=3", now: 0)
                == GiveUpQuery(reasons: ["budget_exhausted", "breaker_open"], limit: 3))
        #expect(try GiveUpQuery.parse(queryString: "reason=", now: 0) == GiveUpQuery())
        #expect {
            try GiveUpQuery.parse(queryString: "reason=breaker_opn", now: 0)
        } throws: { error in
            let message = (error as? GiveUpQueryError)?.message ?? ""
            return message.hasPrefix("reason \"breaker_opn\" is not a reason code; write one or more of")
                && message.contains("gate_closed")
        }
        #expect(GiveUpQuery.reasonCodesHelp.hasPrefix("Refusals (the breaker, the quota gate or the retry budget"))
    }

    @Test func withoutAWebhookEveryRefusalIsARowAndTheBreakersClosingSaysHowManyItRefused() throws {
        let directory = TemporaryDirectory()
        let journal = Journal(directory: directory.path, logger: LogCapture().logger)
        let recorder = JournalRecorder(journal: journal)
        recorder.gaveUp(Self.refusal(time: 1))
        recorder.gaveUp(Self.refusal(path: "/v1/jobs/10", time: 2))
        recorder.gaveUp(.make(time: 3))
        recorder.healthEvent(upstream: "encoding", .breakerClosed(trials: 3))
        journal.flush()
        let reader = try JournalStore(readingIn: directory.path)
        let rows = try reader.giveUps(matching: GiveUpQuery())
        #expect(rows.map(\.reasonCode) == ["attempts_exhausted", "breaker_open", "breaker_open"])
        #expect(rows.allSatisfy { $0.delivery == DeliveryState.none }, "no webhook")
        let closed = try #require(try reader.events(matching: GiveUpQuery()).first)
        #expect(closed.kind == "breaker_closed")
        #expect(
            closed.detail.contains(#""refused":2,"refusedRequests":[{"method":"POST","path":"/v1/jobs/9","count":1"#))
        journal.close()
    }

    /// A file as retryd wrote it before refusals were rows (schema version 3), with one give-up.
    static func versionThreeFile(in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let old = try SQLiteDatabase(path: JournalStore.path(in: directory), mode: .readWriteCreate)
        for migration in JournalSchema.migrations[0..<3] { try old.execute(migration) }
        try old.execute("PRAGMA user_version = 3")
        try old.execute(
            """
            INSERT INTO giveups (time, upstream, method, path, final_status, reason, reason_code, attempts,
                request_ids, body, idempotency_key, delivery)
            VALUES (1, 'encoding', 'POST', '/v1/jobs', 503, 'circuit breaker open', 'breaker_open',
                '[{"outcome":"503","waitedAfter":null}]', '[]', x'', 'old', 'delivered')
            """)
    }

    @Test func aVersion3FileIsReadAsItIsAndMigratedByTheWriterWithItsRows() throws {
        let directory = TemporaryDirectory()
        try Self.versionThreeFile(in: directory.path)
        // `retryd giveups` beside a retryd that has not restarted yet: it reads the file without changing it.
        let reader = try JournalStore(readingIn: directory.path)
        #expect(try reader.database.userVersion == 3)
        #expect(try reader.giveUps(matching: GiveUpQuery(reasons: ["breaker_open"])).map(\.idempotencyKey) == ["old"])

        let store = try JournalStore(writingIn: directory.path)
        #expect(try store.database.userVersion == JournalSchema.currentVersion)
        #expect(
            try store.database.firstText("SELECT name FROM sqlite_master WHERE name = 'giveups_reason'")
                == "giveups_reason")
        try store.write([.giveUp(Self.refusal(time: 2), idempotencyKey: "new", webhookBody: nil)], now: 0)
        let rows = try store.giveUps(matching: GiveUpQuery(reasons: ["breaker_open"]))
        #expect(rows.map(\.idempotencyKey) == ["new", "old"])
        #expect(rows.last?.attempts == [.init(outcome: "503", waitedAfter: nil)] && rows.last?.delivery == .delivered)
    }

    @Test func aReaderRefusesAFileTooOldOrTooNewToRead() throws {
        for version in [2, JournalSchema.currentVersion + 1] {
            let directory = TemporaryDirectory()
            try Self.versionThreeFile(in: directory.path)
            let file = try SQLiteDatabase(path: JournalStore.path(in: directory.path), mode: .readWriteCreate)
            try file.execute("PRAGMA user_version = \(version)")
            #expect {
                try JournalStore(readingIn: directory.path)
            } throws: { error in
                "\(error)".contains("has schema version \(version), expected 3 to \(JournalSchema.currentVersion)")
            }
        }
    }
}
