import Foundation
import Loop
import Redis
import TestSupport

extension LoopThread {
    /// Checks `condition` on the loop every millisecond until it holds; false if it did not within `timeout`.
    /// `condition` runs on the loop, so it must not call ``sync(_:)`` itself.
    func wait(timeout: Duration, until condition: @escaping () -> Bool) -> Bool {
        poll(timeout: timeout, every: .milliseconds(1)) { sync(condition) }
    }
}

/// Carries a value between the test thread and the loop thread; a semaphore orders the accesses.
final class Handoff<T>: @unchecked Sendable {
    var value: T?
    init(_ value: T? = nil) { self.value = value }
}

extension RedisServerProcess {
    /// `redis://127.0.0.1:port`, with the password when one is set.
    var url: RedisURL {
        RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port), password: password)
    }
}
