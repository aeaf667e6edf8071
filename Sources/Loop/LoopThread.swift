/// An event loop running on a thread of its own: for tests and tools that drive a loop from outside it.
package final class LoopThread: @unchecked Sendable {
    /// The loop.
    package let loop: EventLoop
    private let finished = Semaphore()
    private let stopped = LockedValue(false)

    /// Starts `loop` (a new one by default) on a new thread.
    package init(_ loop: EventLoop? = nil) throws(SysError) {
        let loop = try Self.loopOrNew(loop)
        self.loop = loop
        let finished = finished
        loop.handOver()
        DetachedThread.start {
            try? loop.run()
            finished.signal()
        }
    }

    deinit {
        stop()
    }

    private static func loopOrNew(_ loop: EventLoop?) throws(SysError) -> EventLoop {
        if let loop { return loop }
        return try EventLoop()
    }

    /// Stops the loop and waits for its thread; harmless when it already stopped.
    package func stop() {
        let wasStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !wasStopped else { return }
        loop.stop()
        finished.wait()
    }

    /// Runs `body` on the loop thread and returns its result; must not be called from the loop thread.
    package func sync<T>(_ body: @escaping () -> T) -> T {
        let result = UncheckedBox<T>()
        let done = Semaphore()
        let work = UncheckedBox(body)
        loop.execute {
            result.value = work.value!()
            done.signal()
        }
        done.wait()
        return result.value!
    }
}

/// Carries a value between two threads whose accesses a semaphore (or the loop's queue of injected work) orders.
final class UncheckedBox<T>: @unchecked Sendable {
    var value: T?
    init(_ value: T? = nil) { self.value = value }
}
