import Events

/// What the admin endpoints report about a running runtime.
extension ProxyRuntime {
    /// Exchanges in flight per upstream name on every loop (waiting, attempting or streaming); read on the first
    /// loop's thread.
    package var inFlightExchanges: [String: Int] {
        services.mapValues(\.upstreamInFlight.current)
    }

    /// Response bytes queued toward clients and not yet written, across all listeners; read on the loop thread.
    package var queuedOutputBytes: Int {
        servers.values.reduce(0) { $0 + $1.queuedOutputBytes }
    }

    /// Whether the shared state (Redis) answers now; nil when `[shared]` is not configured.
    package var sharedStateConnected: Bool? {
        shared.map(\.isConnected)
    }

    /// The upstreams in force, as `/status` shows them; they change on reload.
    package var configuredUpstreams: [ConfiguredUpstream] {
        settings.upstreams.map(ConfiguredUpstream.init)
    }
}
