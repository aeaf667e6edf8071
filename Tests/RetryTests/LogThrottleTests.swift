import Retry
import Testing

/// A repeated warning is let through once per interval, with the count of what it stands for.
@Suite("LogThrottle")
struct LogThrottleTests {
    @Test("the first occurrence is admitted, later ones within the interval are counted into the next line")
    func throttles() {
        var throttle = LogThrottle(interval: .seconds(10))
        let second: Int64 = 1_000_000_000
        #expect(throttle.admit(now: 0) == 1)
        #expect(throttle.admit(now: 1 * second) == nil)
        #expect(throttle.admit(now: 9 * second) == nil)
        #expect(throttle.admit(now: 10 * second) == 3)
        #expect(throttle.admit(now: 25 * second) == 1)
        #expect(throttle.admit(now: 26 * second) == nil)
    }
}
