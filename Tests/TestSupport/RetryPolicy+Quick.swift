import Retry

extension RetryPolicy {
    /// The default policy with quick, exact backoff: 50 ms, then 100 ms, 200 ms, ... up to 1 s, without jitter, so
    /// a pure test knows every wait and a live test has a known lower bound for each gap.
    package static func quick(maxAttempts: Int = 5, deadline: Duration = .seconds(10)) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = maxAttempts
        policy.deadline = deadline
        policy.backoff = Backoff(initial: .milliseconds(50), multiplier: 2, max: .seconds(1), jitter: .none)
        return policy
    }
}
