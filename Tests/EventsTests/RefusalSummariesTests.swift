import Events
import Foundation
import Retry
import Testing

/// Which refusals go into the breaker's closing and which into a periodic `requests_refused` summary.
@Suite struct RefusalSummariesTests {
    typealias Fixture = RefusalTallyTests

    @Test("give-ups are not counted: they are events of their own")
    func giveUpsAreNotCounted() {
        var summaries = RefusalSummaries()
        let counted = [.attemptsExhausted, .waitTooLong(.seconds(30))].map {
            summaries.add(Fixture.report($0, time: 1))
        }
        #expect(counted == [false, false])
        #expect(!summaries.hasPendingSummaries)
        #expect(summaries.breakerClosed(upstream: "encoding").isEmpty)
    }

    @Test("the breaker's refusals wait for its closing, per upstream, and start anew after it")
    func breakerRefusalsWaitForTheClosing() {
        var summaries = RefusalSummaries()
        let reports = [
            Fixture.report(.breakerOpen, time: 1), Fixture.report(.breakerOpen, time: 2),
            Fixture.report(.breakerOpen, time: 3, upstream: "billing"),
        ]
        #expect(reports.map { summaries.add($0) } == [true, true, true])
        #expect(!summaries.hasPendingSummaries, "no periodic summary for the breaker's")
        let closed = summaries.breakerClosed(upstream: "encoding")
        #expect(closed.total == 2 && closed.first == 1 && closed.last == 2)
        #expect(summaries.breakerClosed(upstream: "encoding").isEmpty)
        #expect(summaries.breakerClosed(upstream: "billing").total == 1)
    }

    @Test("gate and budget refusals are summed per upstream and reason until taken")
    func gateAndBudgetSummaries() throws {
        var summaries = RefusalSummaries()
        let reports = [
            Fixture.report(.gateClosed, path: "/a", time: 1), Fixture.report(.budgetExhausted, path: "/a", time: 2),
            Fixture.report(.gateClosed, path: "/b", time: 3),
        ]
        #expect(reports.map { summaries.add($0) } == [true, true, true])
        #expect(summaries.hasPendingSummaries)
        let taken = summaries.takeSummaries()
        #expect(taken.map(\.reason) == ["gate_closed", "budget_exhausted"])
        #expect(taken.map(\.tally.total) == [2, 1])
        #expect(!summaries.hasPendingSummaries && summaries.takeSummaries().isEmpty)

        let object = try Fixture.object(taken[0].webhookBody(time: 1_800_000_000))
        #expect(object["event"] as? String == "requests_refused")
        #expect(object["upstream"] as? String == "encoding" && object["reason"] as? String == "gate_closed")
        #expect(object["refused"] as? Int == 2)
        #expect((object["refusedRequests"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == ["/a", "/b"])
        #expect(object["first"] as? String == "1970-01-01T00:00:01.000Z")
        #expect(object["last"] as? String == "1970-01-01T00:00:03.000Z")
        #expect(object["time"] as? String == "2027-01-15T08:00:00.000Z")
    }
}
