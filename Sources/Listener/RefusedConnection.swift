import HTTP1
import Loop

/// A connection accepted past the connection limit: answered 503 at once, then closed after its input is drained.
///
/// It holds no buffers (the loop's read buffer takes what the client sends) and no timer of its own: the server
/// sweeps all of them with one. Draining before the close matters because closing a socket with unread input
/// sends a reset, and a reset can destroy the 503 before the client reads it.
final class RefusedConnection: EventHandler {
    let fd: Int32
    unowned let server: Server
    /// Monotonic time after which the connection is closed whether or not the client has finished.
    let deadline: Int64
    var registration: Registration?

    init(fd: Int32, server: Server, deadline: Int64) {
        self.fd = fd
        self.server = server
        self.deadline = deadline
    }

    func handle(_ events: EPollEvents) {
        if !drain() { close() }
    }

    /// Reads and discards whatever the client sent; false once it has finished sending (or failed).
    func drain() -> Bool {
        while true {
            switch try? Sys.read(fd, into: server.loop.readBuffer) {
            case .wouldBlock: return true
            case .done(let count) where count > 0: continue
            default: return false
            }
        }
    }

    /// Closes the socket and forgets the connection.
    func close() {
        guard server.refusing.removeValue(forKey: ObjectIdentifier(self)) != nil else { return }
        if let registration { server.loop.deregister(registration) }
        registration = nil
        Sys.close(fd)
    }
}

extension Server {
    /// Refused connections draining at once; past this, a refused connection is closed right after its answer.
    static let maxDrainingRefusals = 64
    /// How long a refused connection may take to finish sending before it is closed anyway.
    static let refusalDrainTime: Duration = .seconds(1)

    /// Answers a connection past the budget with 503, `Retry-After` and a JSON body, then closes it.
    func refuse(_ clientFD: Int32) {
        let refused = RefusedConnection(
            fd: clientFD, server: self, deadline: loop.now + Self.refusalDrainTime.nanoseconds)
        refusing[ObjectIdentifier(refused)] = refused
        // What the client sent before the accept is read first, so the close after the answer is an orderly one.
        var open = refused.drain()
        let answer = ErrorResponse.bytes(
            status: 503, code: "too_many_connections",
            detail: "retryd is at its limit of \(budget.limit) client connections; retry shortly",
            keepAlive: false, extraHeaders: [("Retry-After", "1")])
        // A fresh socket's send buffer is empty, so the whole answer fits; nothing is kept to retry a short write.
        _ = answer.withUnsafeBytes { try? Sys.write(clientFD, $0) }
        Sys.shutdownWrite(clientFD)
        if open && refusing.count <= Self.maxDrainingRefusals {
            refused.registration = try? loop.register(
                fd: clientFD, events: [.readable, .readHangup, .edgeTriggered], handler: refused)
            open = refused.registration != nil
        }
        if open {
            if refusing.count == 1 { loop.schedule(refusalTimer, after: Self.refusalDrainTime) }
        } else {
            refused.close()
        }
        onRefused?()
    }

    /// Closes refused connections whose drain time is up; re-arms while any are left.
    func expireRefusals() {
        for refused in Array(refusing.values) where refused.deadline <= loop.now { refused.close() }
        if let next = refusing.values.map(\.deadline).min() { loop.schedule(refusalTimer, at: next) }
    }
}
