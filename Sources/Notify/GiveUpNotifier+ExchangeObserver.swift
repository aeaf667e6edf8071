import Events
import Retry

extension GiveUpNotifier: ExchangeObserver {
    /// Not needed for notifications.
    public func exchangeStarted(upstream: String) {}

    /// Not needed for notifications.
    public func attemptFinished(upstream: String, status: Int?, duration: Duration) {}

    /// Not needed for notifications.
    public func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}

    /// Not needed for notifications.
    public func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}

    /// Queues the report for the webhook and returns at once.
    public func gaveUp(_ report: GiveUpReport) {
        enqueue(WebhookEvent(body: report.jsonBytes, idempotencyKey: Self.makeIdempotencyKey()))
    }

    /// 128 random bits in hex: unique per event, the same on each of its attempts.
    static func makeIdempotencyKey() -> String {
        var random = SystemRandomNumberGenerator()
        let high = String(random.next() as UInt64, radix: 16)
        let low = String(random.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count)
            + low
    }
}
