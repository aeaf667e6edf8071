import Admission
import Testing

/// The quota headers vendors send, read into one report.
@Suite struct QuotaReportTests {
    let now = 1_795_433_233.0

    @Test func ratelimitHeadersAsMediagenixAndBeBanjoSendThem() {
        let report = QuotaReport.parse(
            [("Ratelimit-Limit", "20"), ("Ratelimit-Remaining", "7"), ("Ratelimit-Reset", "2")], now: now)
        #expect(report == QuotaReport(remaining: 7, resetAfter: .seconds(2), limit: 20))
    }

    @Test func xRateLimitWithAnEpochReset() {
        let report = QuotaReport.parse(
            [("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1795433263")],
            now: now)
        #expect(report == QuotaReport(remaining: 0, resetAfter: .seconds(30), limit: 100))
    }

    @Test func theIETFFieldsWithAPolicy() {
        let report = QuotaReport.parse(
            [("RateLimit", #""default";r=37;t=12"#), ("RateLimit-Policy", #""default";q=100;w=60"#)], now: now)
        #expect(report == QuotaReport(remaining: 37, resetAfter: .seconds(12), limit: 100, window: .seconds(60)))
    }

    @Test func theOlderListFormOfALimit() {
        let report = QuotaReport.parse(
            [("RateLimit-Limit", "100, 100;w=60"), ("RateLimit-Remaining", "5"), ("RateLimit-Reset", "9")], now: now)
        #expect(report?.limit == 100)
    }

    @Test(arguments: [
        [("Ratelimit-Remaining", "7")], [("Ratelimit-Reset", "2")],
        [("Ratelimit-Remaining", "x"), ("Ratelimit-Reset", "2")],
        [("RateLimit", "r=1;t")], [("Content-Type", "application/json")],
    ])
    func incompleteOrMalformedFieldsGiveNoReport(headers: [(String, String)]) {
        #expect(QuotaReport.parse(headers.map { (name: $0.0, value: $0.1) }, now: now) == nil)
    }
}
