import Proxy
import Retry

extension RetrydConfig {
    /// Each setting of an upstream's retry behaviour with its value and origin (default, preset or file), one a line.
    static func settings(of upstream: UpstreamSettings, provenance: UpstreamProvenance) -> [String] {
        let retry = upstream.retry
        let backoff = retry.backoff
        let values: [(String, String)] = [
            ("retry.max_attempts", String(retry.maxAttempts)),
            ("retry.deadline", Durations.format(retry.deadline)),
            ("retry.retry_statuses", statuses(retry.retryStatuses)),
            ("retry.rate_limit_statuses", statuses(retry.rateLimitStatuses)),
            ("retry.non_idempotent_statuses", statuses(retry.nonIdempotentStatuses)),
            ("retry.max_rate_limit_wait", Durations.format(retry.maxRateLimitWait)),
            (
                "retry.backoff",
                "\(Durations.format(backoff.initial)) x\(backoff.multiplier) up to \(Durations.format(backoff.max)),"
                    + " \(backoff.jitter.rawValue) jitter"
            ),
            ("retry.schedule", retry.schedule.map { $0.map(Durations.format).joined(separator: ", ") } ?? "none"),
            ("idempotency_key", retry.idempotencyKey ?? "none"),
            (
                "request_id_headers",
                (GiveUpReport.standardRequestIDNames + upstream.requestIDHeaders).joined(separator: ", ")
            ),
            (
                "request_id_fields",
                upstream.requestIDFields.isEmpty ? "none" : upstream.requestIDFields.map(\.path).joined(separator: ", ")
            ),
        ]
        let width = values.map(\.0.count).max() ?? 0
        return values.map { key, value in
            let origin = provenance.origins[key] ?? .builtIn
            return key.padding(toLength: width, withPad: " ", startingAt: 0) + " = \(value)  (\(origin))"
        }
    }

    /// One line saying how a rule's probe decides.
    static func describe(_ verify: VerifyProbe) -> String {
        let judged: String
        switch verify.judge {
        case .field(let field, let notApplied):
            judged = "\(field) in [\(notApplied.sorted().joined(separator: ", "))] means not applied"
        case .status(let notApplied):
            judged = "status \(statuses(notApplied)) means not applied, 2xx applied"
        }
        let answer = verify.onApplied == .accepted ? "202 with the probe's body" : "the vendor's failure"
        return "verify on \(statuses(verify.verifyOn)) or no response: \(verify.method) \(verify.path); \(judged);"
            + " applied answers \(answer)"
    }
}
