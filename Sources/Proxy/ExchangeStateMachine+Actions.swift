import Forwarder
import HTTP1
import Retry

extension ExchangeStateMachine {
    /// Start attempt `number`: send the request with `body`, and bound the attempt by `timeout`.
    struct AttemptStart: Equatable {
        /// 1-based attempt number.
        var number: Int
        /// How long the attempt may run to its response head.
        var timeout: Duration
        /// The body as libcurl gets it.
        var body: RequestBody
    }

    /// An attempt ended: with a response status, or with none (a failure).
    struct AttemptEnd: Equatable {
        /// The response status; nil for a transport failure or a refused head.
        var status: Int?
        /// From the attempt's start to its end.
        var duration: Duration
    }

    /// Wait `wait`, then start the next attempt, because of `reason`.
    struct RetryPlan: Equatable {
        /// The attempt that will be retried.
        var attempt: Int
        /// How long to wait first.
        var wait: Duration
        /// Why the attempt is retried.
        var reason: RetryReason
        /// Whether a probe, not the next attempt, follows the wait.
        var verifying = false
    }

    /// What the client gets when the exchange ends.
    enum Answer: Equatable {
        /// Nothing: the client has left.
        case none
        /// retryd's own complete JSON error response.
        case error(status: Int, code: String, detail: String)
        /// retryd's own answer for a request the quota gate cannot admit in time: 429 with `Retry-After`.
        case refusal(GateRefusal)
        /// The relayed response is complete: end its framing.
        case endResponse
        /// The relayed response is cut off: close without ending the framing, so the truncation shows.
        case abortResponse
        /// A retryable response kept whole, relayed now (shutdown).
        case kept(head: ResponseHead, framing: ResponseFraming, body: [UInt8])
    }

    /// The exchange is over: carry out the answer, then report it.
    struct Finish: Equatable {
        /// The status the client got (499 when it left first).
        var status: Int
        /// What to write to the client.
        var answer: Answer
        /// Whether a transfer is still in flight and must be cancelled first.
        var cancelTransfer: Bool
        /// Why retrying stopped short of success, when it did: the give-up is logged and reported.
        var giveUp: GiveUpReason?
        /// A problem worth a warning line (a stalled or cut-off body), if any.
        var warning: String?
        /// Response body bytes the client was given.
        var bytesDelivered = 0
        /// Whether the exchange was waiting at the quota gate and must leave its queue.
        var leaveGate = false
        /// The `X-Retryd-Verified` value for retryd's own answer, when a probe ran; relayed heads carry it already.
        var verified: String?
    }

    /// What `begin` asks for.
    enum BeginAction: Equatable {
        /// Nothing yet: the request body is still to come.
        case none
        /// Answer `100 Continue` so the client sends its body; the attempt starts once it is complete.
        case sendContinue
        /// Go on with `step` now (the body streams), after `100 Continue` when `sendContinue`.
        case step(Step, sendContinue: Bool)
        /// The request cannot be forwarded at all.
        case finish(Finish)
    }

    /// What a piece of the client's body or its end asks for.
    struct UploadAction: Equatable {
        /// Start an attempt (the body became complete, or outgrew the replay limit), or finish (no time is left).
        var step = Step.none
        /// libcurl waits for body bytes that are now there.
        var resumeTransfer = false
        /// The client sends faster than the upstream takes: stop reading it.
        var pauseClientReading = false

        static let none = UploadAction()
    }

    /// What one header line of the upstream's response asks for.
    enum HeadAction: Equatable {
        /// The head is not complete yet.
        case more
        /// Stop the transfer: the head is refused (reported at completion) or the exchange is over.
        case abort
        /// The response is retryable: read its body without relaying it; re-arm the attempt bound if given.
        case discard(ended: AttemptEnd, timeout: Duration?)
        /// The response is final: write `head` with `framing`, then relay the body bounded by `timeout` between bytes.
        case deliver(ended: AttemptEnd, head: ResponseHead, framing: ResponseFraming, timeout: Duration)
    }

    /// What a piece of the upstream's response body asks for.
    enum BodyAction: Equatable {
        /// Write it to the client.
        case relay
        /// Taken but not relayed (a retryable response's body).
        case discard
        /// Not taken: the client is full; libcurl keeps it until resumed.
        case pause
        /// Stop the transfer.
        case abort
    }

    /// What the end of a transfer or the exchange's timer asks for.
    enum Step: Equatable, Sendable {
        /// Nothing.
        case none
        /// Arm the timer again, `after` from now.
        case rearm(after: Duration)
        /// Ask the quota gate for the next attempt, waiting at most `maxWait`; ``admitted(now:)`` follows.
        case admit(maxWait: Duration)
        /// Start the next attempt.
        case start(AttemptStart)
        /// Send the rule's probe, bounded by `timeout`.
        case probe(timeout: Duration)
        /// A probe found out what happened to the request (logged and counted); then `then`.
        indirect case verified(ProbeVerdict, then: Step)
        /// An attempt ended (reported first, when given); cancel its transfer when asked; then wait and retry.
        case retry(RetryPlan, ended: AttemptEnd?, cancelTransfer: Bool)
        /// An attempt ended (reported first, when given); then the exchange finishes.
        case finish(Finish, ended: AttemptEnd?)
        /// Ask the upstream's health whether the next attempt may go; ``consulted(_:now:)`` follows at once.
        case consult(firstAttempt: Bool)
    }
}
