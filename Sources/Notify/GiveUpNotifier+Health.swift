import Events
import Journal
import Loop
import Retry

extension GiveUpNotifier {
    /// Queues a webhook event when a breaker opens (from closed) or closes; the half-open steps and the reopenings
    /// of a long outage (one per `open_for`) stay in the log and the metrics, so the receiver hears one event each
    /// way per outage. The closing carries what the breaker stopped while it was not closed.
    package func healthEvent(upstream: String, _ event: HealthEvent) {
        let time = Sys.wallClockSeconds()
        var refused = RefusalTally()
        if case .breakerClosed = event { refused = refusals.breakerClosed(upstream: upstream) }
        guard let body = event.webhookBody(upstream: upstream, time: time, refused: refused),
            let kind = event.webhookKind
        else { return }
        enqueueUpstreamEvent(upstream: upstream, kind: kind, body: body, time: time)
    }

    /// Sends a `requests_refused` event for each upstream and reason whose gate or budget refusals were summed
    /// since the last; the timer's action.
    func sendSummaries() {
        let time = Sys.wallClockSeconds()
        for summary in refusals.takeSummaries() {
            enqueueUpstreamEvent(
                upstream: summary.upstream, kind: "requests_refused", body: summary.webhookBody(time: time), time: time)
        }
    }

    /// Journals an upstream event and queues it for the webhook.
    private func enqueueUpstreamEvent(upstream: String, kind: String, body: [UInt8], time: Double) {
        let webhookEvent = WebhookEvent(body: body, idempotencyKey: Self.makeIdempotencyKey())
        // Kept in the journal first, so a restart still delivers it, with the same key.
        journal?.record(
            .event(
                UpstreamEvent(
                    time: time, upstream: upstream, kind: kind, detail: body,
                    idempotencyKey: webhookEvent.idempotencyKey,
                    delivered: true)))
        if journalState.loading { journalState.keysSinceLoad.insert(webhookEvent.idempotencyKey) }
        enqueue(webhookEvent)
    }

    /// Gate closures and openings go to the journal, not to the webhook (they are frequent and short).
    package func gateEvent(upstream: String, bucket: String, _ event: GateEvent) {
        if let journal { JournalRecorder.recordGate(event, upstream: upstream, bucket: bucket, in: journal) }
    }
}
