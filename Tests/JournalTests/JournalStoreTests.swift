import Foundation
import Retry
import Testing

@testable import Journal

/// The journal file itself, written and read back through real SQLite files.
@Suite struct JournalStoreTests {
    @Test func aGiveUpReadsBackWithEveryField() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path + "/nested/state")
        let report = GiveUpReport.make(path: "/v1/jobs?api_key=secret")
        try store.write([.giveUp(report, idempotencyKey: "k1", webhookBody: report.jsonBytes)], now: 0)

        let reader = try JournalStore(readingIn: directory.path + "/nested/state")
        let entries = try reader.giveUps(matching: GiveUpQuery())
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry.upstream == "encoding")
        #expect(entry.method == "POST")
        #expect(entry.path == "/v1/jobs")
        #expect(entry.finalStatus == 503)
        #expect(entry.reason == "attempts exhausted")
        #expect(entry.reasonCode == "attempts_exhausted")
        #expect(
            entry.attempts == [
                .init(outcome: "503", waitedAfter: 0.25), .init(outcome: "connection refused", waitedAfter: nil),
            ])
        #expect(entry.requestIDs == [.init(name: "X-Request-Id", value: "req-7")])
        #expect(entry.bodyPrefix == Array("busy".utf8))
        #expect(entry.time == 1_800_000_000)
        #expect(entry.idempotencyKey == "k1")
        #expect(entry.delivery == .pending)
        #expect(
            try reader.pendingDeliveries(limit: 10) == [
                .init(idempotencyKey: "k1", body: report.jsonBytes, attempts: 0)
            ])
    }

    @Test func probesTheirVerdictAndTheRequestsKeyReadBack() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        var report = GiveUpReport.make()
        report.probes = [.init(outcome: "503", waitedAfter: .milliseconds(100)), .init(outcome: "404")]
        report.verdict = "unknown (the probe was answered 404)"
        report.idempotencyKey = "9f1c"
        try store.write([.giveUp(report, idempotencyKey: "k", webhookBody: nil)], now: 0)
        let entry = try #require(try JournalStore(readingIn: directory.path).giveUps(matching: GiveUpQuery()).first)
        #expect(entry.probes == [.init(outcome: "503", waitedAfter: 0.1), .init(outcome: "404", waitedAfter: nil)])
        #expect(entry.verdict == "unknown (the probe was answered 404)")
        #expect(entry.requestKey == "9f1c")
        #expect(entry.jsonLine.contains(#""probes":[{"outcome":"503","waited_after":0.1},"#))
        #expect(entry.jsonLine.contains(#""request_key":"9f1c""#))
        #expect(entry.tableCells[4].hasSuffix("probe 503, probe 404: unknown (the probe was answered 404)"))
    }

    @Test func aVersion1FileIsBroughtUpToDateWithItsRows() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        // A file as the first journal release wrote it.
        let old = try SQLiteDatabase(path: directory.path + "/" + JournalPolicy.fileName, mode: .readWriteCreate)
        try old.execute(JournalSchema.migrations[0])
        try old.execute("PRAGMA user_version = 1")
        try old.execute(
            """
            INSERT INTO giveups (time, upstream, method, path, reason, reason_code, attempts, request_ids, body,
                idempotency_key, delivery) VALUES (1, 'a', 'GET', '/', 'r', 'c', '[]', '[]', x'', 'k', 'none')
            """)
        let store = try JournalStore(writingIn: directory.path)
        #expect(try store.database.userVersion == JournalSchema.currentVersion)
        let entry = try #require(try store.giveUps(matching: GiveUpQuery()).first)
        #expect(entry.idempotencyKey == "k" && entry.probes.isEmpty && entry.verdict == nil)
    }

    @Test func upstreamEventsAreKeptAndThePendingOnesDeliveredWithTheGiveUpsInTimeOrder() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        func event(_ kind: String, at time: Double, key: String, delivered: Bool) -> JournalRecord {
            .event(
                UpstreamEvent(
                    time: time, upstream: "encoding", kind: kind, detail: Array("{\"event\":\"\(kind)\"}".utf8),
                    idempotencyKey: key, delivered: delivered))
        }
        try store.write(
            [
                event("breaker_open", at: 10, key: "e1", delivered: true),
                .giveUp(.make(time: 5), idempotencyKey: "g1", webhookBody: [1]),
                event("gate_closed", at: 7, key: "e2", delivered: false),
                .giveUp(.make(time: 12), idempotencyKey: "g2", webhookBody: [2]),
            ], now: 0)
        #expect(try store.pendingDeliveries(limit: 10).map(\.idempotencyKey) == ["g1", "e1", "g2"])
        #expect(try store.pendingDeliveries(limit: 10)[1].body == Array(#"{"event":"breaker_open"}"#.utf8))
        try store.write([.delivery(idempotencyKey: "e1", .delivered)], now: 0)
        #expect(try store.pendingDeliveries(limit: 10).map(\.idempotencyKey) == ["g1", "g2"])
        let events = try store.events(matching: GiveUpQuery())
        #expect(events.map(\.kind) == ["gate_closed", "breaker_open"], "newest first by row")
        #expect(events.last?.delivery == .delivered && events.first?.delivery == DeliveryState.none)
        let line = try #require(events.first?.jsonLine)
        #expect(line.contains(#""kind":"gate_closed","detail":{"event":"gate_closed"},"delivery":"none""#))
        #expect(UpstreamEventEntry.table(events).contains("breaker_open"))
        // Retention applies to events too.
        #expect(try store.prune(olderThan: 8, maxRows: 100) == 2, "the give-up at 5 and the event at 7")
        #expect(try store.events(matching: GiveUpQuery()).map(\.kind) == ["breaker_open"])
    }

    @Test func theFileIsInWALModeWithTheCurrentSchemaVersion() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        #expect(try store.database.firstText("PRAGMA journal_mode") == "wal")
        #expect(try store.database.firstText("PRAGMA synchronous") == "1", "NORMAL")
        #expect(try store.database.userVersion == JournalSchema.currentVersion)
        // Opening again migrates nothing and keeps the rows.
        try store.write([.giveUp(.make(), idempotencyKey: "a", webhookBody: nil)], now: 0)
        #expect(try JournalStore(writingIn: directory.path).count() == 1)
    }

    @Test func deliveryUpdatesMoveOnlyPendingEvents() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        try store.write(
            [
                .giveUp(.make(), idempotencyKey: "a", webhookBody: [1]),
                .giveUp(.make(), idempotencyKey: "b", webhookBody: [2]),
                .giveUp(.make(), idempotencyKey: "c", webhookBody: nil),
                .delivery(idempotencyKey: "a", .retrying(error: "503", nextAttemptAt: 5)),
                .delivery(idempotencyKey: "a", .delivered),
                // Late: a delivered event stays delivered.
                .delivery(idempotencyKey: "a", .failed(error: "late")),
                .delivery(idempotencyKey: "b", .retrying(error: "connection refused", nextAttemptAt: 9)),
            ], now: 0)

        let entries = Dictionary(
            uniqueKeysWithValues: try store.giveUps(matching: GiveUpQuery()).map { ($0.idempotencyKey, $0) })
        #expect(entries["a"]?.delivery == .delivered)
        #expect(entries["a"]?.deliveryAttempts == 2)
        #expect(entries["b"]?.delivery == .pending)
        #expect(entries["b"]?.nextAttemptAt == 9)
        #expect(entries["b"]?.deliveryError == "connection refused")
        #expect(entries["c"]?.delivery == DeliveryState.none)
        #expect(try store.pendingDeliveries(limit: 10).map(\.idempotencyKey) == ["b"])
        #expect(try store.pendingDeliveries(limit: 10).first?.attempts == 1)
    }

    @Test func queriesFilterBySinceAndUpstreamNewestFirst() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        try store.write(
            (0..<6).map { index in
                .giveUp(
                    .make(upstream: index.isMultiple(of: 2) ? "encoding" : "assets", time: 1000 + Double(index)),
                    idempotencyKey: "k\(index)", webhookBody: nil)
            }, now: 0)

        #expect(try store.giveUps(matching: GiveUpQuery(limit: 2)).map(\.idempotencyKey) == ["k5", "k4"])
        #expect(try store.giveUps(matching: GiveUpQuery(since: 1003)).map(\.idempotencyKey) == ["k5", "k4", "k3"])
        #expect(
            try store.giveUps(matching: GiveUpQuery(since: 1001, upstream: "encoding")).map(\.idempotencyKey)
                == ["k4", "k2"])
    }

    @Test func pruningDropsRowsPastTheAgeAndTheOldestPastTheCount() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        try store.write(
            (0..<10).map { .giveUp(.make(time: 100 + Double($0)), idempotencyKey: "k\($0)", webhookBody: nil) },
            now: 0)

        #expect(try store.prune(olderThan: 102, maxRows: 100) == 2)
        #expect(try store.prune(olderThan: 0, maxRows: 5) == 3)
        #expect(try store.giveUps(matching: GiveUpQuery()).map(\.idempotencyKey) == ["k9", "k8", "k7", "k6", "k5"])
        #expect(try store.prune(olderThan: 0, maxRows: 5) == 0)
    }

    @Test func aStateDirThatIsAFileCannotBeOpened() throws {
        let directory = TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.path, contents: Data("x".utf8))
        #expect(throws: SQLiteError.self) { try JournalStore(writingIn: directory.path + "/state") }
        #expect(throws: SQLiteError.self) { try JournalStore(writingIn: directory.path) }
    }

    @Test func readingWhereNoJournalIsFails() throws {
        let directory = TemporaryDirectory()
        #expect(throws: SQLiteError.self) { try JournalStore(readingIn: directory.path) }
        #expect(!FileManager.default.fileExists(atPath: directory.path), "a reader creates nothing")
    }
}

/// A full disk, simulated with `max_page_count`: SQLite answers `SQLITE_FULL` exactly as for a full file system.
@Suite struct JournalFullDiskTests {
    @Test func aBatchThatDoesNotFitIsRolledBackWholeAndWritingResumesOnceThereIsRoom() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(writingIn: directory.path)
        try store.write([.giveUp(.make(), idempotencyKey: "before", webhookBody: nil)], now: 0)
        let pages = try #require(Int(try store.database.firstText("PRAGMA page_count") ?? ""))
        _ = try store.database.firstText("PRAGMA max_page_count = \(pages)")
        let big = String(repeating: "x", count: 400)
        let batch: [JournalRecord] = (0..<200).map {
            .giveUp(.make(body: big), idempotencyKey: "k\($0)", webhookBody: Array(big.utf8))
        }
        let error = try #require(throws: SQLiteError.self) { try store.write(batch, now: 0) }
        #expect(error.primaryCode == 13, "SQLITE_FULL: \(error)")
        #expect(try store.count() == 1, "nothing of the failed batch is left")

        _ = try store.database.firstText("PRAGMA max_page_count = 1000000")
        try store.write(batch, now: 0)
        #expect(try store.count() == 201)
    }
}
