import Retry
import Testing

@Suite struct BackoffTests {
    /// Retries 1...8 of the default backoff before jitter: 2, 4, 8, 16, then capped at 30.
    private let baseDelays: [Duration] = [2, 4, 8, 16, 30, 30, 30, 30].map { .seconds($0) }

    @Test func noJitterDoublesUpToTheCap() {
        #expect(waits(policy: .make(maxAttempts: 9)) == baseDelays)
    }

    @Test func multiplierAndInitialComeFromThePolicy() {
        var policy = RetryPolicy.make(maxAttempts: 5)
        policy.backoff.initial = .milliseconds(500)
        policy.backoff.multiplier = 1.5
        policy.backoff.max = .seconds(1)
        #expect(waits(policy: policy) == [.milliseconds(500), .milliseconds(750), .seconds(1), .seconds(1)])
    }

    @Test func hugeMultiplierIsCappedWithoutOverflow() {
        var policy = RetryPolicy.make(maxAttempts: 4)
        policy.backoff.multiplier = 1e300
        #expect(waits(policy: policy) == [.seconds(2), .seconds(30), .seconds(30)])
    }

    @Test func fullJitterStaysWithinZeroAndTheDelay() throws {
        let samples = try jitteredSamples(.full)
        for (retry, waits) in samples.enumerated() {
            let delay = baseDelays[retry]
            #expect(waits.allSatisfy { $0 >= .zero && $0 <= delay })
            // Uniform over the whole range, not clustered at one end.
            #expect(try #require(waits.min()) < delay / 4)
            #expect(try #require(waits.max()) > delay * 3 / 4)
        }
    }

    @Test func equalJitterStaysWithinHalfAndTheDelay() throws {
        let samples = try jitteredSamples(.equal)
        for (retry, waits) in samples.enumerated() {
            let delay = baseDelays[retry]
            #expect(waits.allSatisfy { $0 >= delay / 2 && $0 <= delay })
            #expect(try #require(waits.min()) < delay * 6 / 10)
            #expect(try #require(waits.max()) > delay * 9 / 10)
        }
    }

    @Test func decorrelatedJitterGrowsFromThePreviousWaitAndRespectsTheCap() {
        var policy = RetryPolicy.make(maxAttempts: 12, jitter: .decorrelated)
        policy.backoff.initial = .seconds(1)
        policy.backoff.max = .seconds(20)
        var sawCap = false
        for seed in 1...200 as ClosedRange<UInt64> {
            let sequence = waits(policy: policy, seed: seed)
            #expect(sequence.count == 11)
            var previous = Duration.seconds(1)
            for wait in sequence {
                #expect(wait >= .seconds(1))
                #expect(wait <= min(.seconds(20), previous * 3))
                sawCap = sawCap || wait == .seconds(20)
                previous = wait
            }
        }
        #expect(sawCap)
    }

    @Test func jitterIsReproducibleForASeed() {
        let policy = RetryPolicy.make(maxAttempts: 6, jitter: .equal)
        #expect(waits(policy: policy, seed: 42) == waits(policy: policy, seed: 42))
        #expect(waits(policy: policy, seed: 42) != waits(policy: policy, seed: 43))
    }

    @Test func scheduleReplacesBackoffAndRepeatsItsLastEntry() {
        let policy = RetryPolicy.make(
            maxAttempts: 6,
            jitter: .full,
            schedule: [.seconds(1), .seconds(5), .seconds(10)]
        )
        #expect(waits(policy: policy) == [.seconds(1), .seconds(5), .seconds(10), .seconds(10), .seconds(10)])
    }

    @Test func emptyScheduleFallsBackToBackoff() {
        #expect(waits(policy: .make(maxAttempts: 3, schedule: [])) == [.seconds(2), .seconds(4)])
    }

    /// 400 exchanges of five retries each, grouped by retry number.
    private func jitteredSamples(_ jitter: Jitter) throws -> [[Duration]] {
        var byRetry = [[Duration]](repeating: [], count: 5)
        for seed in 1...400 as ClosedRange<UInt64> {
            let sequence = waits(policy: .make(maxAttempts: 6, jitter: jitter), seed: seed)
            try #require(sequence.count == 5)
            for (retry, wait) in sequence.enumerated() { byRetry[retry].append(wait) }
        }
        return byRetry
    }
}
