import Events

/// The `/status` document: what each upstream forwards where, under which policies, and what is in flight.
///
/// Header values are left out on purpose: `set_headers` usually carries API keys.
package struct StatusReport: Sendable, Equatable, Encodable {
    /// One upstream as configured, with its live counts.
    package struct Upstream: Sendable, Equatable, Encodable {
        /// Name, addresses, timeouts, policy and rules, as the configuration set them.
        package var configured: ConfiguredUpstream
        /// The port actually bound (differs from `listen` when it asked for port 0).
        package var boundPort: UInt16?
        /// Exchanges in progress now.
        package var inFlight: Int
        /// The quota buckets in use: the gate, the estimate of the vendor's window, who waits.
        package var quota: [BucketStatus]
        /// The retry budget (spent, left) and the circuit breaker (state, since when, failure ratio).
        package var health: HealthStatus?

        private enum CodingKeys: String, CodingKey {
            case boundPort, inFlight, quota, health
        }

        /// One flat object: the configured fields beside the live ones, so a new setting needs no field here.
        package func encode(to encoder: any Encoder) throws {
            try configured.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(boundPort, forKey: .boundPort)
            try container.encode(inFlight, forKey: .inFlight)
            try container.encode(quota, forKey: .quota)
            try container.encodeIfPresent(health, forKey: .health)
        }
    }

    /// retryd's version.
    package var version: String
    /// Seconds since the admin listener started.
    package var uptimeSeconds: Double
    /// What `/readyz` answers now.
    package var ready: Bool
    /// Every upstream in configuration order.
    package var upstreams: [Upstream]
    /// The shared state (Redis), when configured.
    package var shared: SharedStatus?

    /// Builds the report from the upstreams in force and live counts (absent counts read as zero).
    package init(
        upstreams configured: [ConfiguredUpstream],
        boundPorts: [String: UInt16],
        inFlight: [String: Int],
        uptime: Duration,
        version: String,
        ready: Bool,
        buckets: [String: [BucketStatus]] = [:],
        shared: SharedStatus? = nil,
        health: [String: HealthStatus] = [:]
    ) {
        self.shared = shared
        self.version = version
        let (seconds, attoseconds) = uptime.components
        uptimeSeconds = Double(seconds) + Double(attoseconds / 1_000_000_000_000_000) / 1000
        self.ready = ready
        upstreams = configured.map { upstream in
            Upstream(
                configured: upstream, boundPort: boundPorts[upstream.name], inFlight: inFlight[upstream.name] ?? 0,
                quota: buckets[upstream.name] ?? [], health: health[upstream.name])
        }
    }
}
