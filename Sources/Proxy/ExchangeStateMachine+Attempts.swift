import Forwarder
import HTTP1
import Loop
import Retry

extension ExchangeStateMachine {
    /// The current transfer ended (libcurl's completion, outside its callbacks).
    mutating func transferCompleted(
        _ result: Result<Void, UpstreamError>, now: Int64, wallClock: Double, random: inout some RandomNumberGenerator
    ) -> Step {
        switch state {
        case .discarding(_, var pending):
            // The retryable response's body is done with (or abandoned): its connection's fate does not matter.
            if case .success = result { pending.kept?.isComplete = true }
            state = .waiting(pending)
            return .retry(pending.plan, ended: nil, cancelTransfer: false)
        case .attempting(let attempt):
            let ended = AttemptEnd(status: nil, duration: .nanoseconds(now - attempt.startedAt))
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
                case .failure(let error):
                    failure = error.transportFailure
                    isPermanent = error.isPermanent
                }
            }
            return afterFailure(
                failure, isPermanent: isPermanent, attempt: attempt.number, ended: ended, now: now,
                wallClock: wallClock, random: &random)
        case .probing(let probe):
            var failure: TransportFailure?
            if case .failure(let error) = result, probe.response == nil { failure = error.transportFailure }
            return probeEnded(probe, failure: failure, now: now, wallClock: wallClock, random: &random)
        case .delivering(let delivery):
            switch result {
            case .success:
                return .finish(
                    finish(status: delivery.status, answer: .endResponse, giveUp: delivery.giveUp), ended: nil)
            case .failure(let error):
                // Part of the body is out: end the connection so the truncation shows.
                let warning = "response cut off after \(delivery.bytes) body bytes: \(error.message)"
                let finish = finish(
                    status: delivery.status, answer: .abortResponse, giveUp: delivery.giveUp, warning: warning)
                return .finish(finish, ended: nil)
            }
        case .receivingRequest, .waitingAtGate, .waiting, .finished:
            return .none
        }
    }

    /// The exchange's one timer fired: an attempt's bound, a streaming body's idle bound, or the end of a wait.
    /// - Parameter mayHaveBeenSent: whether the transfer in flight (if any) may have sent the request.
    mutating func timerFired(
        now: Int64, mayHaveBeenSent: Bool, wallClock: Double, random: inout some RandomNumberGenerator
    ) -> Step {
        switch state {
        case .attempting(let attempt):
            let failure = TransportFailure(
                kind: mayHaveBeenSent ? .maybeProcessed : .unsent, isTimeout: true, message: "no response in time")
            let ended = AttemptEnd(status: nil, duration: .nanoseconds(now - attempt.startedAt))
            var step = afterFailure(
                failure, isPermanent: false, attempt: attempt.number, ended: ended, now: now, wallClock: wallClock,
                random: &random)
            if case .retry(let plan, let ended, _) = step { step = .retry(plan, ended: ended, cancelTransfer: true) }
            return step
        case .discarding(_, let pending):
            // A retryable response whose body stalls: stop reading it and go on with the retry.
            state = .waiting(pending)
            return .retry(pending.plan, ended: nil, cancelTransfer: true)
        case .probing(let probe):
            var step = probeEnded(
                probe, failure: probe.response == nil ? Self.probeTimedOut : nil, now: now, wallClock: wallClock,
                random: &random)
            if case .retry(let plan, let ended, _) = step { step = .retry(plan, ended: ended, cancelTransfer: true) }
            return step
        case .waiting(let pending):
            if let uncertain = pending.uncertain { return startProbe(uncertain, kept: pending.kept, now: now) }
            return nextAttempt(now: now)
        case .delivering(let delivery):
            // The bound is between bytes; a client that is not reading is not the upstream's fault.
            let idleSince = delivery.flow == .clientFull ? now : delivery.lastByteAt
            let deadline = idleSince + configuration.attemptTimeout.nanoseconds
            if deadline > now { return .rearm(after: .nanoseconds(deadline - now)) }
            let warning =
                "response body stalled for \(configuration.attemptTimeout.compactDescription) after \(delivery.bytes) bytes"
            let finish = finish(
                status: delivery.status, answer: .abortResponse, giveUp: delivery.giveUp, warning: warning)
            return .finish(finish, ended: nil)
        case .receivingRequest, .waitingAtGate, .finished:
            return .none
        }
    }

    /// An attempt ended without a usable head: the planner decides between a retry and retryd's own 502 or 504.
    private mutating func afterFailure(
        _ failure: TransportFailure, isPermanent: Bool, attempt: Int, ended: AttemptEnd, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Step {
        if isPermanent {
            planner.recordFinal(.failure(failure))
            return .finish(giveUp(failure, reason: .notRetryable), ended: ended)
        }
        if needsVerification(.failure(failure)) {
            let (plan, uncertain) = beginVerification(
                .failure(failure), failure: failure, attempt: attempt, now: now, wallClock: wallClock, random: &random)
            state = .waiting(PendingRetry(plan: plan, kept: nil, uncertain: uncertain))
            return .retry(plan, ended: ended, cancelTransfer: false)
        }
        let decision = planner.decide(
            .failure(failure), attempt: attempt, elapsed: elapsed(at: now), now: wallClock, using: &random)
        switch decision {
        case .retry(let wait, let reason):
            let plan = RetryPlan(attempt: attempt, wait: wait, reason: reason)
            state = .waiting(PendingRetry(plan: plan, kept: nil))
            return .retry(plan, ended: ended, cancelTransfer: false)
        case .giveUp(let reason):
            return .finish(giveUp(failure, reason: reason), ended: ended)
        case .deliver:
            return .finish(giveUp(failure, reason: .notRetryable), ended: ended)
        }
    }

    /// No upstream response to pass on: 502 or 504 with a JSON body naming the cause and the attempts.
    mutating func giveUp(_ failure: TransportFailure, reason: GiveUpReason) -> Finish {
        finish(
            error: GiveUpResponse.status(for: failure, reason: reason),
            GiveUpResponse.code(for: failure, reason: reason),
            GiveUpResponse.detail(for: failure, reason: reason, attempts: attempts), giveUp: reason)
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
