/// How waits between attempts grow when the upstream announces nothing.
package enum Jitter: String, Sendable, CaseIterable {
    /// The computed delay exactly.
    case none
    /// Uniform in `[0, d]`.
    case full
    /// Uniform in `[d/2, d]`.
    case equal
    /// `min(max, uniform(initial, 3 × previous wait))`.
    case decorrelated
}

/// Exponential backoff parameters: retry n waits `min(max, initial × multiplier^(n−1))`, then jitter.
package struct Backoff: Sendable, Equatable {
    /// The delay before the first retry.
    package var initial: Duration
    /// The growth factor between consecutive retries.
    package var multiplier: Double
    /// The cap on any single computed delay.
    package var max: Duration
    /// How the computed delay is randomised.
    package var jitter: Jitter

    /// Creates backoff parameters; the defaults follow vendor guidance of 2 s, 4 s, 8 s, ...
    package init(
        initial: Duration = .seconds(2),
        multiplier: Double = 2,
        max: Duration = .seconds(30),
        jitter: Jitter = .equal
    ) {
        self.initial = initial
        self.multiplier = multiplier
        self.max = max
        self.jitter = jitter
    }
}
