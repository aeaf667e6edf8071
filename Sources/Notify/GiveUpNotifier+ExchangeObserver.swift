import Events
import Retry

extension GiveUpNotifier: ExchangeObserver {
    /// Not needed for notifications.
    package func exchangeStarted(upstream: String) {}

    /// Not needed for notifications.
    package func attemptFinished(upstream: String, status: Int?, duration: Duration) {}

    /// Not needed for notifications.
    package func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}

    /// Not needed for notifications.
    package func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}

    /// Queues the report for the webhook and returns at once.
    package func gaveUp(_ report: GiveUpReport) {
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
