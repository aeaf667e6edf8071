import Events
import FoundationEssentials
import Retry

/// Records every give-up and refusal, breaker and gate event in the journal when no webhook is configured (with one, the notifier
/// records them, with the key its deliveries carry). Observer calls come on the loop thread and only hand the record
/// over.
package final class JournalRecorder: ExchangeObserver {
    /// Only give-ups, gates and the breaker are journaled.
    package var wantsExchangeEvents: Bool { false }

    /// Where give-ups go.
    package let journal: Journal
    /// What each upstream's breaker stopped since it last closed, for its `breaker_closed` event.
    private var breakerRefusals: [String: RefusalTally] = [:]

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

    /// Hands the give-up or refusal to the writer thread.
    package func gaveUp(_ report: GiveUpReport) {
        journal.record(.giveUp(report, idempotencyKey: Self.makeKey(), webhookBody: nil))
        if report.reason == .breakerOpen { breakerRefusals[report.upstream, default: RefusalTally()].add(report) }
    }

    /// Breakers opening and closing, as the webhook would hear them (a closing with what the breaker stopped).
    package func healthEvent(upstream: String, _ event: HealthEvent) {
        let time = Date().timeIntervalSince1970
        var refused = RefusalTally()
        if case .breakerClosed = event { refused = breakerRefusals.removeValue(forKey: upstream) ?? refused }
        guard let body = event.webhookBody(upstream: upstream, time: time, refused: refused),
            let kind = event.webhookKind
        else { return }
        journal.record(
            .event(
                UpstreamEvent(
                    time: time, upstream: upstream, kind: kind, detail: body, idempotencyKey: Self.makeKey(),
                    delivered: false)))
    }

    /// Quota gates closing and opening.
    package func gateEvent(upstream: String, bucket: String, _ event: GateEvent) {
        Self.recordGate(event, upstream: upstream, bucket: bucket, in: journal)
    }

    /// Records a gate's closing (with until when, why and from which instance) or opening; other gate events (a
    /// request held or released) are per request and stay in the metrics.
    package static func recordGate(_ event: GateEvent, upstream: String, bucket: String, in journal: Journal) {
        let time = Date().timeIntervalSince1970
        var members = [
            "\"upstream\":\(TextEscaping.jsonString(upstream))", "\"bucket\":\(TextEscaping.jsonString(bucket))",
        ]
        let kind: String
        switch event {
        case .closed(let until, let status, let header, let instance, let waiting):
            kind = "gate_closed"
            members += [
                "\"until\":\(TextEscaping.jsonString(WallTime(epochSeconds: Double(until) / 1000).iso8601))",
                "\"status\":\(status)", "\"header\":\(TextEscaping.jsonString(header))",
                "\"instance\":\(instance.map(TextEscaping.jsonString) ?? "null")", "\"waiting\":\(waiting)",
            ]
        case .opened(let waiting):
            kind = "gate_opened"
            members.append("\"waiting\":\(waiting)")
        case .held, .released, .refused:
            return
        }
        let detail = Array(("{\"event\":\"\(kind)\"," + members.joined(separator: ",") + "}").utf8)
        journal.record(
            .event(
                UpstreamEvent(
                    time: time, upstream: upstream, kind: kind, detail: detail, idempotencyKey: makeKey(),
                    delivered: false)))
    }
}
