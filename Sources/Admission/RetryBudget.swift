/// The retries an upstream may still add: requests deposit, retries withdraw, both over a sliding window.
///
/// Pure: times are monotonic nanoseconds passed in. Retries the vendor asked for (a rate limit's announced wait)
/// are not the caller's to withdraw: they wait for the vendor rather than add load while it is down.
package struct RetryBudget: Sendable, Equatable {
    /// The ratio, floor and window.
    package let policy: RetryBudgetPolicy
    private var requests: SlidingCounter
    private var retries: SlidingCounter

    /// Creates a full budget (the floor) with nothing counted.
    package init(policy: RetryBudgetPolicy) {
        self.policy = policy
        requests = SlidingCounter(window: policy.window)
        retries = SlidingCounter(window: policy.window)
    }

    /// A request's first attempt went upstream.
    package mutating func recordRequest(now: Int64) {
        requests.add(now: now)
    }

    /// Retries the window allows: `ratio × requests + minPerSecond × window`, rounded down.
    package func allowed(now: Int64) -> Int {
        let seconds = Double(policy.window.nanoseconds) / 1e9
        let allowance = policy.ratio * Double(requests.total(now: now)) + policy.minPerSecond * seconds
        return Int(allowance.rounded(.down))
    }

    /// Retries withdrawn in the window.
    package func spent(now: Int64) -> Int {
        retries.total(now: now)
    }

    /// Retries the window still allows.
    package func left(now: Int64) -> Int {
        max(allowed(now: now) - spent(now: now), 0)
    }

    /// Withdraws one retry when the window allows it; false when the budget is spent.
    package mutating func withdraw(now: Int64) -> Bool {
        guard left(now: now) > 0 else { return false }
        retries.add(now: now)
        return true
    }

    /// Requests counted in the window.
    package func requests(now: Int64) -> Int {
        requests.total(now: now)
    }
}
