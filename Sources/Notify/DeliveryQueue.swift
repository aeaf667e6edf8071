import Retry

/// The pure core of webhook delivery: a bounded queue of events, one attempt at a time, each event retried by a
/// `RetryPlanner`. It reads no clock and draws no randomness of its own, so every step is reproducible in tests.
///
/// The event being delivered counts toward `capacity` and, being the oldest, is the first dropped when a new
/// event does not fit: a webhook that keeps failing one event must not starve the fresher ones behind it.
package struct DeliveryQueue: Sendable {
    /// What became of the attempt that just ended.
    package enum Verdict: Sendable, Equatable {
        /// The webhook answered 2xx after `attempts` attempts.
        case delivered(attempts: Int)
        /// Attempt `attempt` failed; the same event goes again after `wait`.
        case retry(after: Duration, reason: RetryReason, attempt: Int)
        /// The webhook answered `status`, which retrying cannot fix (4xx other than 429, 3xx); the event is dropped.
        case rejected(status: Int, attempts: Int)
        /// Retrying stopped for `reason`; `history` lists every attempt.
        case failed(GiveUpReason, history: [GiveUpReport.Attempt])
    }

    private struct Current: Sendable {
        var event: WebhookEvent
        var planner: RetryPlanner
        var attempts = 0
        var startedAt: Duration
        var inFlight = false
    }

    /// Events held at most, the one being delivered included.
    package let capacity: Int
    /// The retry policy every event follows.
    package let policy: RetryPolicy
    /// Events the webhook accepted.
    package private(set) var delivered = 0
    /// Events dropped to make room for newer ones.
    package private(set) var dropped = 0
    /// Events given up on: rejected by the webhook or out of attempts.
    package private(set) var failed = 0
    private var current: Current?
    private var waiting: [WebhookEvent] = []

    /// Creates an empty queue.
    /// - Parameters:
    ///   - capacity: Events held at most (at least 1).
    ///   - policy: How each event is retried.
    package init(capacity: Int, policy: RetryPolicy) {
        self.capacity = max(capacity, 1)
        self.policy = policy
    }

    /// Events held, the one being delivered included.
    package var count: Int { waiting.count + (current == nil ? 0 : 1) }

    /// Whether an event is being delivered (an attempt in flight or a wait before the next one).
    package var isBusy: Bool { current != nil }

    /// Adds an event, dropping the oldest when full.
    /// - Returns: true when the dropped event was the one being delivered: its attempt or wait must be abandoned.
    package mutating func enqueue(_ event: WebhookEvent) -> Bool {
        waiting.append(event)
        guard count > capacity else { return false }
        dropped += 1
        if current != nil {
            current = nil
            return true
        }
        waiting.removeFirst()
        return false
    }

    /// The event to send now: the current one once its wait is over, else the oldest waiting one.
    /// - Parameter now: Monotonic time; the event's deadline counts from its first attempt.
    /// - Returns: nil while an attempt is in flight or nothing is queued.
    package mutating func nextAttempt(at now: Duration) -> WebhookEvent? {
        if current == nil {
            guard !waiting.isEmpty else { return nil }
            // Every event carries its own Idempotency-Key, so repeating a POST cannot apply it twice.
            let traits = RequestTraits(method: "POST", hasIdempotencyKey: true)
            current = Current(
                event: waiting.removeFirst(), planner: RetryPlanner(policy: policy, request: traits), startedAt: now)
        }
        guard var next = current, !next.inFlight else { return nil }
        next.inFlight = true
        next.attempts += 1
        current = next
        return next.event
    }

    /// Feeds the outcome of the attempt in flight.
    /// - Parameters:
    ///   - outcome: The webhook's response, or the transport failure.
    ///   - now: Monotonic time, as passed to ``nextAttempt(at:)``.
    ///   - wallClock: Seconds since the Unix epoch, for `Retry-After` dates.
    ///   - random: The jitter source.
    package mutating func attemptEnded(
        _ outcome: AttemptOutcome,
        at now: Duration,
        wallClock: Double,
        using random: inout some RandomNumberGenerator
    ) -> Verdict {
        guard var delivery = current, delivery.inFlight else {
            preconditionFailure("attemptEnded without an attempt in flight")
        }
        if case .response(let status, _) = outcome, (200..<300).contains(status) {
            delivered += 1
            current = nil
            return .delivered(attempts: delivery.attempts)
        }
        let decision = delivery.planner.decide(
            outcome, attempt: delivery.attempts, elapsed: now - delivery.startedAt, now: wallClock, using: &random)
        switch decision {
        case .retry(let wait, let reason):
            delivery.inFlight = false
            current = delivery
            return .retry(after: wait, reason: reason, attempt: delivery.attempts)
        case .giveUp(let reason):
            failed += 1
            current = nil
            return .failed(reason, history: delivery.planner.history)
        case .deliver:
            // The planner delivers what it would not retry; only a response gets here (a failure is retryable).
            failed += 1
            current = nil
            guard case .response(let status, _) = outcome else { return .failed(.notRetryable, history: []) }
            return .rejected(status: status, attempts: delivery.attempts)
        }
    }
}
