import Admission
import Events
import Logging
import Loop
import Retry

extension ProxyService {
    /// A gate closed, opened, held or released a request: a log line for the first two, observers for all.
    func gateChanged(_ gate: BucketGate, _ change: GateChange) {
        let event: GateEvent
        switch change {
        case .closed(let until, let cause, let waiting):
            let seconds = Duration.milliseconds(max(until - Sys.wallClockMilliseconds(), 0)).compactDescription
            let source = cause.instance.map { " at instance \($0)" } ?? ""
            logger.notice(
                "gate \(gate.name) closed for \(seconds), until \(WallTime(epochSeconds: Double(until) / 1000).iso8601): \(cause.status) with \(cause.header)\(source); \(waiting) requests waiting",
                metadata: ["upstream": .string(upstream.name)])
            event = .closed(
                until: until, status: cause.status, header: cause.header, instance: cause.instance, waiting: waiting)
        case .opened(let waiting):
            logger.notice(
                "gate \(gate.name) open again: the trial request was answered; \(waiting) requests waiting",
                metadata: ["upstream": .string(upstream.name)])
            event = .opened(waiting: waiting)
        case .held(let reason):
            event = .held(reason: reason.label)
        case .released(let waited):
            event = .released(waited: waited)
        case .refused:
            event = .refused
        }
        for observer in observers { observer.gateEvent(upstream: upstream.name, bucket: gate.name, event) }
    }
}

extension QuotaBucket.HoldReason {
    /// A short label for metrics: "gate", "trial", "quota" or "max_in_flight".
    var label: String {
        switch self {
        case .gateClosed: "gate"
        case .trial: "trial"
        case .quotaSpent: "quota"
        case .maxInFlight: "max_in_flight"
        case .learning: "learning"
        }
    }
}
