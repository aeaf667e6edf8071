import Retry
import Testing

@Suite struct RateLimitHeadersTests {
    /// The instant of RFC 9110's examples, `Sun, 06 Nov 1994 08:49:37 GMT`.
    private let rfcExample = 784_111_777.0

    @Test func retryAfterDelaySeconds() {
        #expect(RateLimitHeaders.retryAfter("120", now: testNow) == .seconds(120))
        #expect(RateLimitHeaders.retryAfter(" 0 ", now: testNow) == .zero)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun, 6 Nov 1994 08:49:37 GMT",
    ])
    func httpDateFormats(text: String) {
        #expect(RateLimitHeaders.httpDate(text) == rfcExample)
    }

    @Test func httpDateEdges() {
        #expect(RateLimitHeaders.httpDate("Fri, 31 Dec 1999 23:59:59 GMT") == 946_684_799)
        #expect(RateLimitHeaders.httpDate("Thu, 29 Feb 2024 00:00:00 GMT") == 1_709_164_800)
        #expect(RateLimitHeaders.httpDate("Wed, 31 Dec 1969 23:59:59 GMT") == -1)
        #expect(RateLimitHeaders.httpDate("Thu Feb 29 00:00:00 2024") == 1_709_164_800)
    }

    @Test func rfc850TwoDigitYearFollowsTheFiftyYearRule() {
        // In 2026, "30" is 2030 (less than 50 years ahead) and "94" is 1994 (2094 would be more).
        #expect(RateLimitHeaders.httpDate("Tuesday, 01-Jan-30 00:00:00 GMT", now: testNow) == 1_893_456_000)
        #expect(RateLimitHeaders.httpDate("Sunday, 06-Nov-94 08:49:37 GMT", now: testNow) == rfcExample)
    }

    @Test(arguments: [
        "", "abc", "12abc", "1.5", "-5", "+5", "0x10",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Tue, 29 Feb 2023 00:00:00 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Funday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT trailing",
    ])
    func malformedRetryAfterIsIgnored(text: String) {
        #expect(RateLimitHeaders.retryAfter(text, now: testNow) == nil)
    }

    @Test func retryAfterDateIsMeasuredFromNowAndPastDatesClampToZero() {
        #expect(RateLimitHeaders.retryAfter("Fri, 31 Dec 1999 23:59:59 GMT", now: 946_684_799 - 30) == .seconds(30))
        #expect(RateLimitHeaders.retryAfter("Fri, 31 Dec 1999 23:59:59 GMT", now: testNow) == .zero)
    }

    @Test func hugeDelaySaturatesInsteadOfCrashing() throws {
        let wait = try #require(RateLimitHeaders.retryAfter("99999999999999999999999999", now: testNow))
        #expect(wait > .seconds(1_000_000_000))
    }

    @Test func rateLimitResetSeconds() {
        #expect(announced(("RateLimit-Reset", "30")) == .seconds(30))
        #expect(announced(("RateLimit-Reset", "1.5")) == .milliseconds(1500))
        #expect(announced(("RateLimit-Reset", "-3")) == .zero)
        #expect(announced(("RateLimit-Reset", "soon")) == nil)
    }

    @Test func rateLimitFieldTakesTheLargestT() {
        #expect(announced(("RateLimit", "\"default\";r=0;t=30")) == .seconds(30))
        #expect(announced(("RateLimit", "\"burst\";r=0;t=10, \"daily\";r=0;t=50, day;r=3;t=7")) == .seconds(50))
        #expect(announced(("RateLimit", "\"default\";r=0;t=-5")) == .zero)
        #expect(announced(("RateLimit", "(a b);t=12, \"x\";q=:aGk=:;b;t=4")) == .seconds(12))
    }

    @Test(arguments: [
        "\"default\";r=0;t=", "\"default\";r=0;t=30,", "\"default\";t=30 junk", "\"unterminated;t=30",
        "\"default\";r=0", "\"default\";t=1.5", "\"default\";T=30",
    ])
    func rateLimitFieldWithoutAUsableTIsIgnored(field: String) {
        #expect(announced(("RateLimit", field)) == nil)
    }

    @Test func xRateLimitResetEpochOrDelta() {
        #expect(announced(("X-RateLimit-Reset", String(Int(testNow) + 42))) == .seconds(42))
        #expect(announced(("X-RateLimit-Reset", "42")) == .seconds(42))
        #expect(announced(("X-RateLimit-Reset", String(Int(testNow) - 10))) == .zero)
        #expect(announced(("X-RateLimit-Reset", "999999999")) == .seconds(999_999_999))
        #expect(announced(("X-RateLimit-Reset", "later")) == nil)
    }

    @Test func largestAnnouncementWins() {
        let headers: [(name: String, value: String)] = [
            ("Retry-After", "10"), ("ratelimit-reset", "20"), ("X-RATELIMIT-RESET", "5"),
            ("RateLimit", "\"default\";r=0;t=15"),
        ]
        #expect(RateLimitHeaders.announcedWait(in: headers, now: testNow) == .seconds(20))
    }

    @Test func malformedFieldsAreSkippedWhileOthersCount() {
        let headers: [(name: String, value: String)] = [
            ("Retry-After", "Someday"), ("RateLimit", "t=;;"), ("RateLimit-Reset", "7"), ("X-RateLimit-Reset", "x"),
        ]
        #expect(RateLimitHeaders.announcedWait(in: headers, now: testNow) == .seconds(7))
        #expect(RateLimitHeaders.announcedWait(in: [("Retry-After", "nope")], now: testNow) == nil)
        #expect(RateLimitHeaders.announcedWait(in: [("Content-Type", "10")], now: testNow) == nil)
    }

    @Test func zeroIsAnAnnouncementNotAnAbsence() {
        #expect(RateLimitHeaders.announcedWait(in: [("Retry-After", "0")], now: testNow) == .zero)
    }

    private func announced(_ header: (name: String, value: String)) -> Duration? {
        RateLimitHeaders.announcedWait(in: [header], now: testNow)
    }
}
