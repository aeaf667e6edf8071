import Foundation
import Loop
import Redis

/// An event loop running on a thread of its own, with helpers to run code on it from a test.
final class LoopThread: @unchecked Sendable {
    let loop: EventLoop
    private let finished = DispatchSemaphore(value: 0)

    init() throws {
        loop = try EventLoop()
        let loop = loop
        let finished = finished
        Thread {
            try? loop.run()
            finished.signal()
        }.start()
    }

    /// Stops the loop and waits for its thread.
    func stop() {
        loop.stop()
        finished.wait()
    }

    /// Runs `body` on the loop thread and returns its result.
    func sync<T>(_ body: @escaping () -> T) -> T {
        let box = Handoff<T>()
        let done = DispatchSemaphore(value: 0)
        let work = Handoff(body)
        loop.execute {
            box.value = work.value!()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    /// Checks `condition` on the loop every millisecond until it holds; false if it did not within `timeout`.
    /// `condition` runs on the loop, so it must not call ``sync(_:)`` itself.
    func wait(timeout: Duration, until condition: @escaping () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if sync(condition) { return true }
            usleep(1_000)
        }
        return sync(condition)
    }
}

/// Carries a value between the test thread and the loop thread; a semaphore orders the accesses.
final class Handoff<T>: @unchecked Sendable {
    var value: T?
    init(_ value: T? = nil) { self.value = value }
}

/// A value written on one thread and read on another.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func mutate(_ body: (inout T) -> Void) {
        lock.lock()
        body(&stored)
        lock.unlock()
    }
}
