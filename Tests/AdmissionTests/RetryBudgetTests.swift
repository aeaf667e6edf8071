import Admission
import Testing

/// The retry budget's arithmetic over its sliding window, driven with exact times.
@Suite struct RetryBudgetTests {
    static let second: Int64 = 1_000_000_000

    static func budget(ratio: Double = 0.2, minPerSecond: Double = 3, window: Duration = .seconds(10)) -> RetryBudget {
        var policy = RetryBudgetPolicy()
        policy.ratio = ratio
        policy.minPerSecond = minPerSecond
        policy.window = window
        return RetryBudget(policy: policy)
    }

    @Test("with no traffic the floor is min_per_second × window")
    func floor() {
        var budget = Self.budget()
        #expect(budget.allowed(now: 0) == 30)
        let taken = (0..<30).filter { _ in budget.withdraw(now: 0) }.count
        #expect(taken == 30)
        let refused = !budget.withdraw(now: 0)
        #expect(refused, "the 31st retry in the window is refused")
        #expect(budget.spent(now: 0) == 30)
        #expect(budget.left(now: 0) == 0)
    }

    @Test("requests add ratio × requests on top of the floor, rounded down")
    func ratio() {
        var budget = Self.budget(minPerSecond: 0)
        for _ in 0..<104 { budget.recordRequest(now: Self.second) }
        #expect(budget.allowed(now: Self.second) == 20, "0.2 × 104 = 20.8")
        let taken = (0..<21).filter { _ in budget.withdraw(now: Self.second) }.count
        #expect(taken == 20)
        budget.recordRequest(now: Self.second)
        let another = budget.withdraw(now: Self.second)
        #expect(another, "the 105th request makes room for a 21st retry")
    }

    @Test("requests and retries older than the window no longer count")
    func slidingWindow() {
        var budget = Self.budget(ratio: 0.5, minPerSecond: 0)
        for _ in 0..<10 { budget.recordRequest(now: 0) }
        let taken = (0..<5).filter { _ in budget.withdraw(now: 0) }.count
        #expect(taken == 5)
        #expect(budget.left(now: 9 * Self.second) == 0, "still inside the window")
        // A tenth of the window later the first slot has left it: its requests and its retries.
        #expect(budget.requests(now: 10 * Self.second) == 0)
        #expect(budget.spent(now: 10 * Self.second) == 0)
        for _ in 0..<4 { budget.recordRequest(now: 10 * Self.second) }
        #expect(budget.left(now: 10 * Self.second) == 2)
    }

    @Test("a slot reused after a full turn of the ring starts from zero")
    func ringReuse() {
        var budget = Self.budget(ratio: 1, minPerSecond: 0, window: .seconds(1))
        for _ in 0..<7 { budget.recordRequest(now: 0) }
        // Exactly one window later the same ring slot holds the new slot number.
        budget.recordRequest(now: Self.second)
        #expect(budget.requests(now: Self.second) == 1)
        #expect(budget.allowed(now: Self.second) == 1)
    }

    @Test("an outage at a steady rate adds at most ratio × requests + floor retries per window")
    func outageAmplification() {
        var budget = Self.budget()
        var attempts = 0
        var requests = 0
        // 50 requests per second for 20 s, each of whose attempts fails and would be retried four times.
        for tick in 0..<(20 * 50) {
            let now = Int64(tick) * Self.second / 50
            budget.recordRequest(now: now)
            requests += 1
            attempts += 1
            for _ in 0..<4 where budget.withdraw(now: now) { attempts += 1 }
        }
        let bound = Double(requests) * 1.2 + 3 * 20
        #expect(Double(attempts) <= bound, "\(attempts) attempts for \(requests) requests")
        #expect(Double(attempts) / Double(requests) <= 1.3)
        #expect(attempts > requests, "the budget still allows some retries")
    }
}
