import Retry
import TestSupport

/// 2026-11-23T11:27:13Z, the wall clock every test pretends it is.
let testNow = 1_795_433_233.0

extension RetryPolicy {
    /// The default policy with deterministic waits (no jitter) unless a test asks otherwise.
    static func make(
        maxAttempts: Int = 5,
        deadline: Duration = .seconds(60),
        jitter: Jitter = .none,
        schedule: [Duration]? = nil,
        maxRateLimitWait: Duration = .seconds(60)
    ) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = maxAttempts
        policy.deadline = deadline
        policy.backoff.jitter = jitter
        policy.schedule = schedule
        policy.maxRateLimitWait = maxRateLimitWait
        return policy
    }
}

extension AttemptOutcome {
    /// A response outcome with optional headers.
    static func status(_ status: Int, _ headers: [(name: String, value: String)] = []) -> AttemptOutcome {
        .response(status: status, headers: headers)
    }

    static let connectionRefused = AttemptOutcome.failure(
        TransportFailure(kind: .unsent, message: "connection refused")
    )
    static let connectionReset = AttemptOutcome.failure(
        TransportFailure(kind: .maybeProcessed, message: "connection reset")
    )
}

/// Runs one decision on a fresh planner.
func decideOnce(
    _ outcome: AttemptOutcome,
    method: String = "GET",
    hasIdempotencyKey: Bool = false,
    replayable: Bool = true,
    policy: RetryPolicy = .make(),
    attempt: Int = 1,
    elapsed: Duration = .zero
) -> Decision {
    var planner = RetryPlanner(
        policy: policy,
        request: RequestTraits(method: method, hasIdempotencyKey: hasIdempotencyKey, replayable: replayable)
    )
    var random = SplitMix64(seed: 1)
    return planner.decide(outcome, attempt: attempt, elapsed: elapsed, now: testNow, using: &random)
}

/// Feeds the same outcome to one planner for every attempt and collects the waits until it stops retrying.
func waits(
    policy: RetryPolicy,
    outcome: AttemptOutcome = .status(503),
    seed: UInt64 = 7
) -> [Duration] {
    var planner = RetryPlanner(policy: policy, request: RequestTraits(method: "GET"))
    var random = SplitMix64(seed: seed)
    var result: [Duration] = []
    for attempt in 1... {
        guard
            case .retry(let wait, _) = planner.decide(
                outcome,
                attempt: attempt,
                elapsed: .zero,
                now: testNow,
                using: &random
            )
        else { return result }
        result.append(wait)
    }
    return result
}
