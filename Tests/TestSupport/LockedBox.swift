import Foundation

/// A value written on one thread and read on another, in tests.
package final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    /// Signalled each time the value is set.
    package let changed = DispatchSemaphore(value: 0)

    /// Starts with `value`.
    package init(_ value: T) {
        stored = value
    }

    /// The current value.
    package var value: T {
        lock.withLock { stored }
    }

    /// Replaces the value.
    package func set(_ value: T) {
        lock.withLock { stored = value }
        changed.signal()
    }

    /// Changes the value in place.
    package func mutate(_ body: (inout T) -> Void) {
        lock.withLock { body(&stored) }
        changed.signal()
    }
}
