import Testing

@testable import Redis

@Suite struct ReconnectBackoffTests {
    @Test func doublesUpToTheCap() {
        let backoff = ReconnectBackoff(initial: .milliseconds(100), max: .seconds(5))
        let waits = (1...9).map { backoff.baseDelay(afterFailures: $0) }
        #expect(waits == [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000].map { Duration.milliseconds($0) })
        #expect(backoff.baseDelay(afterFailures: 10_000) == .seconds(5))
    }

    @Test func jitterStaysInTheUpperHalf() {
        let backoff = ReconnectBackoff()
        var random = SeededRandom(seed: 1)
        var seen = Set<Duration>()
        for _ in 0..<200 {
            let wait = backoff.delay(afterFailures: 3, using: &random)
            #expect(wait >= .milliseconds(200) && wait <= .milliseconds(400))
            seen.insert(wait)
        }
        #expect(seen.count > 100)
    }

    @Test func sameSeedSameWaits() {
        let backoff = ReconnectBackoff()
        var first = SeededRandom(seed: 42)
        var second = SeededRandom(seed: 42)
        #expect(backoff.delay(afterFailures: 2, using: &first) == backoff.delay(afterFailures: 2, using: &second))
    }
}
