import ExchangeCore
import HTTP1
import Retry

/// An upstream's configuration as the exchanges started under it see it: built once per configuration and held by
/// each exchange until it ends, so a reload changes later exchanges only.
final class UpstreamProfile {
    /// The upstream's configuration.
    let upstream: UpstreamSettings
    /// `upstream.url.origin`, built once rather than per attempt.
    let origin: String
    /// Picks each request's policy from the upstream's rules.
    let policySelector: PolicySelector
    /// What each exchange's state machine keeps of it.
    let machine: ExchangeStateMachine.Configuration
    /// Whether attempts ask the upstream's quota gate first.
    let usesGate: Bool
    /// `upstream.setHeaders` folded for a one-pass header list.
    let overrides: HeaderOverrides
    /// Whether any endpoint rule may pick a request's policy; without one the lookup is skipped.
    let hasRules: Bool

    init(upstream: UpstreamSettings, replayLimit: Int) {
        self.upstream = upstream
        origin = upstream.url.origin
        policySelector = PolicySelector(base: upstream.retry, rules: upstream.rules)
        var machine = ExchangeStateMachine.Configuration(
            replayLimit: replayLimit, attemptTimeout: upstream.attemptTimeout, attemptsHeader: upstream.attemptsHeader)
        // A request id field may sit anywhere in the first 64 KiB of the body; without fields the report's prefix is
        // all a give-up keeps.
        if !upstream.requestIDFields.isEmpty { machine.keptBodyLimit = 64 * 1024 }
        self.machine = machine
        overrides = HeaderOverrides(upstream.setHeaders)
        hasRules = !upstream.rules.isEmpty
        usesGate = upstream.quota.gate || upstream.quota.pace || upstream.quota.maxInFlight > 0
    }
}
