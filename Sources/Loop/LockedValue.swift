/// A value behind a ``Lock``, like swift-nio's `NIOLockedValueBox`: what Synchronization's `Mutex` offered, in a
/// form the thread sanitizer sees (`Mutex` is a futex it cannot follow).
///
/// Unlike `Mutex`, a result need not be `sending`, so a section may hand back what it decided and the caller carry
/// it out after unlocking.
package final class LockedValue<Value>: @unchecked Sendable {
    private let lock = Lock()
    private var value: Value

    /// Holds `value`.
    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` on the value while holding the lock; keep it short and free of I/O.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }
}
