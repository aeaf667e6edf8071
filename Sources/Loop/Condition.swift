#if canImport(Glibc)
    import Glibc
#endif

/// A pthread mutex with a condition variable on the monotonic clock, like Foundation's `NSCondition` without
/// Foundation: for a thread that sleeps until another hands it work. The thread sanitizer sees both.
package final class Condition: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    /// Creates an unlocked mutex and its condition.
    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Timed waits measure against the monotonic clock, so setting the wall clock neither cuts nor stretches them.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        var error = pthread_mutex_init(mutex, nil)
        precondition(error == 0, "pthread_mutex_init failed: \(error)")
        error = pthread_cond_init(cond, &attributes)
        precondition(error == 0, "pthread_cond_init failed: \(error)")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    /// Takes the mutex.
    package func lock() {
        let error = pthread_mutex_lock(mutex)
        precondition(error == 0, "pthread_mutex_lock failed: \(error)")
    }

    /// Releases the mutex.
    package func unlock() {
        let error = pthread_mutex_unlock(mutex)
        precondition(error == 0, "pthread_mutex_unlock failed: \(error)")
    }

    /// Runs `body` holding the mutex.
    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Releases the mutex until signalled (or woken spuriously: check the predicate in a loop), then takes it again.
    /// Call holding the mutex.
    package func wait() {
        let error = pthread_cond_wait(cond, mutex)
        precondition(error == 0, "pthread_cond_wait failed: \(error)")
    }

    /// Like ``wait()``, for at most `timeout`.
    /// - Returns: false when the time ran out.
    package func wait(timeout: Duration) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let (seconds, attoseconds) = max(timeout, .zero).components
        let nanoseconds = Int(deadline.tv_nsec) + Int(attoseconds / 1_000_000_000)
        deadline.tv_sec += Int(seconds) + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        let error = pthread_cond_timedwait(cond, mutex, &deadline)
        precondition(error == 0 || error == ETIMEDOUT, "pthread_cond_timedwait failed: \(error)")
        return error == 0
    }

    /// Wakes one waiting thread. Call holding the mutex.
    package func signal() {
        pthread_cond_signal(cond)
    }

    /// Wakes every waiting thread. Call holding the mutex.
    package func broadcast() {
        pthread_cond_broadcast(cond)
    }
}
