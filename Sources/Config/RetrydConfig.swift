import Admin
import HTTP1
import Journal
import Notify
import Proxy

/// Everything retryd needs to run, read from one file: each module's settings, and where they came from.
package struct RetrydConfig: Sendable, Equatable {
    /// The upstreams, their limits and the shared state: what the proxy runtime is built from.
    package var proxy: ProxySettings
    /// Where each upstream's settings came from, by upstream name; `retryd check` shows it.
    package var provenance: [String: UpstreamProvenance] = [:]
    /// The file the configuration came from, or `nil` for flags.
    package var source: String?
    /// Values that must never reach a log: header values from environment expansion or with credential-like names.
    package var secrets: [String]
    /// The admin listener, when `[admin]` is configured.
    package var admin: AdminSettings?
    /// Give-up notifications, when `[notify]` is configured.
    package var notify: NotifySettings?
    /// Log format and level.
    package var log = LogConfig()
    /// Where the give-up journal lives; nil runs without one (quick start without `--state-dir`, or `state_dir = ""`).
    package var stateDir: String?
    /// The journal's retention and bounds (`[journal]`).
    package var journal = JournalPolicy()
    /// Event loops serving the listeners (`workers`); nil for one per CPU the process may run on, resolved by
    /// ``workerCount``.
    package var workers: Int?

    /// The loops to run: `workers`, else `availableCPUs` (the affinity mask, lowered to a cgroup CPU quota).
    package func workerCount(availableCPUs: Int) -> Int {
        workers ?? max(availableCPUs, 1)
    }

    /// Creates a configuration.
    package init(
        upstreams: [UpstreamSettings], limits: ProxyLimits = ProxyLimits(), source: String? = nil,
        secrets: [String] = []
    ) {
        proxy = ProxySettings(upstreams: upstreams, limits: limits)
        self.source = source
        self.secrets = secrets
    }

    /// One entry per listener, in configuration order.
    package var upstreams: [UpstreamSettings] {
        get { proxy.upstreams }
        set { proxy.upstreams = newValue }
    }

    /// Global limits.
    package var limits: ProxyLimits {
        get { proxy.limits }
        set { proxy.limits = newValue }
    }

    /// Gates and quotas shared with other instances, when `[shared]` is configured.
    package var shared: SharedSettings? {
        get { proxy.shared }
        set { proxy.shared = newValue }
    }

    /// `text` with every secret replaced by the placeholder, for logging headers and configuration values.
    package func redacted(_ text: String) -> String {
        // Longest first, so a secret that contains another one is hidden whole.
        secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }.reduce(text) { partial, secret in
            partial.replacing(secret, with: SensitiveFields.placeholder)
        }
    }
}
