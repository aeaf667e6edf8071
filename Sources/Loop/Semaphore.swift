/// A counting semaphore on a pthread mutex and condition, in place of Foundation's `DispatchSemaphore`: one thread
/// waits for another to finish (a loop's thread to return, a hand-off to be done). The thread sanitizer sees it.
package final class Semaphore: @unchecked Sendable {
    private let condition = Condition()
    private var count: Int

    /// Creates a semaphore holding `value` signals.
    package init(value: Int = 0) {
        count = value
    }

    /// Adds a signal, waking one waiter.
    package func signal() {
        condition.withLock {
            count += 1
            condition.signal()
        }
    }

    /// Waits for a signal and takes it.
    package func wait() {
        condition.withLock {
            while count == 0 { condition.wait() }
            count -= 1
        }
    }

    /// Waits at most `timeout` for a signal and takes it.
    /// - Returns: false when the time ran out with no signal.
    package func wait(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        return condition.withLock {
            while count == 0 {
                let left = deadline - .now
                guard left > .zero else { return false }
                _ = condition.wait(timeout: left)
            }
            count -= 1
            return true
        }
    }
}
