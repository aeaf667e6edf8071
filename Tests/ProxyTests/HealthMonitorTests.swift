import Admission
import Testing

@testable import Proxy

/// The locked shell around ``UpstreamHealth``: what it answers without taking the lock.
@Suite("Health monitor")
struct HealthMonitorTests {
    @Test("isActive follows the policies, and a reload that turns both off (or one on again) changes it")
    func activeFollowsReloads() {
        let monitor = HealthMonitor(budget: .off, breaker: .off, now: 0)
        #expect(!monitor.isActive)
        monitor.reconfigure(budget: RetryBudgetPolicy(), breaker: .off, now: 1)
        #expect(monitor.isActive)
        monitor.reconfigure(budget: .off, breaker: .off, now: 2)
        #expect(!monitor.isActive)
        monitor.reconfigure(budget: .off, breaker: BreakerPolicy(), now: 3)
        #expect(monitor.isActive)
        #expect(HealthMonitor(budget: RetryBudgetPolicy(), breaker: BreakerPolicy(), now: 0).isActive)
    }
}
