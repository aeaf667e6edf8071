import Foundation
import HTTP1
import Journal

/// Everything retryd needs to run: its upstreams and global limits.
package struct RetrydConfig: Sendable, Equatable {
    /// One entry per listener, in configuration order.
    package var upstreams: [UpstreamConfig]
    /// Global limits.
    package var limits: Limits
    /// The file the configuration came from, or `nil` for flags.
    package var source: String?
    /// Values that must never reach a log: header values from environment expansion or with credential-like names.
    package var secrets: [String]
    /// The admin listener, when `[admin]` is configured.
    package var admin: AdminConfig?
    /// Give-up notifications, when `[notify]` is configured.
    package var notify: NotifyConfig?
    /// Gates and quota estimates shared with other instances, when `[shared]` is configured.
    package var shared: SharedConfig?
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
    package init(upstreams: [UpstreamConfig], limits: Limits = Limits(), source: String? = nil, secrets: [String] = [])
    {
        self.upstreams = upstreams
        self.limits = limits
        self.source = source
        self.secrets = secrets
    }

    /// `text` with every secret replaced by the placeholder, for logging headers and configuration values.
    package func redacted(_ text: String) -> String {
        // Longest first, so a secret that contains another one is hidden whole.
        secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }.reduce(text) { partial, secret in
            partial.replacingOccurrences(of: secret, with: SensitiveFields.placeholder)
        }
    }
}
