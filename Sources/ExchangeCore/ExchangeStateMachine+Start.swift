import HTTP1
import Retry

extension ExchangeStateMachine {
    /// The next attempt (after the upstream's health and through the quota gate, when they are asked), or the end of
    /// the exchange when the deadline leaves no time for one.
    mutating func nextAttempt(now: Int64) -> Action {
        guard timeLeft(at: now) != nil else { return deadlinePassed() }
        // An open breaker answers at once, before any wait at the gate.
        if configuration.consultsHealth { return consultHealth() }
        return throughGate(now: now)
    }

    /// The next attempt, through the quota gate when there is one.
    mutating func throughGate(now: Int64) -> Action {
        guard configuration.usesGate else { return startAttempt(now: now) }
        state = .waitingAtGate(number: attempts + 1)
        let remaining = planner.policy.deadline - elapsed(at: now)
        return .askGate(maxWait: min(planner.policy.maxRateLimitWait, remaining))
    }

    /// The gate counted an attempt out for this exchange. Unless the attempt starts (the deadline passed while it
    /// waited, or the verdict crossed this exchange's end), the place is handed back at once.
    package mutating func admitted(now: Int64) -> Action {
        switch state {
        case .waitingAtGate:
            guard timeLeft(at: now) != nil else {
                return .release(cancelTransfer: false, gatePlace: true, then: deadlinePassed())
            }
            return startAttempt(now: now)
        case .finished:
            return .release(cancelTransfer: false, gatePlace: true, then: .none)
        case .receivingRequest, .attempting, .discarding, .waiting, .probing, .delivering, .modifying:
            // Only a waiter is admitted, and it waits until its verdict or its end.
            assertionFailure("admitted in \(phase)")
            return .release(cancelTransfer: false, gatePlace: true, then: .none)
        }
    }

    /// The gate cannot let the attempt go in time: the client gets 429 at once. After attempts that reached the
    /// vendor the vendor's announced wait is longer than this exchange may wait; before any, the gate refused it.
    package mutating func refusedAtGate(_ refusal: Refusal) -> Action {
        switch state {
        case .waitingAtGate:
            let giveUp: GiveUpReason = attempts > 0 ? .waitTooLong(.seconds(refusal.retryAfter)) : .gateClosed
            return finish(status: refusal.status, answer: .refusal(refusal), giveUp: giveUp)
        case .finished:
            // The verdict crossed the exchange's end, which already left the queue.
            return .none
        case .receivingRequest, .attempting, .discarding, .waiting, .probing, .delivering, .modifying:
            assertionFailure("refused at the gate in \(phase)")
            return .none
        }
    }

    private func timeLeft(at now: Int64) -> Duration? {
        planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
    }

    private mutating func deadlinePassed() -> Action {
        let failure = TransportFailure(
            kind: .unsent, isTimeout: true, message: "deadline passed before the next attempt")
        return giveUp(failure, reason: .deadlineExceeded)
    }

    private mutating func startAttempt(now: Int64) -> Action {
        guard let timeout = timeLeft(at: now) else { return deadlinePassed() }
        attempts += 1
        if case .streaming(var streaming) = upload {
            // Only an unsent attempt is ever retried with a streaming body, so nothing of it was taken.
            streaming.offset = 0
            upload = .streaming(streaming)
        }
        lastBody.removeAll(keepingCapacity: true)
        head.reset()
        state = .attempting(Attempt(number: attempts, startedAt: now, refusal: nil))
        return .startAttempt(AttemptStart(number: attempts, timeout: timeout, body: upload.requestBody))
    }
}
