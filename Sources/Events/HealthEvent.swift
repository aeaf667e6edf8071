import Retry

/// What happens to an upstream's circuit breaker and retry budget, as observers hear it.
package enum HealthEvent: Sendable, Equatable {
    /// `failures` of the window's `outcomes` failed: requests fail fast for `openFor`.
    case breakerOpened(failures: Int, outcomes: Int, openFor: Duration)
    /// `openFor` passed: trial requests go.
    case breakerHalfOpen
    /// A trial failed: open again for `openFor`.
    case breakerReopened(openFor: Duration)
    /// Enough of the `trials` trial requests succeeded: requests go again.
    case breakerClosed(trials: Int)
    /// A request was answered 503 by retryd because the breaker is open.
    case breakerRefused
}

extension HealthEvent {
    /// The breaker state this event leaves: "open", "half_open" or "closed"; nil for a refusal.
    package var breakerState: String? {
        switch self {
        case .breakerOpened, .breakerReopened: "open"
        case .breakerHalfOpen: "half_open"
        case .breakerClosed: "closed"
        case .breakerRefused: nil
        }
    }
}

extension HealthEvent {
    /// `breaker_open` or `breaker_closed` for the events a webhook hears (one each way per outage: the half-open
    /// steps and the reopenings of a long outage stay in the log and the metrics); nil for the others.
    package var webhookKind: String? {
        switch self {
        case .breakerOpened: "breaker_open"
        case .breakerClosed: "breaker_closed"
        case .breakerHalfOpen, .breakerReopened, .breakerRefused: nil
        }
    }

    /// The JSON object for the event: `{"event":"breaker_open","upstream":…,"failures":…,"requests":…,…}`; nil for
    /// events that are not sent. A closing also says what the breaker stopped while it was not closed: `refused`.
    package func webhookBody(upstream: String, time: Double, refused: RefusalTally = RefusalTally()) -> [UInt8]? {
        var members = [String]()
        switch self {
        case .breakerOpened(let failures, let outcomes, let openFor):
            let ratio = outcomes == 0 ? 0 : Double(failures) / Double(outcomes)
            members = [
                "\"event\":\"breaker_open\"", "\"upstream\":\(TextEscaping.jsonString(upstream))",
                "\"failures\":\(failures)", "\"requests\":\(outcomes)",
                "\"failureRatio\":\((ratio * 1000).rounded() / 1000)", "\"openFor\":\(openFor.secondsDecimal)",
            ]
        case .breakerClosed(let trials):
            members =
                [
                    "\"event\":\"breaker_closed\"", "\"upstream\":\(TextEscaping.jsonString(upstream))",
                    "\"trialRequests\":\(trials)",
                ] + refused.jsonMembers
        case .breakerHalfOpen, .breakerReopened, .breakerRefused:
            return nil
        }
        members.append("\"time\":\(TextEscaping.jsonString(WallTime(epochSeconds: time).iso8601))")
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }
}
