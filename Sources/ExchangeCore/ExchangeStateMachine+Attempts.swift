import HTTP1
import Retry

extension ExchangeStateMachine {
    /// How a transfer ended, as libcurl reports it once its callbacks are done.
    package enum TransferResult: Equatable, Sendable {
        /// It ran to its end.
        case success
        /// It failed: the failure as the retry planner sees it, and whether no retry could ever fix it (a
        /// certificate that does not verify, an unusable URL).
        case failure(TransportFailure, isPermanent: Bool)
    }

    /// The current transfer ended (libcurl's completion, outside its callbacks).
    /// - Parameter allowance: Whether the upstream as a whole takes another retry now (its budget and breaker).
    package mutating func transferCompleted(
        _ result: TransferResult, allowance: RetryAllowance, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Action {
        planner.allowance = allowance
        let phase = state
        let action: Action
        switch phase {
        case .discarding(_, var pending):
            // The retryable response's body is done with (or abandoned): its connection's fate does not matter.
            if case .success = result { pending.kept?.isComplete = true }
            state = .waiting(pending)
            action = .retry(Retry(plan: pending.plan))
        case .attempting(let attempt):
            let ended = attemptEnded(status: nil, at: now, startedAt: attempt.startedAt)
            let failure: TransportFailure
            var isPermanent = false
            if let refusal = attempt.refusal {
                failure = TransportFailure(kind: .maybeProcessed, isBadResponse: true, message: refusal.detail)
            } else {
                switch result {
                case .success:
                    failure = Self.cutOffHead
                case .failure where head.isInsideHead:
                    failure = Self.cutOffHead
                case .failure(let error, let permanent):
                    failure = error
                    isPermanent = permanent
                }
            }
            action = afterFailure(
                failure, isPermanent: isPermanent, attempt: attempt.number, ended: ended, now: now,
                wallClock: wallClock, random: &random)
        case .probing(let probe):
            var failure: TransportFailure?
            if case .failure(let error, _) = result, probe.response == nil { failure = error }
            action = probeEnded(probe, failure: failure, now: now, wallClock: wallClock, random: &random)
        case .delivering(let delivery):
            switch result {
            case .success:
                action = finish(status: delivery.status, answer: .endResponse, giveUp: delivery.giveUp)
            case .failure(let error, _):
                // Part of the body is out: end the connection so the truncation shows.
                let warning = "response cut off after \(delivery.bytes) body bytes: \(error.message)"
                action = finish(
                    status: delivery.status, answer: .abortResponse, giveUp: delivery.giveUp, warning: warning)
            }
        case .receivingRequest, .waitingAtGate, .waiting, .finished, .modifying:
            // Every way out of a phase with a transfer cancels it, so no completion can reach these.
            assertionFailure("transfer completed in \(self.phase)")
            return .none
        }
        return endingTransfer(of: phase, cancel: false, then: action)
    }

    /// The exchange's one timer fired: an attempt's bound, a streaming body's idle bound, or the end of a wait.
    /// - Parameters:
    ///   - mayHaveBeenSent: Whether the transfer in flight (if any) may have sent the request.
    ///   - allowance: Whether the upstream as a whole takes another retry now (its budget and breaker).
    package mutating func timerFired(
        now: Int64, mayHaveBeenSent: Bool, allowance: RetryAllowance, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Action {
        planner.allowance = allowance
        let phase = state
        switch phase {
        case .attempting(let attempt):
            let failure = TransportFailure(
                kind: mayHaveBeenSent ? .maybeProcessed : .unsent, isTimeout: true, message: "no response in time")
            let ended = attemptEnded(status: nil, at: now, startedAt: attempt.startedAt)
            let action = afterFailure(
                failure, isPermanent: false, attempt: attempt.number, ended: ended, now: now, wallClock: wallClock,
                random: &random)
            return endingTransfer(of: phase, cancel: true, then: action)
        case .discarding(_, let pending):
            // A retryable response whose body stalls: stop reading it and go on with the retry.
            state = .waiting(pending)
            return endingTransfer(of: phase, cancel: true, then: .retry(Retry(plan: pending.plan)))
        case .probing(let probe):
            // The probe's bound passed: it ends here, whatever its answer leads to.
            let action = probeEnded(
                probe, failure: probe.response == nil ? Self.probeTimedOut : nil, now: now, wallClock: wallClock,
                random: &random)
            return endingTransfer(of: phase, cancel: true, then: action)
        case .waiting(let pending):
            if let uncertain = pending.uncertain { return startProbe(uncertain, kept: pending.kept, now: now) }
            return nextAttempt(now: now)
        case .delivering(let delivery):
            // The bound is between bytes; a client that is not reading is not the upstream's fault.
            let idleSince = delivery.flow == .clientFull ? now : delivery.lastByteAt
            let deadline = idleSince + configuration.attemptTimeout.nanosecondCount
            if deadline > now { return .rearmTimer(after: .nanoseconds(deadline - now)) }
            let warning =
                "response body stalled for \(configuration.attemptTimeout.compactDescription) after \(delivery.bytes) bytes"
            let action = finish(
                status: delivery.status, answer: .abortResponse, giveUp: delivery.giveUp, warning: warning)
            return endingTransfer(of: phase, cancel: true, then: action)
        case .waitingAtGate:
            // A probe's bound still armed when its answer sent the repeat to the gate: nothing to bound there.
            return .none
        case .receivingRequest, .finished, .modifying:
            // The timer is armed only by an attempt, a probe, a delivery or a wait, and cancelled at the end.
            assertionFailure("timer fired in \(self.phase)")
            return .none
        }
    }

    /// An attempt ended without a usable head: the planner decides between a retry and retryd's own 502 or 504.
    private mutating func afterFailure(
        _ failure: TransportFailure, isPermanent: Bool, attempt: Int, ended: AttemptEnd, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Action {
        if isPermanent {
            planner.recordFinal(.failure(failure))
            return giveUp(failure, reason: .notRetryable, ended: ended)
        }
        if needsVerification(.failure(failure)) {
            let (plan, uncertain) = beginVerification(
                .failure(failure), failure: failure, attempt: attempt, now: now, wallClock: wallClock, random: &random)
            state = .waiting(PendingRetry(plan: plan, kept: nil, uncertain: uncertain))
            return .retry(Retry(plan: plan, ended: ended, spendsBudget: spendsBudget(plan)))
        }
        let decision = planner.decide(
            .failure(failure), attempt: attempt, elapsed: elapsed(at: now), now: wallClock, using: &random)
        switch decision {
        case .retry(let wait, let reason):
            let plan = RetryPlan(attempt: attempt, wait: wait, reason: reason)
            state = .waiting(PendingRetry(plan: plan, kept: nil))
            return .retry(Retry(plan: plan, ended: ended, spendsBudget: spendsBudget(plan)))
        case .giveUp(let reason):
            return giveUp(failure, reason: reason, ended: ended)
        case .deliver:
            return giveUp(failure, reason: .notRetryable, ended: ended)
        }
    }

    /// No upstream response to pass on: 502 or 504 with a JSON body naming the cause and the attempts.
    mutating func giveUp(_ failure: TransportFailure, reason: GiveUpReason, ended: AttemptEnd? = nil) -> Action {
        .finish(givingUp(failure, reason: reason, ended: ended))
    }

    /// The ending of ``giveUp(_:reason:ended:)``, for callers that amend it.
    mutating func givingUp(_ failure: TransportFailure, reason: GiveUpReason, ended: AttemptEnd? = nil) -> Finish {
        finishing(
            error: GiveUpResponse.status(for: failure, reason: reason),
            GiveUpResponse.code(for: failure, reason: reason),
            GiveUpResponse.detail(for: failure, reason: reason, attempts: attempts), giveUp: reason, ended: ended)
    }

    /// A probe that got no head within its bound.
    static let probeTimedOut = TransportFailure(
        kind: .maybeProcessed, isTimeout: true, message: "no probe response in time")

    /// The upstream closed inside its head: "cut-off headers", maybe processed (README rule 1), so it is retried
    /// exactly when a reset after sending would be. libcurl reports it as success or as a receive error.
    static let cutOffHead = TransportFailure(
        kind: .maybeProcessed, isBadResponse: true,
        message: "the upstream closed the connection inside the response head")
}
