import Retry

/// Why an exchange is answered by retryd instead of waiting at the gate (or going through an open breaker).
package struct GateRefusal: Sendable, Equatable {
    /// The status for the client: 429, as the vendor would have answered.
    package var status: Int
    /// The JSON body's `error` code.
    package var code: String
    /// Seconds until the gate is expected to open, for `Retry-After`.
    package var retryAfter: Int
    /// One sentence naming the upstream and when its gate opens.
    package var detail: String

    /// Creates a refusal; a gate's is a 429 `rate_limited`.
    package init(status: Int = 429, code: String = "rate_limited", retryAfter: Int, detail: String) {
        self.status = status
        self.code = code
        self.retryAfter = retryAfter
        self.detail = detail
    }

    /// A gate's refusal of a request that cannot wait until `until` (nil: an unknown time) for `reason`.
    /// - Parameters:
    ///   - upstream: the upstream's name, for the sentence.
    ///   - until: when the gate is expected to let attempts go, wall-clock ms.
    ///   - reason: why it holds them, when known.
    ///   - now: wall-clock ms now; `Retry-After` counts whole seconds from here, at least one.
    package init(upstream: String, until: Int64?, reason: QuotaBucket.HoldReason?, now: Int64) {
        let seconds = until.map { Int(max(($0 - now + 999) / 1000, 1)) } ?? 1
        let when = until.map { " until \(WallTime(epochSeconds: Double($0) / 1000).iso8601)" } ?? ""
        let why: String
        switch reason {
        case .gateClosed(let cause)?:
            why = "the vendor answered \(cause.status) with \(cause.header)"
        case .quotaSpent?:
            why = "the vendor's quota for this window is spent"
        case .maxInFlight?:
            why = "max_in_flight attempts are out"
        case .trial?, .learning?, nil:
            why = "retryd is waiting for the vendor's quota"
        }
        self.init(
            retryAfter: seconds,
            detail: "upstream \(upstream) is holding requests\(when): \(why); this request cannot wait that long")
    }
}
