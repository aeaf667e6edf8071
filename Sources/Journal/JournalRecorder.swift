import Events
import Retry

/// Records every give-up in the journal when no webhook is configured (with one, the notifier records them, with
/// the key its deliveries carry). Observer calls come on the loop thread and only hand the record over.
package final class JournalRecorder: ExchangeObserver {
    /// Where give-ups go.
    package let journal: Journal

    /// Creates a recorder for `journal`.
    package init(journal: Journal) {
        self.journal = journal
    }

    /// 128 random bits in hex: a give-up's row key, and its webhook event's `Idempotency-Key`.
    package static func makeKey() -> String {
        var random = SystemRandomNumberGenerator()
        let high = String(random.next() as UInt64, radix: 16)
        let low = String(random.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count)
            + low
    }

    /// Not journaled.
    package func exchangeStarted(upstream: String) {}

    /// Not journaled.
    package func attemptFinished(upstream: String, status: Int?, duration: Duration) {}

    /// Not journaled.
    package func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}

    /// Not journaled.
    package func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}

    /// Hands the give-up to the writer thread.
    package func gaveUp(_ report: GiveUpReport) {
        journal.record(.giveUp(report, idempotencyKey: Self.makeKey(), webhookBody: nil))
    }
}
