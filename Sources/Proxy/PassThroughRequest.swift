import Listener
import Loop

/// A CONNECT to a host retryd does not intercept, with `unknown_hosts = "tunnel"`: once it is complete, the host is
/// resolved (getaddrinfo blocks, so on a thread of its own), connected to without blocking the loop, and only then
/// answered 200 and spliced byte for byte; 502 when no address answers in time.
final class PassThroughRequest: RequestSink, EventHandler {
    private weak var connection: ClientConnection?
    private unowned let proxy: ForwardProxy
    private let host: String
    private let port: UInt16
    private var addresses: [SocketAddress] = []
    /// The socket being connected, and its registration while the connect is in progress.
    private var socket: Int32 = -1
    private var registration: Registration?
    /// Set once the tunnel started or failed, or the client left: late answers change nothing.
    private var finished = false
    private lazy var timer = LoopTimer { [unowned self] in self.fail("connecting to \(self.host) timed out") }
    /// How long resolving and connecting may take together.
    static let connectTimeout = Duration.seconds(10)

    init(connection: ClientConnection, proxy: ForwardProxy, host: String, port: UInt16) {
        self.connection = connection
        self.proxy = proxy
        self.host = host
        self.port = port
    }

    func requestEnd() {
        let loop = proxy.listeners.loop
        loop.schedule(timer, after: Self.connectTimeout)
        let request = UnsafeTransfer(self)
        let (host, port) = (host, port)
        DetachedThread.start {
            let found = Sys.resolve(host: host, port: port)
            loop.execute { request.value.resolved(found) }
        }
    }

    private func resolved(_ found: [SocketAddress]) {
        guard !finished else { return }
        addresses = found
        connectNext()
    }

    /// Tries the next address; fails when none is left.
    private func connectNext() {
        closeSocket()
        guard !addresses.isEmpty else {
            fail("\(host) could not be reached")
            return
        }
        let address = addresses.removeFirst()
        do {
            socket = try Sys.tcpSocket(family: address.family)
            if try Sys.connect(socket, to: address) {
                connected()
            } else {
                registration = try proxy.listeners.loop.register(fd: socket, events: [.writable], handler: self)
            }
        } catch {
            connectNext()
        }
    }

    /// The connect in progress ended: in success or with SO_ERROR set.
    func handle(_ events: EPollEvents) {
        guard !finished else { return }
        if Sys.pendingError(socket) == 0 { connected() } else { connectNext() }
    }

    private func connected() {
        if let registration { proxy.listeners.loop.deregister(registration) }
        registration = nil
        finish()
        guard let connection, let client = connection.handOverAfterAnsweringTunnel() else {
            closeSocket()
            return
        }
        let upstream = socket
        socket = -1
        proxy.startSplice(client: client, upstream: upstream)
    }

    private func fail(_ detail: String) {
        guard !finished else { return }
        finish()
        closeSocket()
        connection?.respondWithError(status: 502, code: "tunnel_failed", detail: detail)
    }

    private func finish() {
        finished = true
        proxy.listeners.loop.cancel(timer)
    }

    private func closeSocket() {
        if let registration { proxy.listeners.loop.deregister(registration) }
        registration = nil
        if socket >= 0 { Sys.close(socket) }
        socket = -1
    }

    func clientGone() {
        guard !finished else { return }
        finish()
        closeSocket()
    }

    // A CONNECT's body, if a client sent one, is not part of the tunnel.
    func requestBody(_ bytes: UnsafeRawBufferPointer) {}
    func responseWritable() {}
}
