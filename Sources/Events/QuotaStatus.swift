/// One quota bucket as `/status` shows it.
package struct BucketStatus: Sendable, Equatable, Encodable {
    /// The bucket's name: "default" for the upstream's own.
    package var bucket: String
    /// "open", "closed", or "trial" (the wait is over and one request is out to see).
    package var gate: String
    /// When a closed gate opens, RFC 3339 UTC.
    package var closedUntil: String?
    /// What closed it: "429 with Retry-After", and where when another instance saw it.
    package var closedBy: String?
    /// The estimate of requests left in the vendor's window; nil before any report.
    package var quotaLeft: Int?
    /// When the window ends, RFC 3339 UTC.
    package var windowEnds: String?
    /// Requests the window allows, when the vendor says.
    package var windowLimit: Int?
    /// Requests waiting at the gate now.
    package var waiting: Int
    /// Attempts out now.
    package var inFlight: Int
    /// Pacing by the vendor's quota headers: "on", "off" (`pace = false`), "learning" (no answer has told yet) or
    /// "no_headers" (the vendor reports no quota, so there is nothing to pace by).
    package var pace: String?

    /// Creates a bucket's status.
    package init(
        bucket: String, gate: String, closedUntil: String? = nil, closedBy: String? = nil, quotaLeft: Int? = nil,
        windowEnds: String? = nil, windowLimit: Int? = nil, waiting: Int, inFlight: Int, pace: String? = nil
    ) {
        self.bucket = bucket
        self.gate = gate
        self.closedUntil = closedUntil
        self.closedBy = closedBy
        self.quotaLeft = quotaLeft
        self.windowEnds = windowEnds
        self.windowLimit = windowLimit
        self.waiting = waiting
        self.inFlight = inFlight
        self.pace = pace
    }
}

/// The shared state as `/status` shows it.
package struct SharedStatus: Sendable, Equatable, Encodable {
    /// The Redis URL, its password redacted.
    package var redis: String
    /// This instance's name.
    package var instance: String
    /// Whether Redis answers now (when it does not, each instance keeps its own state).
    package var connected: Bool

    /// Creates the shared state's status.
    package init(redis: String, instance: String, connected: Bool) {
        self.redis = redis
        self.instance = instance
        self.connected = connected
    }
}
