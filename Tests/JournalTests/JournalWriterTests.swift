import Foundation
import Journal
import Logging
import Retry
import TestSupport
import Testing

/// The writer thread: hand-off, batching, retention and failures, against real files.
@Suite struct JournalWriterTests {
    @Test func recordsHandedOverAreWrittenAndPendingOnesLoadInOrder() throws {
        let directory = TemporaryDirectory()
        let journal = Journal(directory: directory.path, logger: LogCapture().logger)
        for index in 0..<50 {
            journal.record(.giveUp(.make(), idempotencyKey: "k\(index)", webhookBody: Array("e\(index)".utf8)))
        }
        journal.record(.delivery(idempotencyKey: "k0", .delivered))
        let loaded = LockedBox<[PendingDelivery]>([])
        journal.loadPending(limit: 3) { loaded.set($0) }
        journal.flush()
        #expect(loaded.value.map(\.idempotencyKey) == ["k1", "k2", "k3"])
        #expect(loaded.value.first?.body == Array("e1".utf8))
        #expect(journal.counters.written == 50)
        journal.close()
        #expect(try JournalStore(readingIn: directory.path).count() == 50)
    }

    @Test func retentionPrunesByAgeAndCountAndCountsIt() throws {
        let directory = TemporaryDirectory()
        var policy = JournalPolicy()
        policy.maxRows = 10
        policy.batchLimit = 5
        policy.retention = .seconds(3600)
        let now = 1_800_000_000.0
        let journal = Journal(directory: directory.path, policy: policy, logger: LogCapture().logger, clock: { now })
        // Two hours old: pruned by age at the next prune.
        journal.record(.giveUp(.make(time: now - 7200), idempotencyKey: "old", webhookBody: nil))
        journal.flush()
        for index in 0..<25 {
            journal.record(.giveUp(.make(time: now), idempotencyKey: "k\(index)", webhookBody: nil))
        }
        journal.close()

        let rows = try JournalStore(readingIn: directory.path).giveUps(matching: GiveUpQuery(limit: 1000))
        #expect(rows.count == 10)
        #expect(rows.first?.idempotencyKey == "k24")
        #expect(!rows.contains { $0.idempotencyKey == "old" })
        #expect(journal.counters.pruned == 16)
    }

    @Test func aFullHandOffDropsCountsAndLogsOnce() throws {
        let directory = TemporaryDirectory()
        // A state_dir that cannot exist keeps the writer failing; a tiny hand-off fills at once.
        FileManager.default.createFile(atPath: directory.path, contents: Data())
        var policy = JournalPolicy()
        policy.queueCapacity = 1
        let capture = LogCapture()
        let journal = Journal(directory: directory.path + "/state", policy: policy, logger: capture.logger)
        var accepted = 0
        for index in 0..<200 where journal.record(.giveUp(.make(), idempotencyKey: "k\(index)", webhookBody: nil)) {
            accepted += 1
        }
        journal.close()
        #expect(journal.counters.dropped == 200, "\(accepted) accepted, none written")
        #expect(journal.counters.written == 0)
        #expect(journal.counters.errors >= 1)
        let errors = capture.messages(at: .error)
        #expect(errors.filter { $0.contains("hand-off full") }.count == 1, "\(errors)")
        #expect(errors.filter { $0.contains("opening failed") }.count == 1, "\(errors)")
        #expect(errors.contains { $0.contains("is not a directory") || $0.contains("cannot create") })
    }

    @Test func aCorruptFileIsMovedAsideAndANewJournalStarts() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let garbage = Data(repeating: 0x5a, count: 8192)
        FileManager.default.createFile(atPath: JournalStore.path(in: directory.path), contents: garbage)
        let capture = LogCapture()
        let journal = Journal(directory: directory.path, logger: capture.logger)
        journal.record(.giveUp(.make(), idempotencyKey: "after", webhookBody: nil))
        journal.close()

        #expect(journal.counters.written == 1)
        #expect(journal.counters.errors == 1)
        #expect(try JournalStore(readingIn: directory.path).count() == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.contains { $0.hasPrefix("journal.db.corrupt-") }, "\(names)")
        #expect(capture.messages(at: .error).contains { $0.contains("moved it to") })
    }
}
