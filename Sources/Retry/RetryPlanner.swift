/// Per-exchange retry state machine: fed each attempt's outcome, it answers deliver, retry after a wait, or give up.
///
/// It reads no clock and draws no randomness of its own: the caller passes elapsed time, wall-clock time and a
/// random source, so every decision is reproducible in tests.
package struct RetryPlanner: Sendable {
    /// The policy this exchange follows.
    package let policy: RetryPolicy
    /// The client's request, as far as retry safety is concerned.
    package let request: RequestTraits
    /// Each decided attempt with the wait chosen after it, for the give-up report.
    package var history: [GiveUpReport.Attempt] {
        guard let latest else { return earlier }
        return earlier + [latest]
    }
    /// The history but its latest entry: most exchanges make one attempt, and an array of one was an allocation per
    /// request for a report that is rarely written.
    private var earlier: [GiveUpReport.Attempt] = []
    /// The latest entry of the history, kept inline.
    private var latest: GiveUpReport.Attempt?
    /// The previous backoff wait; decorrelated jitter grows from it.
    private var previousBackoff: Duration?
    /// Whether the upstream as a whole takes another retry; the caller sets it before each outcome is decided.
    package var allowance = RetryAllowance.allowed

    /// Creates the planner for one client exchange.
    package init(policy: RetryPolicy, request: RequestTraits) {
        self.policy = policy
        self.request = request
    }

    /// Decides what follows the attempt that just finished.
    /// - Parameters:
    ///   - outcome: how the attempt ended.
    ///   - attempt: 1-based number of that attempt.
    ///   - elapsed: time since the exchange started, from a monotonic clock.
    ///   - now: wall-clock time as seconds since the Unix epoch, for HTTP-dates and epoch resets.
    ///   - random: the jitter source.
    ///   - knownUnapplied: the outcome may look processed, but a verify probe is to show (or showed) it was not: the
    ///     method's idempotency does not matter.
    package mutating func decide(
        _ outcome: AttemptOutcome,
        attempt: Int,
        elapsed: Duration,
        now: Double,
        using random: inout some RandomNumberGenerator,
        knownUnapplied: Bool = false
    ) -> Decision {
        var decision = evaluate(
            outcome, attempt: attempt, elapsed: elapsed, now: now, using: &random, knownUnapplied: knownUnapplied)
        // A rate limit's retry waits for the vendor's own signal, so it adds no load the budget must bound.
        if case .retry(_, let reason) = decision, case .denied(let refusal) = allowance {
            if case .rateLimited = reason {} else { decision = .giveUp(refusal) }
        }
        var waited: Duration?
        if case .retry(let wait, _) = decision { waited = wait }
        record(GiveUpReport.Attempt(outcome: outcome.summary, waitedAfter: waited))
        return decision
    }

    /// Records an attempt that ends the exchange whatever the policy says (a failure no retry can fix), so the
    /// give-up report still lists it.
    package mutating func recordFinal(_ outcome: AttemptOutcome) {
        record(GiveUpReport.Attempt(outcome: outcome.summary, waitedAfter: nil))
    }

    private mutating func record(_ attempt: GiveUpReport.Attempt) {
        if let latest { earlier.append(latest) }
        latest = attempt
    }

    /// How long the next attempt may run: `min(attemptTimeout, deadline − elapsed)`; nil once the deadline passed.
    package func attemptBudget(elapsed: Duration, attemptTimeout: Duration) -> Duration? {
        let remaining = policy.deadline - elapsed
        guard remaining > .zero else { return nil }
        return min(attemptTimeout, remaining)
    }

    private mutating func evaluate(
        _ outcome: AttemptOutcome,
        attempt: Int,
        elapsed: Duration,
        now: Double,
        using random: inout some RandomNumberGenerator,
        knownUnapplied: Bool
    ) -> Decision {
        guard let reason = classify(outcome) else { return .deliver }
        if let refusal = safetyRefusal(for: reason, knownUnapplied: knownUnapplied) { return .giveUp(refusal) }
        guard policy.maxAttempts > 1 else { return .giveUp(.notRetryable) }
        guard elapsed < policy.deadline else { return .giveUp(.deadlineExceeded) }
        guard attempt < policy.maxAttempts else { return .giveUp(.attemptsExhausted) }
        // A wait that ends exactly at the deadline would leave the next attempt no time at all.
        let remaining = policy.deadline - elapsed

        if case .response(_, let headers) = outcome,
            let announced = RateLimitHeaders.announcedWait(in: headers, now: now)
        {
            guard announced <= policy.maxRateLimitWait, announced < remaining else {
                return .giveUp(.waitTooLong(announced))
            }
            return .retry(after: announced, reason: reason)
        }

        let wait = backoffWait(forRetry: attempt, using: &random)
        guard wait < remaining else { return .giveUp(.deadlineExceeded) }
        previousBackoff = wait
        return .retry(after: wait, reason: reason)
    }

    /// Whether `outcome` calls for a verify probe before any repeat: the request is not idempotent and the outcome
    /// says it may have been processed (a failure after sending, or a status in `verifyOn`).
    package func needsVerification(_ outcome: AttemptOutcome, verifyOn: Set<Int>) -> Bool {
        guard !request.isIdempotent else { return false }
        switch outcome {
        case .response(let status, _): return verifyOn.contains(status)
        case .failure(let failure): return failure.kind == .maybeProcessed
        }
    }

    /// The retry reason for a retryable outcome, or nil when the outcome is final.
    private func classify(_ outcome: AttemptOutcome) -> RetryReason? {
        switch outcome {
        case .response(let status, _):
            if policy.rateLimitStatuses.contains(status) { return .rateLimited(status) }
            if policy.retryStatuses.contains(status) { return .status(status) }
            return nil
        case .failure(let failure):
            return failure.kind == .unsent ? .unsent : .maybeProcessed
        }
    }

    /// Why repeating the request could do harm, or nil when it cannot.
    private func safetyRefusal(for reason: RetryReason, knownUnapplied: Bool) -> GiveUpReason? {
        switch reason {
        case .unsent:
            // Nothing reached the upstream and nothing of a streamed body was consumed.
            return nil
        case .maybeProcessed:
            if !request.isIdempotent && !knownUnapplied { return .notSafeToRetry }
        case .status(let status), .rateLimited(let status):
            // RFC 9110 §9.2.2: only statuses that mean "refused, not processed" make a repeat safe.
            if !request.isIdempotent && !knownUnapplied && !policy.nonIdempotentStatuses.contains(status) {
                return .notSafeToRetry
            }
        }
        return request.replayable ? nil : .bodyNotReplayable
    }

    /// The wait before retry `retry` when the upstream announced none: the schedule if set, else backoff.
    private func backoffWait(forRetry retry: Int, using random: inout some RandomNumberGenerator) -> Duration {
        if let schedule = policy.schedule, let last = schedule.last {
            let entry = retry - 1 < schedule.count ? schedule[max(retry - 1, 0)] : last
            return entry.clampedNonNegative
        }
        return policy.backoff.delay(forRetry: retry, previous: previousBackoff, using: &random)
    }
}
