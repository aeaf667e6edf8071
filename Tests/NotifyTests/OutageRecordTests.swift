import Foundation
import Journal
import Retry
import TestSupport
import Testing

/// Issue 22 as an operator saw it: in an outage every request retryd fails is a journal row, and the webhook hears
/// the refusals summed, not one event each.
@Suite struct OutageRecordTests {
    static func json(_ request: RecordedRequest) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
    }

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "retryd-outage-\(UUID().uuidString.prefix(8))"
    }

    /// Twenty requests to a vendor that answers 503 to everything, `max_attempts = 2` and the breaker's defaults
    /// (10 requests, half of them failing, open for 5 s, three trials) except `open_for`: 2 s, so the test need not
    /// wait 5 s for the closing.
    @Test func twentyRequestsToAVendorDownAreTwentyRowsAndTheBreakersRefusalsOneSummary() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = LogCapture()
        let journal = Journal(directory: directory, logger: logs.logger)
        defer { journal.close() }
        let healthy = LockedBox(false)
        let vendor = try TestUpstream(handler: { _, _ in
            healthy.value ? .respond(status: 200, text: "ok") : .respond(status: 503, text: "down")
        })
        let webhook = try TestUpstream { _, _ in .respond(status: 204) }
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: webhook.baseURL + "/hooks", vendorAttempts: 2, logger: logs.logger,
            journal: journal, configureUpstream: { $0.breaker.openFor = .seconds(2) })

        let statuses = try (0..<20).map { index in
            try TestClient.request(
                port: harness.port, target: "/v1/encodings/\(index)",
                headers: [("Host", "localhost"), ("X-Request-Id", "enc-\(index)")]
            ).status
        }
        #expect(statuses == Array(repeating: 503, count: 20))

        // The last answer can reach the client a moment before its row is handed to the journal.
        func rows() throws -> [GiveUpEntry] {
            journal.flush()
            return try JournalStore(readingIn: directory).giveUps(matching: GiveUpQuery()).reversed()
        }
        #expect(harness.waitUntil { (try? rows().count) == 20 }, "\((try? rows().count) ?? 0) rows")
        let journaled = try rows()
        #expect(journaled.count == 20)
        // Ten failures open the breaker; the ten after them never reach the vendor, and each is a row all the same.
        let gaveUp = journaled.prefix(10)
        let refused = journaled.suffix(10)
        #expect(gaveUp.allSatisfy { $0.reasonCode == "attempts_exhausted" && $0.attempts.count == 2 })
        #expect(refused.map(\.path) == (10..<20).map { "/v1/encodings/\($0)" })
        #expect(refused.allSatisfy { $0.reasonCode == "breaker_open" && $0.attempts.isEmpty && $0.finalStatus == 503 })
        #expect(refused.map { $0.requestIDs.first?.value } == (10..<20).map { "enc-\($0)" }, "the client's ids")
        #expect(refused.allSatisfy { $0.delivery == .summarized })
        #expect(vendor.requests.count == 20, "two attempts each for the first ten, none for the rest")

        // The vendor is back: after open_for two trials succeed and the breaker closes. Requests before then are
        // refused too, under their own path.
        healthy.set(true)
        let closing = try #require(
            poll(timeout: .seconds(10), every: .milliseconds(50)) { () -> [String: Any]? in
                _ = try? harness.request(target: "/v1/poll")
                return webhook.requests.compactMap(Self.json).first { $0["event"] as? String == "breaker_closed" }
            }, "the breaker never closed")
        let polled = try rows().filter { $0.path == "/v1/poll" }
        #expect(polled.allSatisfy { $0.reasonCode == "breaker_open" })

        // One summary: the closing says how many the breaker refused while open, per method and path.
        #expect(closing["refused"] as? Int == 10 + polled.count)
        let entries = try #require(closing["refusedRequests"] as? [[String: Any]])
        let counts = entries.map {
            "\($0["method"] as? String ?? "") \($0["path"] as? String ?? "") \($0["count"] as? Int ?? 0)"
        }
        #expect(
            counts == (10..<20).map { "GET /v1/encodings/\($0) 1" }
                + (polled.isEmpty ? [] : ["GET /v1/poll \(polled.count)"]))
        #expect((entries.first?["first"] as? String)?.hasSuffix("Z") == true)
        // Events go out in order, so everything queued before the closing has been heard by now: the ten give-ups
        // one each, the opening and the closing, and not one event per refusal.
        let heard = webhook.requests.compactMap(Self.json)
        #expect(
            heard.filter { $0["event"] == nil }.map { $0["reasonCode"] as? String }
                == Array(repeating: "attempts_exhausted", count: 10))
        #expect(heard.compactMap { $0["event"] as? String } == ["breaker_open", "breaker_closed"])
        // Nor one warning each: the first refusal's, and the rest summed in the next after 10 s (not reached here).
        let warnings = logs.messages(at: .warning)
        #expect(warnings.filter { $0.hasPrefix("retry gave up") }.count == 10)
        #expect(warnings.filter { $0.hasPrefix("refused") }.count == 1, "\(warnings)")
    }

    @Test func gateAndBudgetRefusalsAreSummedOncePerIntervalAndJournaledOneRowEach() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = LogCapture()
        let journal = Journal(directory: directory, logger: logs.logger)
        defer { journal.close() }
        let webhook = try TestUpstream { _, _ in .respond(status: 204) }
        let harness = try NotifyHarness(
            vendor: try GiveUpNotifierTests.vendor(), webhookURL: webhook.baseURL + "/hooks", logger: logs.logger,
            journal: journal
        ) { _, policy in policy.summaryInterval = .milliseconds(100) }
        @Sendable func report(_ reason: GiveUpReason, _ path: String) -> GiveUpReport {
            GiveUpReport(
                upstream: "encoding", method: "POST", path: path, attempts: [], reason: reason,
                time: Date().timeIntervalSince1970, finalStatus: 429)
        }
        harness.runtime.loop.execute { [harness] in
            // The observer calls come on the loop thread, as from the proxy.
            for path in ["/v1/a", "/v1/b", "/v1/a"] { harness.notifier.gaveUp(report(.gateClosed, path)) }
            harness.notifier.gaveUp(report(.budgetExhausted, "/v1/c"))
            harness.notifier.gaveUp(report(.attemptsExhausted, "/v1/d"))
        }
        #expect(webhook.waitForRequests(3))
        let heard = webhook.requests.compactMap(Self.json)
        #expect(heard.first?["reasonCode"] as? String == "attempts_exhausted", "a give-up goes at once, on its own")
        let summaries = heard.filter { $0["event"] as? String == "requests_refused" }
        #expect(summaries.map { $0["reason"] as? String } == ["gate_closed", "budget_exhausted"])
        #expect(summaries.map { $0["refused"] as? Int } == [3, 1])
        let gate = try #require(summaries.first?["refusedRequests"] as? [[String: Any]])
        #expect(
            gate.map { $0["path"] as? String } == ["/v1/a", "/v1/b"] && gate.map { $0["count"] as? Int } == [2, 1])

        // The next refusal starts the next summary.
        harness.runtime.loop.execute { [harness] in harness.notifier.gaveUp(report(.gateClosed, "/v1/e")) }
        #expect(webhook.waitForRequests(4))
        #expect(webhook.requests.last.flatMap(Self.json)?["refused"] as? Int == 1)

        #expect(harness.waitUntil { harness.counters.delivered == 4 })
        journal.flush()
        let reader = try JournalStore(readingIn: directory)
        let rows = try reader.giveUps(matching: GiveUpQuery())
        #expect(rows.count == 6)
        #expect(rows.filter { $0.delivery == .summarized }.count == 5)
        #expect(
            try reader.events(matching: GiveUpQuery()).map(\.kind) == Array(repeating: "requests_refused", count: 3))
    }
}
