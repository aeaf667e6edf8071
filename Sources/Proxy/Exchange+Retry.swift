import Forwarder
import HTTP1
import Listener
import Retry

extension Exchange {
    /// The attempt produced a final response head: deliver it, or discard it and retry.
    func decide(on response: ResponseHead) -> Decision {
        attemptEnded(status: response.status)
        lastHeaders = response.headers.map { ($0.name, $0.value) }
        return decide(.response(status: response.status, headers: lastHeaders))
    }

    func decide(_ outcome: AttemptOutcome) -> Decision {
        var random = SystemRandomNumberGenerator()
        return planner.decide(outcome, attempt: attempt, elapsed: elapsed, now: Sys.wallClockSeconds(), using: &random)
    }

    /// The attempt failed before any response head.
    func attemptFailed(_ error: UpstreamError) {
        let failure = TransportFailure(
            kind: error.mayHaveBeenSent ? .maybeProcessed : .unsent, isTimeout: error.isTimeout, message: error.message)
        attemptFailed(failure, isPermanent: error.isPermanent)
    }

    /// The attempt ended without a usable response head; the planner decides whether it is retried.
    func attemptFailed(_ failure: TransportFailure, isPermanent: Bool = false) {
        attemptEnded(status: nil)
        if isPermanent {
            planner.recordFinal(.failure(failure))
            giveUpWithoutResponse(failure, reason: .notRetryable)
            return
        }
        switch decide(.failure(failure)) {
        case .retry(let wait, let reason):
            scheduleRetry(after: wait, reason: reason)
        case .giveUp(let reason):
            giveUpWithoutResponse(failure, reason: reason)
        case .deliver:
            giveUpWithoutResponse(failure, reason: .notRetryable)
        }
    }

    /// Waits, then starts the next attempt; the client's departure cancels the wait.
    func scheduleRetry(after wait: Duration, reason: RetryReason) {
        service.logger.info(
            "retrying \(head.method) \(RequestTarget.path(of: head.target)) after \(reason) (attempt \(attempt) of \(planner.policy.maxAttempts)), waiting \(RetryFormat.duration(wait))",
            metadata: ["upstream": .string(upstream.name)])
        for observer in service.observers { observer.retryScheduled(upstream: upstream.name, reason: reason, wait: wait) }
        let timer = waitTimer ?? LoopTimer { [unowned self] in self.startAttempt() }
        waitTimer = timer
        service.loop.schedule(timer, after: wait)
    }

    /// No upstream response to pass on: answer 502 or 504 with a JSON body naming the cause and the attempts.
    func giveUpWithoutResponse(_ failure: TransportFailure, reason: GiveUpReason) {
        giveUpReason = reason
        fail(
            status: GiveUpResponse.status(for: failure, reason: reason),
            code: GiveUpResponse.code(for: failure, reason: reason),
            detail: GiveUpResponse.detail(for: failure, reason: reason, attempts: attempt))
    }

    /// Logs the give-up with everything the vendors ask integrators to record.
    func reportGiveUp(_ reason: GiveUpReason, finalStatus: Int) {
        let report = GiveUpReport(
            upstream: upstream.name,
            method: head.method,
            path: String(RequestTarget.path(of: head.target)),
            attempts: planner.history,
            reason: reason,
            requestIDs: GiveUpReport.requestIDs(in: lastHeaders, extraNames: upstream.requestIDHeaders),
            time: Sys.wallClockSeconds(),
            body: lastBody,
            finalStatus: finalStatus
        )
        service.logger.warning("\(report.logMessage)", metadata: ["upstream": .string(upstream.name)])
        for observer in service.observers { observer.gaveUp(report) }
    }

    func attemptEnded(status: Int?) {
        guard !service.observers.isEmpty else { return }
        let duration = Duration.nanoseconds(service.loop.now - attemptStartedAt)
        for observer in service.observers {
            observer.attemptFinished(upstream: upstream.name, status: status, duration: duration)
        }
    }

    /// Keeps the first bytes of a response body for the give-up report.
    func remember(_ bytes: UnsafeRawBufferPointer) {
        let room = GiveUpReport.bodyPrefixLimit - lastBody.count
        if room > 0 { lastBody.append(contentsOf: bytes.prefix(room)) }
    }
}

/// Compact durations for log lines: "250ms", "2s", "1.5s".
enum RetryFormat {
    static func duration(_ duration: Duration) -> String {
        let milliseconds = duration.nanoseconds / 1_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let tenths = (milliseconds + 50) / 100
        return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
    }
}
