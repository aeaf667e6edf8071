import Journal
import Loop
import Retry

/// What the notifier knows about the journal's side of the queue.
struct JournalDeliveryState {
    /// Events left pending in the journal because the in-memory queue was full: loaded once it empties.
    var deferred = false
    /// Whether a load is on its way from the writer thread.
    var loading = false
    /// Keys queued while a load is on its way: it may return them too, and they must not go twice.
    var keysSinceLoad: Set<String> = []
}

/// Lets the loop thread's notifier travel through the writer thread's reply; it is only touched on the loop again.
private struct LoopBound<Value: AnyObject>: @unchecked Sendable {
    weak var value: Value?
}

extension GiveUpNotifier {
    /// Asks the journal for undelivered events (after a restart, or after the queue overflowed), enough to fill
    /// the in-memory queue; they arrive on the loop thread.
    func loadFromJournal() {
        guard let journal, !journalState.loading else { return }
        journalState.loading = true
        journalState.deferred = false
        journalState.keysSinceLoad = []
        let room = max(queue.capacity - queue.count, 1)
        let loop = loop
        let notifier = LoopBound(value: self)
        journal.loadPending(limit: room) { pending in
            loop.execute { notifier.value?.loaded(pending, asked: room) }
        }
    }

    private func loaded(_ pending: [PendingDelivery], asked: Int) {
        journalState.loading = false
        let fresh = pending.filter { !journalState.keysSinceLoad.contains($0.idempotencyKey) }
        journalState.keysSinceLoad = []
        if !fresh.isEmpty {
            logger.info("loaded \(fresh.count) undelivered give-up events from the journal")
        }
        // A full answer means more may wait behind it.
        if pending.count >= asked { journalState.deferred = true }
        for event in fresh { enqueue(WebhookEvent(body: event.body, idempotencyKey: event.idempotencyKey)) }
        if fresh.isEmpty, journalState.deferred, queue.count == 0 {
            // Every row returned is queued already; nothing more to load until the queue drains again.
            journalState.deferred = false
        }
    }

    /// Records what became of the attempt that just ended.
    func journal(_ verdict: DeliveryQueue.Verdict) {
        guard let journal, let key = currentKey else { return }
        currentKey = nil
        let update: DeliveryUpdate
        switch verdict {
        case .delivered:
            update = .delivered
        case .retry(let wait, let reason, _):
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            update = .retrying(error: "\(reason)", nextAttemptAt: Sys.wallClockSeconds() + seconds)
        case .rejected(let status, _):
            update = .failed(error: "rejected with status \(status)")
        case .failed(let reason, let history):
            update = .failed(error: "\(reason): " + history.map(\.outcome).joined(separator: ", "))
        }
        journal.record(.delivery(idempotencyKey: key, update))
    }
}
