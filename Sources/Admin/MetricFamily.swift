import Prometheus

/// The metric families retryd exports: one name, unit, help text and per-upstream label each.
enum MetricFamily: CaseIterable, Sendable {
    case requests
    case attempts
    case retries
    case giveUps
    case rateLimitWaits
    case retryWait
    case upstreamLatency
    case inFlight
    case connectionsRefused
    case rateLimitedResponses
    case gateClosures
    case heldRequests
    case holdTime
    case gateRefusals
    case sharedConnected
    case verifications
    case breakerState
    case breakerTransitions
    case breakerRejections
    case budgetExhausted

    /// The name's parts: all under the `retryd` namespace, counters in `total`, histograms in `seconds`.
    var descriptor: MetricNameDescriptor {
        let (metricName, unit): (String, String) =
            switch self {
            case .requests: ("requests", "total")
            case .attempts: ("attempts", "total")
            case .retries: ("retries", "total")
            case .giveUps: ("giveups", "total")
            case .rateLimitWaits: ("rate_limit_waits", "total")
            case .retryWait: ("retry_wait", "seconds")
            case .upstreamLatency: ("upstream_latency", "seconds")
            case .inFlight: ("inflight_exchanges", "")
            case .connectionsRefused: ("connections_refused", "total")
            case .rateLimitedResponses: ("rate_limited_responses", "total")
            case .gateClosures: ("gate_closures", "total")
            case .heldRequests: ("held_requests", "total")
            case .holdTime: ("hold", "seconds")
            case .gateRefusals: ("gate_refusals", "total")
            case .sharedConnected: ("shared_state_connected", "")
            case .verifications: ("verifications", "total")
            case .breakerState: ("breaker_state", "")
            case .breakerTransitions: ("breaker_transitions", "total")
            case .breakerRejections: ("breaker_rejections", "total")
            case .budgetExhausted: ("retry_budget_exhausted", "total")
            }
        return MetricNameDescriptor(namespace: "retryd", metricName: metricName, unitName: unit, helpText: help)
    }

    /// The exposition name, e.g. `retryd_requests_total`.
    var name: String { descriptor.name }

    /// The label that splits the family beyond `upstream`, if any.
    var detailLabel: String? {
        switch self {
        case .requests: "status_class"
        case .attempts: "outcome"
        case .retries, .giveUps: "reason"
        case .heldRequests: "reason"
        case .verifications: "verdict"
        case .breakerTransitions: "to"
        case .rateLimitWaits, .retryWait, .upstreamLatency, .inFlight, .connectionsRefused, .rateLimitedResponses,
            .gateClosures, .holdTime, .gateRefusals, .sharedConnected, .breakerState, .breakerRejections,
            .budgetExhausted:
            nil
        }
    }

    /// The `# HELP` text.
    var help: String {
        switch self {
        case .requests: "Client requests answered, by class of the status the client got (499: it left first)."
        case .attempts: "Attempts sent upstream, by status class of the response, or failure."
        case .retries: "Retries scheduled, by reason: status class, rate-limit status, unsent or maybe_processed."
        case .giveUps:
            "Requests retryd failed, one per journal row, by reason: a give-up (attempts_exhausted, …) or a refusal"
                + " (breaker_open, gate_closed, budget_exhausted)."
        case .rateLimitWaits: "Retries that waited for an announced rate-limit reset."
        case .retryWait: "Scheduled waits before a retry, in seconds."
        case .upstreamLatency: "Each attempt's time to its response head or failure, in seconds."
        case .inFlight: "Client exchanges in progress (waiting, attempting or streaming)."
        case .connectionsRefused: "Client connections answered 503 and closed because max_connections were open."
        case .rateLimitedResponses: "Responses with status 429 received from the upstream."
        case .gateClosures: "Times a quota gate closed (or its opening moved later) on an announced wait."
        case .heldRequests:
            "Attempts held before going upstream, by reason: gate, trial, quota (pacing), max_in_flight."
        case .holdTime: "How long held attempts waited before going upstream, in seconds."
        case .gateRefusals: "Requests answered 429 by retryd because they could not wait for the quota gate."
        case .sharedConnected: "1 while the shared state (Redis) answers, 0 while each instance keeps its own."
        case .verifications:
            "Requests that may have been processed and were probed, by verdict: applied, not_applied or unknown."
        case .breakerState: "The circuit breaker: 0 closed, 1 open (failing fast), 2 half-open (trial requests out)."
        case .breakerTransitions: "Circuit breaker state changes, by the state entered: open, half_open, closed."
        case .breakerRejections: "Requests answered 503 by retryd at once because the circuit breaker was open."
        case .budgetExhausted: "Retryable outcomes passed to the client because the retry budget was spent."
        }
    }
}
