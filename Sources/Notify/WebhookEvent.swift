/// One give-up notification as it goes to the webhook.
package struct WebhookEvent: Sendable, Equatable {
    /// The JSON body (`GiveUpReport.jsonBytes`).
    package var body: [UInt8]
    /// Sent as `Idempotency-Key` and identical on every attempt, so a receiver can drop the duplicates that
    /// at-least-once delivery produces.
    package var idempotencyKey: String

    /// Creates an event.
    package init(body: [UInt8], idempotencyKey: String) {
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}
