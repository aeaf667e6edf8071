/// Why an attempt is being retried; its description is a short label for logs and metrics.
package enum RetryReason: Sendable, Equatable, CustomStringConvertible {
    /// A status from `retryStatuses`.
    case status(Int)
    /// A status from `rateLimitStatuses`.
    case rateLimited(Int)
    /// A transport failure before the request could have been sent.
    case unsent
    /// A transport failure after sending, retried because the request is idempotent.
    case maybeProcessed

    /// "503", "429", "connect failed" or "no response".
    package var description: String {
        switch self {
        case .status(let status), .rateLimited(let status): String(status)
        case .unsent: "connect failed"
        case .maybeProcessed: "no response"
        }
    }
}

/// Why retryd failed a request: the planner stopped retrying it, or one of the upstream's protections (the breaker,
/// the retry budget, the quota gate) refused it, before its first attempt or a retry.
package enum GiveUpReason: Sendable, Equatable, CustomStringConvertible {
    /// `maxAttempts` attempts were made.
    case attemptsExhausted
    /// The exchange deadline passed, or the next backoff wait would reach it.
    case deadlineExceeded
    /// The upstream announced a wait longer than `maxRateLimitWait` or than what is left of the deadline.
    case waitTooLong(Duration)
    /// The request is not idempotent and the upstream may have applied it.
    case notSafeToRetry
    /// The body was streamed to the upstream and cannot be sent again.
    case bodyNotReplayable
    /// A verify probe could not tell whether the request took effect, so it was not sent again.
    case verifyInconclusive
    /// The policy allows no retries at all (`maxAttempts` ≤ 1), or the failure is one no retry can fix
    /// (the upstream's certificate does not verify, the URL is unusable).
    case notRetryable
    /// The upstream's retry budget is spent: retries already add as much load as it allows.
    case budgetExhausted
    /// The upstream's circuit breaker is open (or trying whether the vendor is back).
    case breakerOpen
    /// The quota gate would not let the first attempt go before the request's deadline or `maxRateLimitWait`.
    case gateClosed
    /// retryd stopped (its shutdown timeout passed) before the request could complete: the client got retryd's 503,
    /// or the vendor's retryable answer that was waiting to be retried.
    case shuttingDown

    /// A human-readable phrase for logs, e.g. "announced wait 120s too long".
    package var description: String {
        switch self {
        case .attemptsExhausted: "attempts exhausted"
        case .deadlineExceeded: "deadline exceeded"
        case .waitTooLong(let wait): "announced wait \(wait.compactDescription) too long"
        case .notSafeToRetry: "not safe to retry"
        case .bodyNotReplayable: "body not replayable"
        case .verifyInconclusive: "verify inconclusive"
        case .notRetryable: "not retryable"
        case .budgetExhausted: "retry budget exhausted"
        case .breakerOpen: "circuit breaker open"
        case .gateClosed: "quota gate closed"
        case .shuttingDown: "retryd shutting down"
        }
    }

    /// A stable snake_case label for metrics and machine consumers, e.g. "wait_too_long".
    package var code: String {
        switch self {
        case .attemptsExhausted: "attempts_exhausted"
        case .deadlineExceeded: "deadline_exceeded"
        case .waitTooLong: "wait_too_long"
        case .notSafeToRetry: "not_safe_to_retry"
        case .bodyNotReplayable: "body_not_replayable"
        case .verifyInconclusive: "verify_inconclusive"
        case .notRetryable: "not_retryable"
        case .budgetExhausted: "budget_exhausted"
        case .breakerOpen: "breaker_open"
        case .gateClosed: "gate_closed"
        case .shuttingDown: "shutting_down"
        }
    }

    /// Every ``code``, for a filter that must name a real one.
    package static let codes = [
        "attempts_exhausted", "deadline_exceeded", "wait_too_long", "not_safe_to_retry", "body_not_replayable",
        "verify_inconclusive", "not_retryable", "budget_exhausted", "breaker_open", "gate_closed", "shutting_down",
    ]

    /// The ``code`` of every reason that ``isRefusal``.
    package static let refusalCodes: Set = ["budget_exhausted", "breaker_open", "gate_closed"]

    /// Whether a protection of the whole upstream (breaker, budget, gate) stopped the request rather than its own
    /// retry rules. In an outage these are most requests: each keeps its journal row, but the webhook and the log
    /// hear them summed, not one event and one warning each.
    package var isRefusal: Bool {
        switch self {
        case .breakerOpen, .budgetExhausted, .gateClosed: true
        case .attemptsExhausted, .deadlineExceeded, .waitTooLong, .notSafeToRetry, .bodyNotReplayable,
            .verifyInconclusive, .notRetryable, .shuttingDown:
            false
        }
    }
}

/// What the proxy does after an attempt.
package enum Decision: Sendable, Equatable {
    /// The outcome is final and not a failure (2xx, 3xx, 4xx other than rate limits): give it to the client as is.
    case deliver
    /// Wait, then make another attempt.
    case retry(after: Duration, reason: RetryReason)
    /// Stop: the last response goes to the client unchanged, or a 502/504 from `GiveUpResponse` for a failure.
    case giveUp(GiveUpReason)
}
