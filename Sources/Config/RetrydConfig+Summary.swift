import Admission
import Notify
import Proxy
import Retry

extension RetrydConfig {
    /// Human-readable effective policy of each upstream and rule (used by `retryd check`); secrets never appear.
    package var summary: String {
        var lines: [String] = []
        for upstream in upstreams {
            let provenance = self.provenance[upstream.name] ?? UpstreamProvenance()
            lines.append(
                "upstream \(upstream.name): \(upstream.listen) -> \(upstream.url.origin)\(upstream.url.basePath)")
            lines.append(
                "  timeouts: connect \(UpstreamKeys.connectTimeout.shown(in: upstream)),"
                    + " attempt \(UpstreamKeys.attemptTimeout.shown(in: upstream))"
            )
            if let caFile = upstream.caFile { lines.append("  ca file: \(caFile)") }
            if !upstream.setHeaders.isEmpty {
                lines.append("  sets headers: " + upstream.setHeaders.map(\.name).joined(separator: ", "))
            }
            if !upstream.requestIDHeaders.isEmpty {
                lines.append("  request id headers: " + upstream.requestIDHeaders.joined(separator: ", "))
            }
            lines.append("  attempts header: " + (upstream.attemptsHeader ?? "off"))
            if let preset = provenance.preset { lines.append("  preset: \(preset)") }
            lines.append("  policy: " + Self.describe(upstream.retry))
            lines.append(contentsOf: Self.settings(of: upstream, provenance: provenance).map { "    " + $0 })
            lines.append("  quota: " + Self.describe(upstream.quota))
            lines.append("  retry budget: " + Self.describe(upstream.budget))
            lines.append("  breaker: " + Self.describe(upstream.breaker))
            for (index, rule) in upstream.rules.enumerated() {
                let methods = rule.methods.map { $0.sorted().joined(separator: ",") } ?? "any method"
                let path = rule.path?.glob ?? "any path"
                var bucket = rule.bucket.map { " [bucket \($0)]" } ?? ""
                if !rule.usesBreaker { bucket += " [no breaker]" }
                // Where a rule came from matters only when a preset brought rules of its own.
                let origin =
                    provenance.preset != nil && index < provenance.ruleOrigins.count
                    ? " (\(provenance.ruleOrigins[index]))" : ""
                // A preset rule the file repeats never matches: say so rather than let it look active.
                let earlier = upstream.rules[..<index].firstIndex { $0.methods == rule.methods && $0.path == rule.path }
                let shadowed = earlier.map { " (shadowed by rule \($0 + 1))" } ?? ""
                lines.append(
                    "  rule \(index + 1) (\(methods) \(path))\(bucket)\(origin)\(shadowed): "
                        + Self.describe(rule.policy))
                if let key = rule.policy.idempotencyKey, key != upstream.retry.idempotencyKey {
                    lines.append("    idempotency key: \(key)")
                }
                if let verify = rule.verify { lines.append("    " + Self.describe(verify)) }
            }
        }
        lines.append(contentsOf: operationsSummary)
        lines.append(LimitsKeys.summary(limits))
        return lines.joined(separator: "\n")
    }

    /// Log, admin and notification settings; the webhook shows its origin only, since its path may be a token.
    var operationsSummary: [String] {
        var lines = [
            "log: \(RootKeys.logFormat.shown(in: self)) lines at level \(RootKeys.logLevel.shown(in: self)) and above"
        ]
        if let admin { lines.append("admin: \(AdminKeys.listen.shown(in: admin))") }
        if let shared {
            // The URL's description hides the password.
            lines.append(
                "shared: gates and quotas through \(shared.redis.description), prefix \(shared.prefix),"
                    + " instance \(shared.instance)")
        }
        if let notify {
            var line =
                "notify: give-ups to \(notify.webhook.origin), up to \(NotifyKeys.maxAttempts.shown(in: notify)) attempts"
                + " of \(NotifyKeys.timeout.shown(in: notify)) each, queue \(NotifyKeys.maxQueue.shown(in: notify))"
            if !notify.headers.isEmpty {
                line += "; sets headers: " + notify.headers.map(\.name).joined(separator: ", ")
            }
            lines.append(line)
        }
        return lines
    }

    /// One line saying what the policy does.
    static func describe(_ policy: RetryPolicy) -> String {
        var waits: String
        if let schedule = policy.schedule {
            waits = "waits " + schedule.map(Durations.format).joined(separator: ", ") + " (last repeats)"
        } else {
            let backoff = policy.backoff
            waits =
                "backoff \(Durations.format(backoff.initial)) x\(backoff.multiplier) up to"
                + " \(Durations.format(backoff.max)), \(backoff.jitter.rawValue) jitter"
        }
        return "up to \(policy.maxAttempts) attempts within \(Durations.format(policy.deadline));"
            + " retry \(statuses(policy.retryStatuses)) with \(waits);"
            + " rate limited on \(statuses(policy.rateLimitStatuses)), waiting up to"
            + " \(Durations.format(policy.maxRateLimitWait));"
            + " non-idempotent requests retried on \(statuses(policy.nonIdempotentStatuses))"
    }

    /// One line saying how the vendor's quota is respected.
    static func describe(_ quota: QuotaPolicy) -> String {
        var parts = [
            quota.gate ? "gate closes on announced waits" : "no gate",
            quota.pace ? "paced from quota headers" : "not paced",
        ]
        if quota.reserve > 0 { parts.append("reserve \(quota.reserve)") }
        if quota.maxInFlight > 0 { parts.append("at most \(quota.maxInFlight) in flight") }
        return parts.joined(separator: ", ")
    }

    /// Statuses in order, runs of five or more as ranges: `429, 500-599`.
    static func statuses(_ statuses: Set<Int>) -> String {
        guard !statuses.isEmpty else { return "no status" }
        var parts: [String] = []
        var sorted = statuses.sorted()[...]
        while let first = sorted.first {
            var last = first
            while sorted.dropFirst(last - first + 1).first == last + 1 { last += 1 }
            sorted = sorted.dropFirst(last - first + 1)
            parts.append(
                last - first >= 4 ? "\(first)-\(last)" : (first...last).map(String.init).joined(separator: ", "))
        }
        return parts.joined(separator: ", ")
    }

    static func bytes(_ count: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where count >= size && count % size == 0 {
            return "\(count / size) \(unit)"
        }
        return "\(count) bytes"
    }
}
