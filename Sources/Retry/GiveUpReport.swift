/// Everything the give-up log line and notification carry.
package struct GiveUpReport: Sendable {
    /// The most of the last body a report keeps.
    package static let bodyPrefixLimit = 512
    /// Response headers that carry vendor request ids, whatever else the configuration adds.
    package static let standardRequestIDNames = ["X-Request-Id", "X-Resource-ID"]

    /// One attempt as it appears in the report.
    package struct Attempt: Sendable, Equatable {
        /// The status ("503") or the failure message ("connection refused").
        package var outcome: String
        /// The wait taken after this attempt; nil for the last one.
        package var waitedAfter: Duration?

        /// Creates an attempt entry.
        package init(outcome: String, waitedAfter: Duration? = nil) {
            self.outcome = outcome
            self.waitedAfter = waitedAfter
        }
    }

    /// The upstream's configured name.
    package var upstream: String
    /// The request method.
    package var method: String
    /// The request path, without its query string: vendors put API keys there.
    package var path: String
    /// Every attempt in order.
    package var attempts: [Attempt]
    /// Why retrying stopped.
    package var reason: GiveUpReason
    /// Vendor request ids from the last response, in header order.
    package var requestIDs: [(name: String, value: String)]
    /// When retryd gave up, as seconds since the Unix epoch.
    package var time: Double
    /// The start of the last response body, at most `bodyPrefixLimit` bytes.
    package var bodyPrefix: [UInt8]
    /// The status the client got (the upstream's, or retryd's own 502/504); nil if none was sent.
    package var finalStatus: Int?
    /// The verify probes made, in order; empty when none ran.
    package var probes: [Attempt] = []
    /// What the last probe found (`applied (RUNNING)`, `unknown (…)`), when one ran.
    package var verdict: String?
    /// The idempotency key the request carried toward the upstream, the client's or one retryd added.
    package var idempotencyKey: String?

    /// Creates a report; `path` loses its query string and `body` is cut to `bodyPrefixLimit` bytes.
    package init(
        upstream: String,
        method: String,
        path: String,
        attempts: [Attempt],
        reason: GiveUpReason,
        requestIDs: [(name: String, value: String)] = [],
        time: Double,
        body: some Collection<UInt8> = [UInt8](),
        finalStatus: Int?
    ) {
        self.upstream = upstream
        self.method = method
        self.path = String(path.prefix { $0 != "?" })
        self.attempts = attempts
        self.reason = reason
        self.requestIDs = requestIDs
        self.time = time
        self.bodyPrefix = Array(body.prefix(Self.bodyPrefixLimit))
        self.finalStatus = finalStatus
    }

    /// The vendor request ids among `headers`: `X-Request-Id`, `X-Resource-ID` and `extraNames`, case-insensitively.
    package static func requestIDs(
        in headers: [(name: String, value: String)],
        extraNames: [String]
    ) -> [(name: String, value: String)] {
        let wanted = Set((standardRequestIDNames + extraNames).map { $0.lowercased() })
        return headers.filter { wanted.contains($0.name.lowercased()) }
    }

    /// The vendor request ids among the JSON body's `fields` (`requestId`), named by their paths; missing ones are
    /// left out.
    package static func requestIDs(in body: [UInt8], fields: [JSONField]) -> [(name: String, value: String)] {
        fields.compactMap { field in field.value(in: body).map { (field.path, $0) } }
    }
}

extension GiveUpReport: Equatable {
    /// Reports are equal when every field is, request ids compared in order.
    package static func == (lhs: GiveUpReport, rhs: GiveUpReport) -> Bool {
        lhs.upstream == rhs.upstream && lhs.method == rhs.method && lhs.path == rhs.path
            && lhs.attempts == rhs.attempts && lhs.reason == rhs.reason
            && lhs.requestIDs.elementsEqual(rhs.requestIDs) { $0 == $1 }
            && lhs.time == rhs.time && lhs.bodyPrefix == rhs.bodyPrefix && lhs.finalStatus == rhs.finalStatus
            && lhs.probes == rhs.probes && lhs.verdict == rhs.verdict && lhs.idempotencyKey == rhs.idempotencyKey
    }
}
