import Config
import Listener
import Loop
import Retry

extension ProxyRuntime {
    /// Exchanges in flight across all listeners, retiring ones included.
    package var inFlight: Int {
        services.values.reduce(0) { $0 + $1.inFlight } + retiring.values.reduce(0) { $0 + $1.service.inFlight }
    }

    /// Stops accepting and lets in-flight exchanges (waits for a retry included) finish; after `shutdown_timeout`
    /// the rest get their last upstream response or 503, then the loop stops. Call on the loop thread.
    package func beginShutdown() {
        guard !isShuttingDown else { return }
        isShuttingDown = true
        logger.notice(
            "shutting down: \(inFlightExchanges.values.reduce(0, +)) exchanges in flight, waiting up to \(Durations.format(config.limits.shutdownTimeout))"
        )
        // Counted before any listener drains: a listener without connections reports drained at once, and the
        // first loop must not stop while another loop still has exchanges in flight.
        workersDraining = workers.count
        let all = Array(servers.values) + retiring.values.map(\.server)
        for server in all {
            server.onDrained = { [unowned self] in self.stopIfDrained() }
            server.drain()
        }
        for service in Array(services.values) + retiring.values.map(\.service) {
            service.onIdle = { [unowned self] in self.stopIfDrained() }
        }
        let timer = LoopTimer { [unowned self] in self.shutdownTimedOut() }
        shutdownTimer = timer
        loop.schedule(timer, after: config.limits.shutdownTimeout)
        let timeout = config.limits.shutdownTimeout
        for worker in workers {
            worker.loop.runOnLoop { [unowned self] in
                worker.beginShutdown(timeout: timeout) {
                    self.loop.runOnLoop {
                        self.workersDraining -= 1
                        self.stopIfDrained()
                    }
                }
            }
        }
        stopIfDrained()
    }

    private func stopIfDrained() {
        guard isShuttingDown, inFlight == 0, workersDraining == 0 else { return }
        let open =
            servers.values.reduce(0) { $0 + $1.connectionCount }
            + retiring.values.reduce(0) { $0 + $1.server.connectionCount }
        if open == 0 { loop.stop() }
    }

    private func shutdownTimedOut() {
        logger.warning("shutdown timeout: answering \(inFlight) unfinished exchanges now")
        for service in Array(services.values) + retiring.values.map(\.service) { service.finishAllForShutdown() }
        // Let the final responses flush, then stop whatever is left.
        let last = LoopTimer { [unowned self] in self.loop.stop() }
        shutdownTimer = last
        loop.schedule(last, after: .seconds(1))
        stopIfDrained()
    }

    /// Applies a new configuration atomically: new listeners are bound first (on failure nothing changes), unchanged
    /// ones take the new policies for new requests, removed or moved ones stop accepting and finish their exchanges
    /// under the policy they started with. Call on the loop thread.
    /// - Throws: `SysError` when a new listener cannot be bound; the running configuration stays.
    package func reload(_ new: RetrydConfig) throws {
        let old = config
        var bound: [(Server, ProxyService)] = []
        var moved: [(server: Server, service: ProxyService)] = []
        let previousServers = servers
        let previousServices = services
        config = new
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
            config = old
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
        for (server, service) in moved { retire(server, service) }
        let added = UnsafeTransfer(
            bound.compactMap { server, service -> (UpstreamConfig, Server, ProxyService)? in
                new.upstreams.first { $0.name == service.upstream.name }.map { ($0, server, service) }
            })
        let inherited = inherited
        for worker in workers {
            worker.loop.runOnLoop { worker.reload(new, bound: added.value, inherited: inherited) }
        }
        logger.notice(
            "configuration reloaded: \(new.upstreams.count) upstreams, \(bound.count) listeners bound, \(moved.count) retired"
        )
    }

    private func retire(_ server: Server, _ service: ProxyService) {
        let key = ObjectIdentifier(server)
        retiring[key] = (server, service)
        server.onDrained = { [unowned self] in
            self.retiring[key] = nil
            self.stopIfDrained()
        }
        server.drain()
    }
}
