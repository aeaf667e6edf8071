import Foundation

/// Work started at once on a thread of its own, its result collected later by a blocking wait.
///
/// Live tests use it for clients that must be in flight while the test thread waits for something else. Live tests
/// are synchronous on purpose: Swift Testing runs every test on the cooperative pool, which has one thread per core
/// (two here), and other tests block those threads while they wait on sockets. A child task (`async let`, a task
/// group) then cannot start, and an `await` cannot resume, until a thread is free, which turns milliseconds into
/// seconds between two lines of a test that measures time. A synchronous test keeps its thread from start to end,
/// and threads of its own need nothing from the pool.
package final class Background<Value: Sendable>: Sendable {
    private let outcome = LockedBox<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread.
    package init(_ body: @escaping @Sendable () throws -> Value) {
        let (outcome, done) = (outcome, done)
        Thread {
            outcome.set(Result { try body() })
            done.signal()
        }.start()
    }

    /// Waits until the work has finished, at most `timeout`, and returns its result.
    /// - Throws: The work's own error, or ``BackgroundTimeout`` when it did not finish in time.
    package func value(timeout: Duration = .seconds(60)) throws -> Value {
        if outcome.value == nil {
            let (seconds, attoseconds) = timeout.components
            let deadline =
                DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            guard done.wait(timeout: deadline) == .success else { throw BackgroundTimeout(timeout: timeout) }
            // Let a later call through as well.
            done.signal()
        }
        return try outcome.value!.get()
    }
}

/// Background work that did not finish within the time a test allowed it.
package struct BackgroundTimeout: Error, CustomStringConvertible {
    /// How long the test waited.
    package var timeout: Duration

    /// Says how long the test waited.
    package var description: String { "background work did not finish within \(timeout)" }
}

/// Runs `body` for each index in `0..<count` at once, each on a thread of its own, and returns the results in
/// index order once all have finished.
/// - Throws: The first error (by index) one of them threw.
package func concurrently<Value: Sendable>(
    _ count: Int, timeout: Duration = .seconds(60), _ body: @escaping @Sendable (Int) throws -> Value
) throws -> [Value] {
    let started = (0..<count).map { index in Background { try body(index) } }
    return try started.map { try $0.value(timeout: timeout) }
}
