/// How waits between attempts grow when the upstream announces nothing.
public enum Jitter: String, Sendable, CaseIterable {
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
public struct Backoff: Sendable, Equatable {
    /// The delay before the first retry.
    public var initial: Duration
    /// The growth factor between consecutive retries.
    public var multiplier: Double
    /// The cap on any single computed delay.
    public var max: Duration
    /// How the computed delay is randomised.
    public var jitter: Jitter

    /// Creates backoff parameters; the defaults follow vendor guidance of 2 s, 4 s, 8 s, ...
    public init(
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
