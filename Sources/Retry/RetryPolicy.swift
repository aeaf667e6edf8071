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

/// The retry rules for one upstream or one endpoint rule; defaults in one place.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, counting the first one (vendor guidance: four retries).
    public var maxAttempts = 5
    /// Bound on the whole exchange, waits included.
    public var deadline: Duration = .seconds(60)
    /// Statuses retried with backoff.
    public var retryStatuses: Set<Int> = [500, 502, 503, 504]
    /// Statuses retried after the announced reset.
    public var rateLimitStatuses: Set<Int> = [429]
    /// Statuses that mean "refused, not processed", so even a non-idempotent request may be retried.
    public var nonIdempotentStatuses: Set<Int> = [429, 503]
    /// The longest announced wait retryd will sit out; a longer one goes straight to the client.
    public var maxRateLimitWait: Duration = .seconds(60)
    /// Exponential backoff used when no schedule is set.
    public var backoff = Backoff()
    /// Fixed waits that replace the exponential backoff when set; the last entry repeats.
    public var schedule: [Duration]? = nil

    /// Creates the default policy.
    public init() {}
}

/// A per-endpoint override: the first rule whose methods and path match supplies the policy.
public struct EndpointRule: Sendable, Equatable {
    /// Methods the rule applies to (upper case); `nil` matches any method.
    public var methods: Set<String>?
    /// Path glob the rule applies to; `nil` matches any path.
    public var path: PathPattern?
    /// The complete policy (upstream policy with the rule's keys applied) used when the rule matches.
    public var policy: RetryPolicy

    /// Creates a rule.
    public init(methods: Set<String>? = nil, path: PathPattern? = nil, policy: RetryPolicy) {
        self.methods = methods
        self.path = path
        self.policy = policy
    }
}
