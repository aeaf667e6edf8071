import Events
import ExchangeCore
import Forwarder
import HTTP1
import Logging
import Loop
import Retry

extension Exchange {
    /// One attempt ended: observers hear its status (nil for a failure) and duration.
    func attemptEnded(_ ended: ExchangeStateMachine.AttemptEnd) {
        for observer in service.observers {
            observer.attemptFinished(upstream: upstreamName, status: ended.status, duration: ended.duration)
        }
    }

    /// A retry was decided: logged at info level and reported to observers.
    func retryScheduled(_ plan: ExchangeStateMachine.RetryPlan) {
        let request = machine.request
        if plan.verifying, let verification = machine.verification {
            // Not a retry yet: whether there is one depends on the probe.
            let what = machine.probes == 0 ? "may have been processed (\(plan.reason))" : "probe \(plan.attempt) failed"
            service.logger.info(
                "verifying \(request.method) \(RequestTarget.path(of: request.target)): \(what); probing \(verification.probe.method) \(RequestTarget.path(of: verification.target)) in \(plan.wait.compactDescription)",
                metadata: ["upstream": .string(upstreamName)])
            return
        }
        service.logger.info(
            "retrying \(request.method) \(RequestTarget.path(of: request.target)) after \(plan.reason) (attempt \(plan.attempt) of \(machine.planner.policy.maxAttempts)), waiting \(plan.wait.compactDescription)",
            metadata: ["upstream": .string(upstreamName)])
        for observer in service.observers {
            observer.retryScheduled(upstream: upstreamName, reason: plan.reason, wait: plan.wait)
        }
    }

    /// A probe found out whether the request was applied: logged at info level and reported to observers.
    func verified(_ verdict: ProbeVerdict) {
        let request = machine.request
        let then: String
        switch verdict {
        case .applied: then = "not sending it again"
        case .notApplied: then = "it may be sent again"
        case .inconclusive: then = "not sending it again; the client gets the failure"
        }
        service.logger.info(
            "verified \(request.method) \(RequestTarget.path(of: request.target)): \(verdict) after \(machine.probes) probe(s); \(then)",
            metadata: ["upstream": .string(upstreamName)])
        for observer in service.observers { observer.verified(upstream: upstreamName, verdict: verdict) }
    }

    /// The exchange ended: its warning and give-up (if any), the observers and the access log line.
    func report(_ finish: ExchangeStateMachine.Finish) {
        // Not `machine.elapsed(at:)`: calling a method of the machine (a struct of another module, stored in this
        // class) copied the whole machine first, about 1.2k instructions a request.
        let duration = Duration.nanoseconds(loop.now - startedAt)
        let attempts = machine.attempts
        if let warning = finish.warning {
            service.logger.warning("\(warning)", metadata: ["upstream": .string(upstreamName)])
        }
        if let reason = finish.giveUp { reportGiveUp(reason, finalStatus: finish.status) }
        for observer in service.observers {
            observer.exchangeFinished(
                upstream: upstreamName, status: finish.status, attempts: attempts, duration: duration)
        }
        let entry = AccessEntry(
            method: machine.request.method, path: RequestTarget.path(of: machine.request.target),
            status: finish.status, bytes: finish.bytesDelivered,
            tenthsOfMilliseconds: Self.tenths(Double(duration.nanoseconds) / 1e6), attempts: attempts,
            upstream: upstreamName)
        if let accessLog = service.accessLog {
            // Straight into the log's batch: through swift-log, this line was a tenth of a request's instructions.
            accessLog.record(entry)
        } else {
            service.logger.info(
                "\(entry.message)",
                metadata: ["upstream": .string(upstreamName), "attempts": .stringConvertible(attempts)])
        }
    }

    /// Logs the give-up with everything the vendors ask integrators to record; a refusal is summed in the log
    /// instead (``ProxyService/logRefusal(_:)``). Observers hear each one: the journal keeps a row per request.
    private func reportGiveUp(_ reason: GiveUpReason, finalStatus: Int) {
        let request = machine.request
        let requestIDs: [(name: String, value: String)]
        if machine.attempts == 0 {
            // No vendor answer to take ids from: the ids the client sent are what it can look its request up by.
            requestIDs = GiveUpReport.requestIDs(
                in: request.headers.map { ($0.name, $0.value) }, extraNames: profile.upstream.requestIDHeaders)
        } else {
            requestIDs =
                GiveUpReport.requestIDs(in: machine.lastHeaders, extraNames: profile.upstream.requestIDHeaders)
                + GiveUpReport.requestIDs(in: machine.lastBody, fields: profile.upstream.requestIDFields)
        }
        var report = GiveUpReport(
            upstream: upstreamName,
            method: request.method,
            path: String(RequestTarget.path(of: request.target)),
            attempts: machine.planner.history,
            reason: reason,
            requestIDs: requestIDs,
            time: Sys.wallClockSeconds(),
            body: machine.lastBody,
            finalStatus: finalStatus
        )
        report.probes = machine.probeHistory
        report.verdict = machine.lastVerdict?.description
        report.idempotencyKey = machine.idempotencyKey
        if reason.isRefusal {
            service.logRefusal(report)
        } else {
            service.logger.warning("\(report.logMessage)", metadata: ["upstream": .string(upstreamName)])
        }
        for observer in service.observers { observer.gaveUp(report) }
    }

    private var upstreamName: String { profile.upstream.name }

    /// `value` in tenths, rounded: the access log prints milliseconds with one decimal.
    static func tenths(_ value: Double) -> Int {
        Int((value * 10).rounded())
    }
}
