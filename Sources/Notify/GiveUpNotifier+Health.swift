import Events
import Loop
import Retry

extension GiveUpNotifier {
    /// Queues a webhook event when a breaker opens (from closed) or closes; the half-open steps and the reopenings
    /// of a long outage (one per `open_for`) stay in the log and the metrics, so the receiver hears one event each
    /// way per outage.
    package func healthEvent(upstream: String, _ event: HealthEvent) {
        guard let body = Self.breakerEventBody(upstream: upstream, event, time: Sys.wallClockSeconds()) else { return }
        enqueue(WebhookEvent(body: body, idempotencyKey: Self.makeIdempotencyKey()))
    }

    /// The JSON object for `event`: `{"event":"breaker_open","upstream":…,"failures":…,"requests":…,…}`; nil for
    /// events that are not sent.
    static func breakerEventBody(upstream: String, _ event: HealthEvent, time: Double) -> [UInt8]? {
        var members = [String]()
        switch event {
        case .breakerOpened(let failures, let outcomes, let openFor):
            let ratio = outcomes == 0 ? 0 : Double(failures) / Double(outcomes)
            members = [
                "\"event\":\"breaker_open\"", "\"upstream\":\(TextEscaping.jsonString(upstream))",
                "\"failures\":\(failures)", "\"requests\":\(outcomes)",
                "\"failureRatio\":\((ratio * 1000).rounded() / 1000)", "\"openFor\":\(openFor.secondsDecimal)",
            ]
        case .breakerClosed(let trials):
            members = [
                "\"event\":\"breaker_closed\"", "\"upstream\":\(TextEscaping.jsonString(upstream))",
                "\"trialRequests\":\(trials)",
            ]
        case .breakerHalfOpen, .breakerReopened, .breakerRefused:
            return nil
        }
        members.append("\"time\":\(TextEscaping.jsonString(WallTime(epochSeconds: time).iso8601))")
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }
}
