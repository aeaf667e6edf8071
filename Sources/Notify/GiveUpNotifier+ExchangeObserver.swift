import Events
import Journal
import Retry

extension GiveUpNotifier: ExchangeObserver {
    /// Only give-ups, gates and the breaker are notified.
    package var wantsExchangeEvents: Bool { false }

    /// Not needed for notifications.
    package func exchangeStarted(upstream: String) {}

    /// Not needed for notifications.
    package func attemptFinished(upstream: String, status: Int?, duration: Duration) {}

    /// Not needed for notifications.
    package func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}

    /// Not needed for notifications.
    package func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}

    /// Queues the report for the webhook (and hands it to the journal, when there is one) and returns at once. A
    /// refusal is only counted, for the event that sums it (``RefusalSummaries``): in an outage most requests are
    /// refused, and one event each would bury the webhook.
    package func gaveUp(_ report: GiveUpReport) {
        if refusals.add(report) {
            journal?.record(
                .giveUp(report, idempotencyKey: Self.makeIdempotencyKey(), webhookBody: nil, summarized: true))
            if refusals.hasPendingSummaries && !summaryTimer.isScheduled {
                loop.schedule(summaryTimer, after: summaryInterval)
            }
            return
        }
        let event = WebhookEvent(body: report.jsonBytes, idempotencyKey: Self.makeIdempotencyKey())
        journal?.record(.giveUp(report, idempotencyKey: event.idempotencyKey, webhookBody: event.body))
        // A load on its way may return this event too; only then is its key remembered, so the set stays small.
        if journalState.loading { journalState.keysSinceLoad.insert(event.idempotencyKey) }
        enqueue(event)
    }

    /// 128 random bits in hex: unique per event, the same on each of its attempts.
    static func makeIdempotencyKey() -> String {
        JournalRecorder.makeKey()
    }
}
