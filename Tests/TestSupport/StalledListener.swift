import Glibc

/// A listener on 127.0.0.1 that never accepts and whose accept queue is already full, so the kernel drops every
/// further SYN: a connect to it stays in progress until the connecting side gives up.
package final class StalledListener: @unchecked Sendable {
    /// The port connects go to.
    package let port: UInt16
    private let listener: Int32
    private let queued: Int32

    /// Listens with a backlog of 0 and fills the one place in the accept queue with a connection of its own.
    package init() throws {
        (listener, port) = try Socket.listenOnLoopback(backlog: 0)
        do {
            queued = try Socket.connectToLoopback(port: port)
        } catch {
            Glibc.close(listener)
            throw error
        }
    }

    deinit {
        Glibc.close(queued)
        Glibc.close(listener)
    }

    /// `http://127.0.0.1:<port>`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }
}
