import Loop

/// How long a client waits before reconnecting: `initial` doubling per consecutive failure up to `max`, then a
/// random point in the upper half, so that instances which lost Redis together do not reconnect together.
package struct ReconnectBackoff: Sendable, Equatable {
    /// The wait before the first reconnect.
    package var initial: Duration
    /// The cap on any wait.
    package var max: Duration

    /// Creates a schedule; the defaults reconnect within 100 ms and back off to 5 s.
    package init(initial: Duration = .milliseconds(100), max: Duration = .seconds(5)) {
        self.initial = initial
        self.max = max
    }

    /// The un-jittered wait after `failures` consecutive failures (1 for the first).
    func baseDelay(afterFailures failures: Int) -> Duration {
        let cap = Swift.max(max.nanoseconds, 0)
        var delay = Swift.max(initial.nanoseconds, 0)
        var step = 1
        while step < failures, delay < cap {
            delay = delay > cap / 2 ? cap : delay * 2
            step += 1
        }
        return .nanoseconds(Swift.min(delay, cap))
    }

    /// The jittered wait after `failures` consecutive failures: uniform in `[d/2, d]`.
    func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let delay = baseDelay(afterFailures: failures).nanoseconds
        return .nanoseconds(Int64.random(in: (delay - delay / 2)...delay, using: &random))
    }
}
