import Foundation
import Glibc
import Loop

/// The test upstream's state and threads: one acceptor, one thread per connection.
///
/// `TestUpstream` owns this; the threads hold only the core, so dropping the upstream runs its `deinit`
/// and stops everything. All mutable state is guarded by `condition`.
final class UpstreamCore: @unchecked Sendable {
    typealias Handler = @Sendable (RecordedRequest, Int) -> UpstreamAction

    /// Everything the threads and the test share.
    struct State {
        var handler: Handler?
        var requests: [RecordedRequest] = []
        var connectionCount = 0
        /// Connections still open, by index: `stop()` shuts these down to wake their threads.
        var openConnections: [Int: Int32] = [:]
        var streamedBytes = 0
        var stopped = false
        var acceptorDone = false
    }

    /// How long `stop()` waits for the threads to notice; they normally take microseconds.
    static let stopGrace: Duration = .seconds(2)
    /// Bounds every blocking read and write, so a forgotten connection cannot block a thread forever.
    static let socketTimeout: Duration = .seconds(30)
    /// How long a closing connection reads what the peer still sends, so unread bytes do not turn FIN into RST.
    static let lingerTime: Duration = .milliseconds(500)

    let port: UInt16
    private let listenFD: Int32
    /// A pipe whose write end wakes the acceptor out of `poll` when the upstream stops.
    private let wakeFDs: (read: Int32, write: Int32)
    private let condition = NSCondition()
    private var state: State

    /// Binds 127.0.0.1:0; `start()` begins accepting.
    init(handler: @escaping Handler) throws(SysError) {
        (listenFD, port) = try Socket.listenOnLoopback()
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            let error = SysError(call: "pipe", errno: errno)
            Glibc.close(listenFD)
            throw error
        }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeFDs = (pipeFDs[0], pipeFDs[1])
        state = State(handler: handler)
    }

    /// Starts the acceptor thread.
    func start() {
        Thread { [self] in acceptLoop() }.start()
    }

    /// Runs `body` with the state locked, then wakes every waiter (any change may be what one waits for).
    func withState<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body(&state)
    }

    /// Waits until `predicate` holds or `timeout` passes; returns whether it holds.
    func wait(timeout: Duration, until predicate: (State) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.roundedUpMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !predicate(state) {
            if !condition.wait(until: deadline) { return predicate(state) }
        }
        return true
    }

    /// Whether `stop()` has begun.
    var isStopped: Bool { withState { $0.stopped } }

    /// Closes the listener and every connection, then waits (bounded) for the threads to leave; idempotent.
    func stop() {
        let first = withState { state in
            defer { state.stopped = true }
            state.handler = nil  // breaks a cycle if the handler captured the upstream
            for fd in state.openConnections.values { shutdown(fd, Int32(SHUT_RDWR)) }
            return !state.stopped
        }
        if first {
            var byte: UInt8 = 1
            _ = write(wakeFDs.write, &byte, 1)
        }
        let acceptorDone = wait(timeout: Self.stopGrace) { $0.acceptorDone }
        _ = wait(timeout: Self.stopGrace) { $0.openConnections.isEmpty }
        if first && acceptorDone {
            Glibc.close(wakeFDs.read)
            Glibc.close(wakeFDs.write)
        }
    }

    /// Accepts connections until stopped, one serving thread each; closes the listener on the way out.
    private func acceptLoop() {
        defer {
            Glibc.close(listenFD)
            withState { $0.acceptorDone = true }
        }
        while true {
            var entries = [
                pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeFDs.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || entries[1].revents != 0 { return }
            let fd: Int32
            do throws(SysError) {
                fd = try Socket.accept(listenFD)
            } catch let error where [ECONNABORTED, EAGAIN, EPROTO].contains(error.errno) {
                continue  // the peer gave up before we got to it
            } catch {
                return  // e.g. EMFILE: retrying would spin, and connects now fail visibly
            }
            let index: Int? = withState { state in
                guard !state.stopped else { return nil }
                defer { state.connectionCount += 1 }
                state.openConnections[state.connectionCount] = fd
                return state.connectionCount
            }
            guard let index else {
                Glibc.close(fd)
                return
            }
            Thread { [self] in serve(fd, connection: index) }.start()
        }
    }

    /// Stores a complete request and returns its overall index with the handler to ask (nil once stopped).
    func record(_ request: RecordedRequest) -> (index: Int, handler: Handler?) {
        withState { state in
            state.requests.append(request)
            return (state.requests.count - 1, state.handler)
        }
    }

    /// Counts body bytes a `stream` action has handed to the kernel.
    func addStreamedBytes(_ count: Int) {
        withState { $0.streamedBytes += count }
    }

    /// Forgets a connection, then closes its descriptor (in that order, so `stop()` never touches a reused number).
    func forget(_ fd: Int32, connection: Int) {
        withState { _ = $0.openConnections.removeValue(forKey: connection) }
        Glibc.close(fd)
    }
}
