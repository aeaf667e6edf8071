import Glibc
import Loop
import Synchronization

/// Collects the log lines one thread writes to a descriptor and writes them together, like nginx's
/// `access_log ... buffer=`: the event loop adopts it and flushes at the end of every iteration, so each batch is
/// at most one iteration old. Lines from other threads, and warnings or worse, are written at once (after what is
/// pending, so order is kept).
package final class LogBatch: Sendable {
    /// The batch for standard error, where ``RetrydLogHandler`` writes by default.
    package static let standardError = LogBatch(fd: 2)

    /// Pending bytes past this are written without waiting for the flush.
    static let limit = 64 * 1024

    /// The descriptor batched.
    package let fd: Int32
    private let state = Mutex(State())

    private struct State {
        var owner: pthread_t?
        var pending: [UInt8] = []

        /// Hands over what is pending (nil when nothing is) and starts a new buffer.
        mutating func takePending() -> [UInt8]? {
            guard !pending.isEmpty else { return nil }
            defer { pending = [] }
            return pending
        }
    }

    init(fd: Int32) {
        self.fd = fd
    }

    /// Batches lines written from the calling thread from now on, until ``release()``.
    package func adoptCurrentThread() {
        state.withLock { $0.owner = pthread_self() }
    }

    /// Writes what is pending and stops batching.
    package func release() {
        flush()
        state.withLock { $0.owner = nil }
    }

    /// Writes `line` now, or later on the adopted thread unless `urgent`. Returns false when a write failed.
    @discardableResult
    func write(_ line: [UInt8], urgent: Bool) -> Bool {
        let ready = state.withLock { state -> [UInt8]? in
            let batched = state.owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false
            if batched && !urgent && state.pending.count + line.count <= Self.limit {
                state.pending.append(contentsOf: line)
                return nil
            }
            if state.pending.isEmpty { return line }
            state.pending.append(contentsOf: line)
            return state.takePending()
        }
        guard let ready else { return true }
        return Sys.writeAll(fd, ready)
    }

    /// Writes what is pending; called by the adopted thread at the end of each loop iteration.
    @discardableResult
    package func flush() -> Bool {
        guard let ready = state.withLock({ $0.takePending() }) else { return true }
        return Sys.writeAll(fd, ready)
    }
}
