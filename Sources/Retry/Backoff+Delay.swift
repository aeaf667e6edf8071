extension Backoff {
    /// The un-jittered delay before retry `retry` (1-based): `min(max, initial × multiplier^(retry−1))`.
    func baseDelay(forRetry retry: Int) -> Duration {
        let cap = Double(max.clampedNonNegative.nanosecondsClamped)
        var delay = Double(initial.clampedNonNegative.nanosecondsClamped)
        // Multiply step by step: no Foundation `pow`, and the loop stops as soon as the cap is reached.
        var step = 1
        while step < retry, delay < cap {
            delay *= multiplier
            step += 1
        }
        guard delay.isFinite, delay < cap else { return max.clampedNonNegative }
        return .nanoseconds(Int64(Swift.max(delay, 0).rounded()))
    }

    /// The delay before retry `retry` after jitter.
    /// - Parameters:
    ///   - retry: 1 for the first retry.
    ///   - previous: the wait before the previous retry (decorrelated jitter only); `nil` for the first retry.
    ///   - random: the source of randomness, passed in so tests are exact.
    func delay(
        forRetry retry: Int,
        previous: Duration?,
        using random: inout some RandomNumberGenerator
    ) -> Duration {
        switch jitter {
        case .none:
            return baseDelay(forRetry: retry)
        case .full:
            let delay = baseDelay(forRetry: retry).nanosecondsClamped
            return .nanoseconds(Int64.random(in: 0...delay, using: &random))
        case .equal:
            let delay = baseDelay(forRetry: retry).nanosecondsClamped
            return .nanoseconds(Int64.random(in: (delay - delay / 2)...delay, using: &random))
        case .decorrelated:
            let low = initial.clampedNonNegative.nanosecondsClamped
            let previous = (previous ?? initial).clampedNonNegative.nanosecondsClamped
            let (tripled, overflow) = previous.multipliedReportingOverflow(by: 3)
            let high = Swift.max(low, overflow ? .max : tripled)
            let drawn = Int64.random(in: low...high, using: &random)
            return .nanoseconds(Swift.min(drawn, max.clampedNonNegative.nanosecondsClamped))
        }
    }
}
