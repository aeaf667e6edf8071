import Retry

/// What the event loop hands to the writer thread: a give-up, or a change to an event's webhook delivery.
package enum JournalRecord: Sendable {
    /// A new give-up or refusal, with its webhook event's key and body when it is an event of its own; a refusal a
    /// webhook hears only summed in an upstream event is `summarized`.
    case giveUp(GiveUpReport, idempotencyKey: String, webhookBody: [UInt8]?, summarized: Bool = false)
    /// A delivery attempt of the event `idempotencyKey` ended.
    case delivery(idempotencyKey: String, DeliveryUpdate)
    /// Something happened to an upstream as a whole: a breaker opened or closed, a quota gate closed or opened.
    case event(UpstreamEvent)
}

/// An upstream-wide event as the journal keeps it.
package struct UpstreamEvent: Sendable, Equatable {
    /// When it happened, seconds since the epoch.
    package var time: Double
    /// The upstream's name.
    package var upstream: String
    /// `breaker_open`, `breaker_closed`, `gate_closed`, `gate_opened` or `requests_refused`.
    package var kind: String
    /// The event as a JSON object: the webhook body, for events that are delivered.
    package var detail: [UInt8]
    /// The row key, and the `Idempotency-Key` of its deliveries.
    package var idempotencyKey: String
    /// Whether the webhook is to get it (pending until delivered).
    package var delivered: Bool

    /// Creates an event.
    package init(
        time: Double, upstream: String, kind: String, detail: [UInt8], idempotencyKey: String, delivered: Bool
    ) {
        self.time = time
        self.upstream = upstream
        self.kind = kind
        self.detail = detail
        self.idempotencyKey = idempotencyKey
        self.delivered = delivered
    }
}

/// What became of one delivery attempt, as the journal stores it.
package enum DeliveryUpdate: Sendable, Equatable {
    /// The attempt failed with `error`; the next is due at `nextAttemptAt` (seconds since the epoch).
    case retrying(error: String, nextAttemptAt: Double)
    /// The webhook accepted the event.
    case delivered
    /// Retrying stopped (rejected, or out of attempts); the event will not be sent again.
    case failed(error: String)
}

/// A webhook event still to be delivered, as loaded from the journal.
package struct PendingDelivery: Sendable, Equatable {
    /// The key sent on every delivery of the event.
    package var idempotencyKey: String
    /// The JSON body, byte for byte as first queued.
    package var body: [UInt8]
    /// Attempts made so far, across restarts.
    package var attempts: Int

    /// Creates a pending delivery.
    package init(idempotencyKey: String, body: [UInt8], attempts: Int) {
        self.idempotencyKey = idempotencyKey
        self.body = body
        self.attempts = attempts
    }
}

/// Where an event's webhook delivery stands.
package enum DeliveryState: String, Sendable, Equatable, CaseIterable {
    /// No webhook was configured when the give-up happened.
    case none
    /// Not delivered yet: sent on the next attempt, or after a restart.
    case pending
    /// The webhook accepted it.
    case delivered
    /// Rejected by the webhook or out of attempts.
    case failed
    /// A refusal: the webhook hears it counted in an upstream event (`breaker_closed`, `requests_refused`), not in
    /// an event of its own.
    case summarized
}
