import Listener
import Loop
import Retry

extension ProxyRuntime {
    /// Exchanges in flight on this loop's listeners, retiring ones included.
    package var inFlight: Int { listeners.inFlight }

    /// Stops accepting and lets in-flight exchanges (waits for a retry included) finish on every loop; after
    /// `shutdown_timeout` the rest get their last upstream response or 503, then the loops stop. Call on the loop
    /// thread.
    package func beginShutdown() {
        guard !isShuttingDown else { return }
        isShuttingDown = true
        logger.notice(
            "shutting down: \(inFlightExchanges.values.reduce(0, +)) exchanges in flight, waiting up to \(Durations.format(settings.limits.shutdownTimeout))"
        )
        // Counted before any loop drains: a loop without connections reports drained at once, and this loop must
        // not stop while another one still has exchanges in flight.
        loopsDraining = workers.count + 1
        let timeout = settings.limits.shutdownTimeout
        let drained = { [unowned self] in
            self.loop.runOnLoop {
                self.loopsDraining -= 1
                if self.loopsDraining == 0 { self.loop.stop() }
            }
        }
        listeners.drain(timeout: timeout, drained: drained)
        for worker in workers {
            worker.loop.runOnLoop { worker.listeners.drain(timeout: timeout, drained: drained) }
        }
    }

    /// Applies a new configuration atomically: new listeners are bound first (on failure nothing changes), unchanged
    /// ones take the new policies for new requests, removed or moved ones stop accepting and finish their exchanges
    /// under the policy they started with. Call on the loop thread.
    /// - Throws: `SysError` when a new listener cannot be bound; the running configuration stays.
    package func reload(_ new: ProxySettings) throws {
        let old = settings
        var bound: [(Server, ProxyService)] = []
        var moved: [(server: Server, service: ProxyService)] = []
        let previousServers = servers
        let previousServices = services
        settings = new
        do {
            for upstream in new.upstreams {
                let existing = old.upstreams.first { $0.name == upstream.name }
                if existing?.listen == upstream.listen, previousServers[upstream.name] != nil { continue }
                if let server = previousServers[upstream.name], let service = previousServices[upstream.name] {
                    moved.append((server, service))
                }
                bound.append(try bind(upstream))
            }
        } catch {
            for (server, _) in bound { server.closeAll() }
            servers = previousServers
            services = previousServices
            settings = old
            throw error
        }
        budget.limit = new.limits.maxConnections
        let limits = new.limits.connection
        for upstream in new.upstreams {
            guard let service = services[upstream.name], let server = servers[upstream.name] else { continue }
            service.reconfigure(upstream: upstream, replayLimit: new.limits.replayLimit)
            server.limits = limits
        }
        let removed = old.upstreams.filter { upstream in !new.upstreams.contains { $0.name == upstream.name } }
        for upstream in removed {
            if let server = servers.removeValue(forKey: upstream.name),
                let service = services.removeValue(forKey: upstream.name)
            {
                moved.append((server, service))
            }
        }
        for (server, service) in moved { listeners.retire(server, service) }
        let added = UnsafeTransfer(
            bound.compactMap { server, service -> (UpstreamSettings, Server, ProxyService)? in
                new.upstreams.first { $0.name == service.upstream.name }.map { ($0, server, service) }
            })
        let inherited = inherited
        for worker in workers {
            worker.loop.runOnLoop { worker.reload(new, bound: added.value, inherited: inherited) }
        }
        reloadForwardProxy(new)
        logger.notice(
            "configuration reloaded: \(new.upstreams.count) upstreams, \(bound.count) listeners bound, \(moved.count) retired"
        )
    }
}
