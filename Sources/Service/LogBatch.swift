import Glibc
import Loop

/// Collects the log lines each event loop's thread writes to a descriptor and writes them together, like nginx's
/// `access_log ... buffer=`: every loop adopts it and flushes at the end of each iteration, so each batch is at most
/// one iteration old. Lines from other threads, and warnings or worse, are written at once (after what that thread
/// has pending, so its order is kept). Writes are serialised, so lines of different loops never interleave.
package final class LogBatch: Sendable {
    /// The batch for standard error, where ``RetrydLogHandler`` writes by default.
    package static let standardError = LogBatch(fd: 2)

    /// Pending bytes past this are written without waiting for the flush.
    static let limit = 64 * 1024

    /// The descriptor batched.
    package let fd: Int32
    private let state = LockedValue(State())
    /// Held while writing, so one thread's batch is written whole before another's.
    private let writing = Lock()

    /// One adopted thread's pending lines.
    private struct Batch {
        var thread: pthread_t
        var pending: [UInt8] = []
    }

    private struct State {
        /// A few loops at most: a linear search is cheaper than hashing a thread id.
        var batches: [Batch] = []

        func index(of thread: pthread_t) -> Int? {
            batches.firstIndex { pthread_equal($0.thread, thread) != 0 }
        }

        /// Hands over what `index` has pending (nil when nothing is) and starts a new buffer.
        mutating func takePending(_ index: Int) -> [UInt8]? {
            guard !batches[index].pending.isEmpty else { return nil }
            defer { batches[index].pending = [] }
            return batches[index].pending
        }
    }

    init(fd: Int32) {
        self.fd = fd
    }

    /// Batches lines written from the calling thread from now on, until ``release()``.
    package func adoptCurrentThread() {
        let thread = pthread_self()
        state.withLock { state in
            if state.index(of: thread) == nil { state.batches.append(Batch(thread: thread)) }
        }
    }

    /// Writes what the calling thread has pending and stops batching its lines.
    package func release() {
        flush()
        let thread = pthread_self()
        state.withLock { state in
            if let index = state.index(of: thread) { state.batches.remove(at: index) }
        }
    }

    /// Writes `line` now, or later on an adopted thread unless `urgent`. Returns false when a write failed.
    @discardableResult
    func write(_ line: [UInt8], urgent: Bool) -> Bool {
        let thread = pthread_self()
        let ready = state.withLock { state -> [UInt8]? in
            guard let index = state.index(of: thread) else { return line }
            if !urgent && state.batches[index].pending.count + line.count <= Self.limit {
                state.batches[index].pending.append(contentsOf: line)
                return nil
            }
            if state.batches[index].pending.isEmpty { return line }
            state.batches[index].pending.append(contentsOf: line)
            return state.takePending(index)
        }
        guard let ready else { return true }
        return writing.withLock { Sys.writeAll(fd, ready) }
    }

    /// Writes what the calling thread has pending; called by each adopted loop at the end of its iterations.
    @discardableResult
    package func flush() -> Bool {
        let thread = pthread_self()
        let ready = state.withLock { state -> [UInt8]? in
            guard let index = state.index(of: thread) else { return nil }
            return state.takePending(index)
        }
        guard let ready else { return true }
        return writing.withLock { Sys.writeAll(fd, ready) }
    }
}
