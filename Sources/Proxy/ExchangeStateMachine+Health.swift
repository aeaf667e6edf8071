import HTTP1
import Retry

extension ExchangeStateMachine {
    /// The upstream's health answered ``Step/consult(firstAttempt:)``: nil lets the attempt go (through the gate),
    /// a refusal ends the exchange at once with retryd's 503, or with the retryable response kept whole when a
    /// retry is what the breaker refused.
    mutating func consulted(_ refusal: GateRefusal?, now: Int64) -> Step {
        if isFinished { return .none }
        guard let refusal else { return throughGate(now: now) }
        if case .waiting(let pending) = state, let kept = pending.kept, kept.isComplete {
            let framing = ResponseWriter.framing(
                requestMethod: request.method, clientVersion: request.version, status: kept.head.status,
                contentLength: kept.body.count)
            let answer = Answer.kept(head: relayed(kept.head), framing: framing, body: kept.body)
            return .finish(finish(status: kept.head.status, answer: answer, giveUp: .breakerOpen), ended: nil)
        }
        // A request the breaker stops before its first attempt gave up nothing: it is the breaker's answer, and
        // one give-up line and webhook event per refused request would flood both while it is open.
        let giveUp: GiveUpReason? = attempts > 0 ? .breakerOpen : nil
        return .finish(finish(status: refusal.status, answer: .refusal(refusal), giveUp: giveUp), ended: nil)
    }
}
