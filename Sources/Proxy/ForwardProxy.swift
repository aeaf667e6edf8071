import HTTP1
import Listener
import Logging
import Loop
import Retry
import TLS

/// One event loop's forward proxy: it answers CONNECT for the intercepted vendor hosts with a TLS tunnel whose
/// requests go to that upstream's ``ProxyService`` (the same rules, journal, metrics and logs as its own listener),
/// serves absolute-form requests for them the same way, and refuses every other host.
final class ForwardProxy: RequestHandler {
    /// The loop's proxies, by upstream name (a reload replaces them there).
    unowned let listeners: ListenerSet
    /// Intercepted authorities; a reload replaces them.
    var routes: ForwardProxyRoutes
    let settings: ForwardProxySettings
    /// The minted leaves' contexts, shared by every loop.
    let contexts: LeafContexts
    let logger: Logger
    /// Pass-through tunnels open on this loop.
    private var splices: [ObjectIdentifier: Splice] = [:]
    /// One warning per interval about failed handshakes: a client that distrusts the CA fails on every connection.
    private var handshakeWarnings = LogThrottle(interval: .seconds(10))

    init(
        listeners: ListenerSet, routes: ForwardProxyRoutes, settings: ForwardProxySettings, contexts: LeafContexts,
        logger: Logger
    ) {
        self.listeners = listeners
        self.routes = routes
        self.settings = settings
        self.contexts = contexts
        self.logger = logger
    }

    func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        switch ProxyTarget(method: head.method, target: head.target) {
        case .connect(let host, let port):
            guard let name = routes.upstream(connectingTo: host, port: port), let service = listeners.services[name]
            else {
                guard settings.unknownHosts == .tunnel else { return refuse(connection, authority: head.target) }
                return PassThroughRequest(connection: connection, proxy: self, host: host, port: port)
            }
            return tunnel(connection, host: host, to: service)
        case .absolute(_, let host, _):
            guard let name = routes.upstream(forHost: host), let service = listeners.services[name] else {
                return refuse(connection, authority: host)
            }
            // The service turns the absolute-form target into the upstream's origin-form one.
            return service.connection(connection, didReceive: head)
        case .notProxied:
            connection.respondWithError(
                status: 400, code: "not_a_proxy_request",
                detail: "this is retryd's forward proxy: send CONNECT host:port or an absolute-form request")
            return AnsweredRequest.shared
        case .malformed:
            connection.closeAfterResponse()
            connection.respondWithError(
                status: 400, code: "bad_proxy_target", detail: "the request names no valid host and port")
            return AnsweredRequest.shared
        }
    }

    /// Answers 200 and terminates TLS with the host's minted leaf; the tunnel's requests go to `service`.
    private func tunnel(_ connection: ClientConnection, host: String, to service: ProxyService) -> RequestSink {
        let context: TLSServerContext
        do {
            context = try contexts.context(for: host, now: Int64(Sys.wallClockSeconds()))
        } catch {
            logger.error("forward proxy: cannot mint a certificate for \(host): \(error)")
            connection.respondWithError(
                status: 502, code: "certificate_unavailable", detail: "retryd could not make a certificate for \(host)")
            return AnsweredRequest.shared
        }
        return TunnelRequest(connection: connection, service: service, context: context) {
            [unowned self] reasons in self.handshakeFailed(host: host, reasons: reasons)
        }
    }

    /// A client's TLS handshake for `host` failed: warned about, a line per interval, with how to fix the usual cause.
    func handshakeFailed(host: String, reasons: String) {
        guard let count = handshakeWarnings.admit(now: listeners.loop.now) else { return }
        logger.warning(
            "forward proxy: TLS handshake for \(host) failed (\(count) since the last warning): \(reasons); a client must trust retryd's CA (retryd ca shows how)"
        )
    }

    /// Joins a client whose CONNECT was answered to the upstream socket connected for it.
    func startSplice(client: Int32, upstream: Int32) {
        // The listener's idle timeout: a tunnel nobody uses any more is closed like an idle keep-alive connection.
        let idleTimeout = listeners.forward?.server.limits.idleTimeout ?? ServerLimits().idleTimeout
        let splice = Splice(loop: listeners.loop, client: client, upstream: upstream, idleTimeout: idleTimeout) {
            [unowned self] splice in self.splices[ObjectIdentifier(splice)] = nil
        }
        splices[ObjectIdentifier(splice)] = splice
        splice.start()
    }

    /// Closes every pass-through tunnel (the loop is stopping).
    func closeSplices() {
        for splice in Array(splices.values) { splice.close() }
    }

    private func refuse(_ connection: ClientConnection, authority: String) -> RequestSink {
        logger.debug("forward proxy: refused \(authority), not an intercepted host")
        connection.respondWithError(
            status: 403, code: "host_not_intercepted",
            detail: "retryd's forward proxy only reaches the configured upstreams' hosts")
        return AnsweredRequest.shared
    }
}

/// An accepted CONNECT: once its (empty) body has ended, the connection answers 200 and goes on in TLS, its
/// requests going to the upstream's proxy. Answered at the end, not at the head, so the request is complete and
/// the connection stays open.
final class TunnelRequest: RequestSink {
    private weak var connection: ClientConnection?
    private let service: ProxyService
    private let context: TLSServerContext
    private let onHandshakeFailure: (String) -> Void

    init(
        connection: ClientConnection, service: ProxyService, context: TLSServerContext,
        onHandshakeFailure: @escaping (String) -> Void
    ) {
        self.connection = connection
        self.service = service
        self.context = context
        self.onHandshakeFailure = onHandshakeFailure
    }

    func requestEnd() {
        let (context, onHandshakeFailure) = (context, onHandshakeFailure)
        connection?.establishTunnel(handler: service) { (fd) throws(SysError) in
            try TLSTransport(fd: fd, context: context, onHandshakeFailure: onHandshakeFailure)
        }
    }

    // A CONNECT's body, if a client sent one, means nothing to the tunnel.
    func requestBody(_ bytes: UnsafeRawBufferPointer) {}
    func responseWritable() {}
    func clientGone() {}
}

/// The sink of a request the forward proxy answered itself: nothing more is expected of it.
final class AnsweredRequest: RequestSink, Sendable {
    static let shared = AnsweredRequest()

    func requestBody(_ bytes: UnsafeRawBufferPointer) {}
    func requestEnd() {}
    func responseWritable() {}
    func clientGone() {}
}
