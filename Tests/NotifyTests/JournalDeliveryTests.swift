import Foundation
import Journal
import Logging
import TestSupport
import Testing

/// The notifier with a journal, in-process: the in-memory queue overflows into the journal instead of dropping.
@Suite struct JournalDeliveryTests {
    @Test func eventsPastMaxQueueWaitInTheJournalAndAreAllDeliveredOnceTheWebhookRecovers() throws {
        let directory = NSTemporaryDirectory() + "retryd-notify-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = LogCapture()
        let journal = Journal(directory: directory, logger: logs.logger)
        let accepting = LockedBox(false)
        // The keys the webhook took. Delivery is at least once (the Idempotency-Key lets a receiver drop a repeat):
        // under load one event was once taken twice, so the last six requests need not be the six events. What must
        // hold is that every journaled event was taken.
        let acceptedKeys = LockedBox<[String]>([])
        let webhook = try TestUpstream { request, _ in
            guard accepting.value else { return .respond(status: 503) }
            if let key = request.header("Idempotency-Key") { acceptedKeys.mutate { $0.append(key) } }
            return .respond(status: 204)
        }
        let vendor = try GiveUpNotifierTests.vendor()
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: webhook.baseURL + "/hook", logger: logs.logger, journal: journal
        ) { notify, policy in
            notify.maxQueue = 2
            notify.maxAttempts = 100
            policy.backoff.initial = .milliseconds(50)
            policy.backoff.max = .milliseconds(50)
        }
        for _ in 0..<6 {
            #expect(try harness.request().status == 503)
        }
        #expect(webhook.waitForRequests(1))
        journal.flush()
        #expect(try JournalStore(readingIn: directory).pendingDeliveries(limit: 100).count == 6)
        #expect(logs.messages(at: .notice).contains { $0.contains("waits in the journal") })

        accepting.set(true)
        #expect(
            harness.waitUntil(timeout: .seconds(10)) { harness.counters.delivered == 6 },
            "\(harness.counters.delivered)")
        journal.flush()
        let rows = try JournalStore(readingIn: directory).giveUps(matching: GiveUpQuery())
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0.delivery == .delivered })
        #expect(Set(acceptedKeys.value) == Set(rows.map(\.idempotencyKey)))
        journal.close()
    }

    @Test func aBreakerEventIsJournaledAndDeliveredWithTheKeyItWasStoredUnder() throws {
        let directory = NSTemporaryDirectory() + "retryd-notify-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = LogCapture()
        let journal = Journal(directory: directory, logger: logs.logger)
        let webhook = try TestUpstream { _, _ in .respond(status: 204) }
        let vendor = try GiveUpNotifierTests.vendor()
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: webhook.baseURL + "/hook", logger: logs.logger, journal: journal)
        harness.runtime.loop.execute { [harness] in
            // The observer calls come on the loop thread, as from the proxy.
            let notifier = harness.notifier
            notifier.healthEvent(upstream: "vendor", .breakerOpened(failures: 9, outcomes: 10, openFor: .seconds(5)))
            notifier.healthEvent(upstream: "vendor", .breakerHalfOpen)
            notifier.gateEvent(
                upstream: "vendor", bucket: "default",
                .closed(until: 1_800_000_000_000, status: 429, header: "Retry-After: 2", instance: nil, waiting: 3))
        }
        #expect(harness.waitUntil { harness.counters.delivered == 1 })
        journal.flush()
        let events = try JournalStore(readingIn: directory).events(matching: GiveUpQuery())
        #expect(events.map(\.kind).sorted() == ["breaker_open", "gate_closed"], "the half-open step is not kept")
        let open = try #require(events.first { $0.kind == "breaker_open" })
        #expect(open.delivery == .delivered)
        #expect(open.detail.contains(#""failures":9"#))
        #expect(events.first { $0.kind == "gate_closed" }?.delivery == DeliveryState.none)
        let delivery = try #require(webhook.requests.last)
        #expect(delivery.bodyString.contains(#""event":"breaker_open""#))
        journal.close()
    }
}
