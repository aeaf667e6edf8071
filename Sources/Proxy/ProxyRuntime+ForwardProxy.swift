import Listener
import Loop
import TLS

#if canImport(Glibc)
    import Glibc
#endif

extension ProxyRuntime {
    /// Loads (or makes) the CA and binds the forward proxy on every loop, each loop's tunnels going to its own
    /// proxies.
    /// - Throws: `TLSError` when the CA cannot be loaded or made, `SysError` when the listener cannot be bound.
    func startForwardProxy(_ forward: ForwardProxySettings) throws {
        let routes = ForwardProxyRoutes(settings.upstreams)
        let loaded = try CAStore.load(forward.ca, hosts: routes.hosts, now: Int64(Sys.wallClockSeconds()))
        let fingerprint = loaded.authority.certificate.sha256Fingerprint
        switch loaded.outcome {
        case .created:
            logger.notice("forward proxy CA created: \(loaded.certificatePath) (SHA-256 \(fingerprint))")
        case .loaded:
            logger.info("forward proxy CA: \(loaded.certificatePath) (SHA-256 \(fingerprint))")
        case .replaced(let previous):
            logger.warning(
                "forward proxy CA replaced because the upstream hosts changed: clients must trust the new \(loaded.certificatePath) (SHA-256 \(fingerprint), was \(previous))"
            )
        }
        let contexts = try LeafContexts(authority: loaded.authority, validity: forward.leafValidity)
        guard let address = SocketAddress(host: forward.listen.host, port: forward.listen.port) else {
            throw SysError(call: "bind \(forward.listen)", errno: EINVAL)
        }
        let server = try listeners.bindForwardProxy(
            forward, address: address, routes: routes, contexts: contexts, limits: settings.limits.connection,
            budget: budget, reusePort: !workers.isEmpty, claimsAddress: true)
        for worker in workers {
            try worker.listeners.bindForwardProxy(
                forward, address: server.localAddress, routes: routes, contexts: contexts,
                limits: settings.limits.connection, budget: budget, reusePort: true)
        }
        logger.info(
            "forward proxy on \(server.localAddress) intercepting \(routes.hosts.joined(separator: ", ")); other hosts: \(forward.unknownHosts.rawValue)"
        )
    }

    /// Where the forward proxy listens on this loop (the real port when 0 was asked for), if it is configured.
    package var forwardProxyAddress: SocketAddress? {
        listeners.forward?.server.localAddress
    }

    /// Takes the reloaded upstreams' routes on every loop. The CA and the listener stay as they started: new hosts
    /// need a restart to be covered by the CA's name constraints, which this warns about.
    func reloadForwardProxy(_ new: ProxySettings) {
        guard let forward = listeners.forward else { return }
        let routes = ForwardProxyRoutes(new.upstreams)
        if routes.hosts != forward.proxy.routes.hosts || new.forwardProxy != forward.proxy.settings {
            logger.warning("forward proxy settings or intercepted hosts changed: they take effect on restart")
            return
        }
        forward.proxy.routes = routes
        for worker in workers {
            worker.loop.runOnLoop { worker.listeners.forward?.proxy.routes = routes }
        }
    }
}
