#if canImport(Glibc)
    import Glibc
#endif

/// A plain pthread mutex, like swift-nio's `NIOLock`: for state that several loops touch. Synchronization's
/// `Mutex` is a futex the thread sanitizer cannot see, so every section it guards reads as a race under
/// `--sanitize=thread`; a pthread mutex is intercepted and orders the sections. Not recursive.
package final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Creates an unlocked mutex.
    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let error = pthread_mutex_init(mutex, nil)
        precondition(error == 0, "pthread_mutex_init failed: \(error)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex.
    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        let error = pthread_mutex_lock(mutex)
        precondition(error == 0, "pthread_mutex_lock failed: \(error)")
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
