import Retry

/// One give-up or refusal as read back from the journal: the report's fields and the webhook delivery state.
package struct GiveUpEntry: Sendable, Equatable {
    /// One attempt: its outcome and the wait after it.
    package struct Attempt: Sendable, Equatable, Codable {
        /// The status ("503") or the failure ("connection refused").
        package var outcome: String
        /// Seconds waited after this attempt; nil for the last one.
        package var waitedAfter: Double?

        /// Creates an attempt.
        package init(outcome: String, waitedAfter: Double?) {
            self.outcome = outcome
            self.waitedAfter = waitedAfter
        }
    }

    /// A vendor request id header.
    package struct RequestID: Sendable, Equatable, Codable {
        /// The header name.
        package var name: String
        /// Its value.
        package var value: String

        /// Creates a request id.
        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The row id: increasing in the order give-ups were written.
    package var id: Int64
    /// When retryd gave up, seconds since the epoch.
    package var time: Double
    /// The upstream's name.
    package var upstream: String
    /// The request method.
    package var method: String
    /// The path, without its query.
    package var path: String
    /// The status the client got; nil when none was sent.
    package var finalStatus: Int?
    /// Why retrying stopped, in words.
    package var reason: String
    /// Why retrying stopped, as a stable code.
    package var reasonCode: String
    /// Every attempt in order.
    package var attempts: [Attempt]
    /// Vendor request ids from the last response.
    package var requestIDs: [RequestID]
    /// The first bytes of the last body.
    package var bodyPrefix: [UInt8]
    /// The webhook event's key (also for give-ups without a webhook, so rows are unique).
    package var idempotencyKey: String
    /// Where the webhook delivery stands.
    package var delivery: DeliveryState
    /// Delivery attempts made, across restarts.
    package var deliveryAttempts: Int
    /// When the next delivery attempt is due, seconds since the epoch.
    package var nextAttemptAt: Double?
    /// The last delivery failure.
    package var deliveryError: String?
    /// The verify probes made before re-sending, in order; empty when none ran.
    package var probes: [Attempt]
    /// What the last probe found (`applied (RUNNING)`, `unknown (…)`), when one ran.
    package var verdict: String?
    /// The idempotency key the request carried toward the vendor (the client's, or one retryd added).
    package var requestKey: String?

    /// Creates an entry.
    package init(
        id: Int64, time: Double, upstream: String, method: String, path: String, finalStatus: Int?, reason: String,
        reasonCode: String, attempts: [Attempt], requestIDs: [RequestID], bodyPrefix: [UInt8],
        idempotencyKey: String, delivery: DeliveryState, deliveryAttempts: Int = 0, nextAttemptAt: Double? = nil,
        deliveryError: String? = nil, probes: [Attempt] = [], verdict: String? = nil, requestKey: String? = nil
    ) {
        self.id = id
        self.time = time
        self.upstream = upstream
        self.method = method
        self.path = path
        self.finalStatus = finalStatus
        self.reason = reason
        self.reasonCode = reasonCode
        self.attempts = attempts
        self.requestIDs = requestIDs
        self.bodyPrefix = bodyPrefix
        self.idempotencyKey = idempotencyKey
        self.delivery = delivery
        self.deliveryAttempts = deliveryAttempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveryError = deliveryError
        self.probes = probes
        self.verdict = verdict
        self.requestKey = requestKey
    }
}

/// Which rows `retryd giveups` and `GET /giveups` show.
package struct GiveUpQuery: Sendable, Equatable {
    /// The most rows shown when no limit is given.
    package static let defaultLimit = 100

    /// Only give-ups at or after this time (seconds since the epoch).
    package var since: Double?
    /// Only this upstream's.
    package var upstream: String?
    /// Only rows with one of these reason codes (`breaker_open`, `attempts_exhausted`, …); nil for every reason.
    package var reasons: [String]?
    /// The newest `limit` rows at most.
    package var limit = GiveUpQuery.defaultLimit

    /// Creates a query.
    package init(
        since: Double? = nil, upstream: String? = nil, reasons: [String]? = nil, limit: Int = GiveUpQuery.defaultLimit
    ) {
        self.since = since
        self.upstream = upstream
        self.reasons = reasons
        self.limit = limit
    }
}
