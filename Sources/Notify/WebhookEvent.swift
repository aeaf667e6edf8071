/// One give-up notification as it goes to the webhook.
public struct WebhookEvent: Sendable, Equatable {
    /// The JSON body (`GiveUpReport.jsonBytes`).
    public var body: [UInt8]
    /// Sent as `Idempotency-Key` and identical on every attempt, so a receiver can drop the duplicates that
    /// at-least-once delivery produces.
    public var idempotencyKey: String

    /// Creates an event.
    public init(body: [UInt8], idempotencyKey: String) {
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}
