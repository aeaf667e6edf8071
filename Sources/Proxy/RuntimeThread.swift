import Loop

/// Runs a ``ProxyRuntime`` on a thread of its own, for embedding retryd in another program (and for tests).
package final class RuntimeThread: @unchecked Sendable {
    /// The runtime being run.
    package let runtime: ProxyRuntime
    private let finished = Semaphore()
    private let stopped = LockedValue(false)

    /// Starts `runtime.run()` on a new thread.
    package init(_ runtime: ProxyRuntime) {
        self.runtime = runtime
        let finished = finished
        runtime.handOver()
        DetachedThread.start {
            try? runtime.run()
            finished.signal()
        }
    }

    deinit {
        stopAndWait()
    }

    /// Waits up to `timeout` for the loop to return on its own (after a graceful shutdown).
    package func waitUntilStopped(timeout: Duration) -> Bool {
        guard finished.wait(timeout: timeout) else { return false }
        markStopped()
        return true
    }

    /// Stops the loop at once and waits for its thread to finish; harmless when it already stopped.
    package func stopAndWait() {
        guard !isStopped else { return }
        runtime.stop()
        finished.wait()
        markStopped()
    }

    private var isStopped: Bool {
        stopped.withLock { $0 }
    }

    private func markStopped() {
        stopped.withLock { $0 = true }
    }
}
