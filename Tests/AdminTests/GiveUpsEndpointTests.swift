import Admin
import Foundation
import TestSupport
import Testing

/// `GET /giveups` and the journal's counters on `/metrics`.
@Suite struct GiveUpsEndpointTests {
    @Test func giveUpsRoutesWithItsQuery() {
        #expect(AdminRoute(method: "GET", target: "/giveups?since=1h&limit=2") == .giveUps(query: "since=1h&limit=2"))
        #expect(AdminRoute(method: "HEAD", target: "/giveups") == .giveUps(query: ""))
        #expect(AdminRoute(method: "POST", target: "/giveups") == .methodNotAllowed)
    }

    @Test func withoutAJournalGiveUpsIsANotFoundThatSaysWhy() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let response = try harness.request("/giveups")
        #expect(response.status == 404)
        #expect(response.bodyString.contains("\"no_journal\""))
    }

    @Test func withAJournalTheQueryIsAnsweredOffTheLoop() throws {
        let seen = LockedBox<[String]>([])
        let harness = try AdminHarness(
            try TestUpstream(responses: [.respond(status: 200)]),
            giveUps: { query in
                seen.mutate { $0.append(query) }
                return AdminResponse(
                    status: 200, contentType: "application/x-ndjson", body: Array("{\"id\":1}\n".utf8))
            })
        let response = try harness.request("/giveups?upstream=api&limit=1")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/x-ndjson")
        #expect(response.bodyString == "{\"id\":1}\n")
        #expect(seen.value == ["upstream=api&limit=1"])
        // The loop kept serving meanwhile, and still does.
        #expect(try harness.request("/healthz").status == 200)
    }

    @Test func journalCountersAreExposedFromZero() throws {
        let metrics = RetrydMetrics()
        let series = metrics.makeJournalSeries()
        var text = String(decoding: metrics.exposition(), as: UTF8.self)
        for name in ["written", "dropped", "pruned", "errors"] {
            #expect(text.contains("retryd_journal_\(name)_total 0"), "\(text)")
        }
        series.add(.errors, 1)
        series.add(.written, 3)
        text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("retryd_journal_errors_total 1"))
        #expect(text.contains("retryd_journal_written_total 3"))
    }
}
