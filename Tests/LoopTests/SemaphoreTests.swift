import Testing

@testable import Loop

/// The pthread semaphore, condition and thread start that replaced Foundation's `DispatchSemaphore`,
/// `NSCondition` and `Thread`.
@Suite struct SemaphoreTests {
    @Test func signalsGivenBeforeWaitingAreKept() {
        let semaphore = Semaphore(value: 1)
        semaphore.signal()
        semaphore.wait()
        #expect(semaphore.wait(timeout: .zero))
        #expect(!semaphore.wait(timeout: .zero))
    }

    @Test func timedWaitGivesUpAfterItsTimeout() {
        let semaphore = Semaphore()
        let started = ContinuousClock.now
        #expect(!semaphore.wait(timeout: .milliseconds(50)))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(50) && waited < .seconds(5))
    }

    @Test func aThreadStartedDetachedRunsAndWakesTheWaiter() {
        let ran = LockedValue(0)
        let done = Semaphore()
        for _ in 0..<4 {
            DetachedThread.start {
                ran.withLock { $0 += 1 }
                done.signal()
            }
        }
        for _ in 0..<4 { #expect(done.wait(timeout: .seconds(10))) }
        #expect(ran.withLock { $0 } == 4)
    }

    @Test func conditionWaitReturnsWhenSignalled() {
        let condition = Condition()
        let ready = LockedValue(false)
        condition.lock()
        DetachedThread.start {
            condition.withLock {
                ready.withLock { $0 = true }
                condition.signal()
            }
        }
        var woke = true
        while !ready.withLock({ $0 }) && woke { woke = condition.wait(timeout: .seconds(10)) }
        condition.unlock()
        #expect(woke && ready.withLock { $0 })
    }
}
