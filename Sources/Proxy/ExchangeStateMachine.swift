import Forwarder
import HTTP1
import Retry

/// One client exchange, from its request head to its single final response, as a pure state machine.
///
/// It performs no I/O and reads no clock: every input carries the loop's monotonic time (`now`, in nanoseconds) and,
/// where a retry may be decided, the wall-clock time and a random source. Each input moves ``state`` and returns what
/// the thin shell, ``Exchange``, must do (start, cancel, pause or resume a transfer; write; arm the timer; finish).
/// One timer serves every phase: it bounds an attempt, the silence of a streaming body, or a wait before a retry.
struct ExchangeStateMachine {
    /// What an exchange keeps from its upstream's configuration at its start; a reload changes later exchanges only.
    struct Configuration: Equatable {
        /// Request bodies up to this size are held so they can be replayed; larger ones stream through.
        var replayLimit: Int
        /// Bounds each attempt up to its response head, and the silence between body bytes while streaming.
        var attemptTimeout: Duration
        /// `X-Retryd-Attempts` (or the configured name) on every response; nil when turned off.
        var attemptsHeader: String?
        /// Retryable response bodies are read (for connection reuse and a shutdown delivery) up to this size.
        var discardLimit = 64 * 1024
        /// How much of a give-up's last body is kept: the report's prefix, or the first 64 KiB when request ids are
        /// read from the body.
        var keptBodyLimit = GiveUpReport.bodyPrefixLimit
        /// Whether every attempt asks the upstream's quota gate first (``Step/admit(maxWait:)``).
        var usesGate = false
        /// Whether every attempt asks the upstream's health (breaker, budget) first (``Step/consult(firstAttempt:)``).
        var consultsHealth = false
    }

    /// The phases of an exchange; each carries what only it needs.
    enum State {
        /// A held request body is still arriving; no attempt yet.
        case receivingRequest
        /// The next attempt (`number`) waits at the upstream's quota gate.
        case waitingAtGate(number: Int)
        /// An attempt is in flight and its response head has not ended.
        case attempting(Attempt)
        /// The attempt's response is retryable: its body is read but not relayed, then the retry waits.
        case discarding(Attempt, PendingRetry)
        /// Waiting before the next attempt.
        case waiting(PendingRetry)
        /// A probe is in flight to find out whether the request, which may have been processed, was applied.
        case probing(ProbeAttempt)
        /// The final response is streaming to the client.
        case delivering(Delivery)
        /// The client has its answer, or has left.
        case finished(status: Int)
    }

    /// One attempt in flight. Its head parser is the machine's ``head``: kept out of the state so that each of the
    /// attempt's header lines does not copy the parser out of the enum and back.
    struct Attempt {
        /// 1-based.
        var number: Int
        /// Loop time at its start.
        var startedAt: Int64
        /// Why the head was refused; reported when libcurl ends the transfer.
        var refusal: HTTP1Error?
    }

    /// A retry that has been decided.
    struct PendingRetry {
        /// The wait and its reason.
        var plan: RetryPlan
        /// The retryable response, kept whole up to the discard limit so a shutdown can still deliver it; nil after a
        /// transport failure.
        var kept: KeptResponse?
        /// Set when the wait leads to a probe rather than to the next attempt.
        var uncertain: Uncertain? = nil
    }

    /// A retryable response as far as it was read.
    struct KeptResponse {
        /// Its head as the upstream sent it.
        var head: ResponseHead
        /// Its body so far.
        var body: [UInt8]
        /// Whether the body was read to its end.
        var isComplete: Bool
    }

    /// The final response on its way to the client.
    struct Delivery {
        /// Its status.
        var status: Int
        /// Set when it is a retryable response passed on because retrying stopped.
        var giveUp: GiveUpReason?
        /// Loop time of the last body byte relayed (or of the head).
        var lastByteAt: Int64
        /// Whether the client is keeping up.
        var flow: Flow
        /// Body bytes relayed.
        var bytes: Int
    }

    /// Whether relayed body bytes are being taken.
    enum Flow {
        /// The client takes them.
        case flowing
        /// The client's output is above its high watermark: the transfer is paused until it drains.
        case clientFull
    }

    /// The client's request head.
    let request: RequestHead
    /// The upstream's settings as of the start.
    let configuration: Configuration
    /// Loop time at the start.
    let startedAt: Int64
    /// Whether the request can be forwarded at all (a reverse proxy has no target for authority-form).
    let hasUpstreamTarget: Bool
    /// The current phase; the stored properties below are written only by the inputs in the extensions.
    var state = State.receivingRequest
    /// The request body, as far as the client has sent it.
    var upload: Upload
    /// Decides retries; keeps the history for the give-up report.
    var planner: RetryPlanner
    /// Attempts started so far.
    var attempts = 0
    /// Assembles the response head of the attempt or probe in flight from libcurl's header lines.
    var head = UpstreamHeadParser()
    /// The latest response's headers and first body bytes, for the give-up report.
    var lastHeaders: [(name: String, value: String)] = []
    var lastBody: [UInt8] = []
    /// The rule's probe, when the request is under a verify rule.
    let verification: Verification?
    /// Probes started so far, and their history for the give-up report.
    var probes = 0
    /// Decides probe retries; made by the first probe, so an exchange that never probes never pays for it.
    var probePlanner: RetryPlanner?
    /// The probes made so far, for the give-up report.
    var probeHistory: [GiveUpReport.Attempt] { probePlanner?.history ?? [] }
    /// What the last probe found, if one ran.
    var lastVerdict: ProbeVerdict?
    /// The idempotency key in effect (the client's, or the one retryd added), for the give-up report.
    let idempotencyKey: String?

    /// Creates the machine for one request.
    /// - Parameters:
    ///   - idempotencyKey: The key the request carries toward the upstream under the policy's header (the client's or
    ///     one retryd added); it makes the request safe to repeat.
    ///   - verification: The rule's probe, when the request is under a verify rule.
    init(
        request: RequestHead, policy: RetryPolicy, configuration: Configuration, hasUpstreamTarget: Bool, now: Int64,
        idempotencyKey: String? = nil, verification: Verification? = nil
    ) {
        self.request = request
        self.configuration = configuration
        self.startedAt = now
        self.hasUpstreamTarget = hasUpstreamTarget
        self.idempotencyKey = idempotencyKey
        self.verification = verification
        upload = Upload(framing: request.framing, replayLimit: configuration.replayLimit)
        var replayable = true
        if case .streaming = upload { replayable = false }
        planner = RetryPlanner(
            policy: policy,
            request: RequestTraits(
                method: request.method,
                hasIdempotencyKey: idempotencyKey != nil || request.headers.contains(name: "Idempotency-Key"),
                replayable: replayable))
    }

    /// Whether the exchange has ended.
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Whether a transfer is in flight.
    var hasTransfer: Bool {
        switch state {
        case .attempting, .discarding, .probing, .delivering: return true
        case .receivingRequest, .waitingAtGate, .waiting, .finished: return false
        }
    }

    /// Whether the exchange waits at the quota gate.
    var isAtGate: Bool {
        if case .waitingAtGate = state { return true }
        return false
    }

    /// The request head arrived: refuse what cannot be forwarded, start a streaming body's attempt at once.
    mutating func begin(now: Int64) -> BeginAction {
        if request.method == "CONNECT" {
            return .finish(finish(error: 405, "method_not_allowed", "CONNECT is not supported by a reverse proxy"))
        }
        if !hasUpstreamTarget {
            return .finish(
                finish(error: 400, "bad_request_target", "the request-target must be a path such as /v1/jobs"))
        }
        let sendContinue = request.expectsContinue && !upload.isEmpty
        guard case .streaming = upload else { return sendContinue ? .sendContinue : .none }
        return .step(nextAttempt(now: now), sendContinue: sendContinue)
    }

    /// The client left (or timed out): no further attempt; the transfer and any wait end.
    mutating func clientGone() -> Finish? {
        if isFinished { return nil }
        var giveUp: GiveUpReason?
        if case .delivering(let delivery) = state { giveUp = delivery.giveUp }
        return finish(status: 499, answer: .none, giveUp: giveUp)
    }

    /// The shutdown timeout passed with this exchange unfinished: the client gets the last retryable response if it
    /// was kept whole, else 503; a response already streaming is cut, so the truncation shows.
    mutating func shutdown() -> Finish? {
        switch state {
        case .finished:
            return nil
        case .delivering(let delivery):
            return finish(status: delivery.status, answer: .abortResponse, giveUp: delivery.giveUp)
        case .discarding(_, let pending), .waiting(let pending):
            if let kept = pending.kept, kept.isComplete {
                let framing = ResponseWriter.framing(
                    requestMethod: request.method, clientVersion: request.version, status: kept.head.status,
                    contentLength: kept.body.count)
                return finish(
                    status: kept.head.status, answer: .kept(head: relayed(kept.head), framing: framing, body: kept.body)
                )
            }
        case .receivingRequest, .waitingAtGate, .attempting, .probing:
            break
        }
        return finish(error: 503, "shutting_down", "retryd is shutting down before this request could complete")
    }

    // MARK: Finishing

    /// Ends the exchange with retryd's own JSON error.
    mutating func finish(error status: Int, _ code: String, _ detail: String, giveUp: GiveUpReason? = nil) -> Finish {
        finish(status: status, answer: .error(status: status, code: code, detail: detail), giveUp: giveUp)
    }

    /// Ends the exchange; a transfer still in flight is to be cancelled.
    mutating func finish(
        status: Int, answer: Answer, giveUp: GiveUpReason? = nil, warning: String? = nil
    ) -> Finish {
        let cancelTransfer = hasTransfer
        let leaveGate = isAtGate
        var bytesDelivered = 0
        if case .delivering(let delivery) = state { bytesDelivered = delivery.bytes }
        if case .kept(_, _, let body) = answer { bytesDelivered = body.count }
        state = .finished(status: status)
        return Finish(
            status: status, answer: answer, cancelTransfer: cancelTransfer, giveUp: giveUp, warning: warning,
            bytesDelivered: bytesDelivered, leaveGate: leaveGate)
    }

    /// A response head as relayed: hop-by-hop fields removed, the attempts header set.
    func relayed(_ head: ResponseHead) -> ResponseHead {
        var relayed = head
        relayed.headers = head.headers.removingHopByHop()
        if let name = configuration.attemptsHeader { relayed.headers.replaceOrAdd(name: name, value: String(attempts)) }
        return relayed
    }

    /// Time since the exchange began.
    func elapsed(at now: Int64) -> Duration {
        .nanoseconds(now - startedAt)
    }
}
