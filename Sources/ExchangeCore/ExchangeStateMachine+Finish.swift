import HTTP1
import Retry

extension ExchangeStateMachine {
    /// What the client gets when the exchange ends.
    package enum Answer: Equatable, Sendable {
        /// Nothing: the client has left.
        case none
        /// retryd's own complete JSON error response.
        case error(status: Int, code: String, detail: String)
        /// retryd's own answer for a request the quota gate or the breaker will not let go: with `Retry-After`.
        case refusal(Refusal)
        /// The relayed response is complete: end its framing.
        case endResponse
        /// The relayed response is cut off: close without ending the framing, so the truncation shows.
        case abortResponse
        /// A response kept whole (a retryable one at shutdown, or a probe's), written now.
        case kept(head: ResponseHead, framing: ResponseFraming, body: [UInt8])
    }

    /// The exchange is over: report the attempt that ended with it (when given), carry out the answer, tell the
    /// upstream's health, then report the exchange.
    package struct Finish: Equatable, Sendable {
        /// The status the client got (499 when it left first).
        package var status: Int
        /// What to write to the client.
        package var answer: Answer
        /// Why retrying stopped short of success, when it did: the give-up is logged and reported.
        package var giveUp: GiveUpReason?
        /// A problem worth a warning line (a stalled or cut-off body), if any.
        package var warning: String?
        /// Response body bytes the client was given.
        package var bytesDelivered = 0
        /// Whether the exchange was waiting at the quota gate and must leave its queue.
        package var leaveGate = false
        /// The `X-Retryd-Verified` value for retryd's own answer, when a probe ran; relayed heads carry it already.
        package var verified: String?
        /// The attempt whose end ended the exchange, reported first; nil when none ended with it.
        package var ended: AttemptEnd?
        /// What the upstream's breaker is told; nil when it is not consulted.
        package var health: HealthOutcome?
        /// What the ending hands back of its attempt first, as ``Action/release(cancelTransfer:gatePlace:then:)``
        /// would: carried here because that indirect case costs an allocation, and most exchanges end this way.
        package var release: TransferRelease?

        /// Creates an ending.
        package init(
            status: Int, answer: Answer, giveUp: GiveUpReason? = nil, warning: String? = nil, bytesDelivered: Int = 0,
            leaveGate: Bool = false, verified: String? = nil, ended: AttemptEnd? = nil, health: HealthOutcome? = nil
        ) {
            self.status = status
            self.answer = answer
            self.giveUp = giveUp
            self.warning = warning
            self.bytesDelivered = bytesDelivered
            self.leaveGate = leaveGate
            self.verified = verified
            self.ended = ended
            self.health = health
        }
    }

    /// Ends the exchange with retryd's own JSON error.
    mutating func finish(
        error status: Int, _ code: String, _ detail: String, giveUp: GiveUpReason? = nil, ended: AttemptEnd? = nil
    ) -> Action {
        .finish(finishing(error: status, code, detail, giveUp: giveUp, ended: ended))
    }

    /// Ends the exchange.
    mutating func finish(
        status: Int, answer: Answer, giveUp: GiveUpReason? = nil, warning: String? = nil, ended: AttemptEnd? = nil
    ) -> Action {
        .finish(finishing(status: status, answer: answer, giveUp: giveUp, warning: warning, ended: ended))
    }

    /// Ends the exchange with a retryable response kept whole, relayed now; `giveUp` says why retrying stopped.
    mutating func finish(keeping kept: KeptResponse, giveUp: GiveUpReason? = nil) -> Action {
        let framing = ResponseWriter.framing(
            requestMethod: request.method, clientVersion: request.version, status: kept.head.status,
            contentLength: kept.body.count)
        let answer = Answer.kept(head: relayed(kept.head), framing: framing, body: kept.body)
        return finish(status: kept.head.status, answer: answer, giveUp: giveUp)
    }

    /// The ending with retryd's own JSON error, for callers that amend it.
    mutating func finishing(
        error status: Int, _ code: String, _ detail: String, giveUp: GiveUpReason? = nil, ended: AttemptEnd? = nil
    ) -> Finish {
        finishing(
            status: status, answer: .error(status: status, code: code, detail: detail), giveUp: giveUp, ended: ended)
    }

    /// Moves to `.finished` and says what the ending means: the bytes given, the gate's queue, the breaker.
    mutating func finishing(
        status: Int, answer: Answer, giveUp: GiveUpReason? = nil, warning: String? = nil, ended: AttemptEnd? = nil
    ) -> Finish {
        var leaveGate = false
        var bytesDelivered = 0
        switch state {
        case .delivering(let delivery): bytesDelivered = delivery.bytes
        case .waitingAtGate: leaveGate = true
        default: break
        }
        if case .kept(_, _, let body) = answer { bytesDelivered = body.count }
        state = .finished(status: status)
        return Finish(
            status: status, answer: answer, giveUp: giveUp, warning: warning, bytesDelivered: bytesDelivered,
            leaveGate: leaveGate, ended: ended, health: healthOutcome())
    }

    /// `then`, after the transfer of `phase` (the phase an input found) is over: cancelled when `cancel`, ended by
    /// libcurl otherwise. An attempt's end also hands its place among the quota gate's attempts out back; a probe
    /// never took one.
    func endingTransfer(of phase: State, cancel: Bool, then: Action) -> Action {
        let gatePlace: Bool
        switch phase {
        case .attempting, .discarding, .delivering: gatePlace = configuration.usesGate
        case .probing: gatePlace = false
        case .receivingRequest, .waitingAtGate, .waiting, .finished, .modifying: return then
        }
        if !cancel && !gatePlace { return then }
        if case .finish(var finish) = then {
            finish.release = TransferRelease(cancelTransfer: cancel, gatePlace: gatePlace)
            return .finish(finish)
        }
        return .release(cancelTransfer: cancel, gatePlace: gatePlace, then: then)
    }

    /// The transfer in flight is over (cancel it when `cancelTransfer`; libcurl ended it otherwise), and its place
    /// among the quota gate's attempts out is handed back when `gatePlace`.
    package struct TransferRelease: Equatable, Sendable {
        /// Whether the transfer is still running and must be cancelled.
        package var cancelTransfer: Bool
        /// Whether the attempt held a place among the gate's attempts out.
        package var gatePlace: Bool

        /// Creates a release.
        package init(cancelTransfer: Bool, gatePlace: Bool) {
            self.cancelTransfer = cancelTransfer
            self.gatePlace = gatePlace
        }
    }
}
