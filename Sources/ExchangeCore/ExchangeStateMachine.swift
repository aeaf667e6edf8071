import HTTP1
import Retry

/// One client exchange, from its request head to its single final response, as a pure state machine.
///
/// It performs no I/O and reads no clock: every input carries the loop's monotonic time (`now`, in nanoseconds) and,
/// where a retry may be decided, the wall-clock time, a random source and what the upstream's health allows. What
/// the world outside decides (the quota gate's verdict, the breaker's answer) comes in as an input too. Every input
/// moves the private state and returns one ``Action`` that the thin shell (`Exchange`, in Proxy) carries out
/// exactly, like AsyncHTTPClient's `HTTPRequestStateMachine`. The module imports no I/O layer, so the compiler
/// keeps it pure. One timer serves every phase: it bounds an attempt, the silence of a streaming body, or a wait.
package struct ExchangeStateMachine {
    /// What an exchange keeps from its upstream's configuration at its start; a reload changes later exchanges only.
    package struct Configuration: Equatable, Sendable {
        /// Request bodies up to this size are held so they can be replayed; larger ones stream through.
        package var replayLimit: Int
        /// Bounds each attempt up to its response head, and the silence between body bytes while streaming.
        package var attemptTimeout: Duration
        /// `X-Retryd-Attempts` (or the configured name) on every response; nil when turned off.
        package var attemptsHeader: String?
        /// Retryable response bodies are read (for connection reuse and a shutdown delivery) up to this size.
        package var discardLimit = 64 * 1024
        /// How much of a give-up's last body is kept: the report's prefix, or the first 64 KiB when request ids are
        /// read from the body.
        package var keptBodyLimit = GiveUpReport.bodyPrefixLimit
        /// Whether every attempt asks the upstream's quota gate first (``Action/askGate(maxWait:)``).
        package var usesGate = false
        /// Whether every attempt asks the upstream's health (breaker, budget) first
        /// (``Action/consultHealth(firstAttempt:usesBreaker:)``).
        package var consultsHealth = false
        /// Whether the request's rule lets the upstream's breaker stop it and count its outcome.
        package var usesBreaker = true

        /// Creates the settings of one exchange.
        package init(
            replayLimit: Int, attemptTimeout: Duration, attemptsHeader: String?, discardLimit: Int = 64 * 1024,
            keptBodyLimit: Int = GiveUpReport.bodyPrefixLimit, usesGate: Bool = false, consultsHealth: Bool = false,
            usesBreaker: Bool = true
        ) {
            self.replayLimit = replayLimit
            self.attemptTimeout = attemptTimeout
            self.attemptsHeader = attemptsHeader
            self.discardLimit = discardLimit
            self.keptBodyLimit = keptBodyLimit
            self.usesGate = usesGate
            self.consultsHealth = consultsHealth
            self.usesBreaker = usesBreaker
        }
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
        /// Waiting before the next attempt (or probe); the upstream's health may be asked about it.
        case waiting(PendingRetry)
        /// A probe is in flight to find out whether the request, which may have been processed, was applied.
        case probing(ProbeAttempt)
        /// The final response is streaming to the client.
        case delivering(Delivery)
        /// The client has its answer, or has left.
        case finished(status: Int)
        /// Held only while a case's payload is changed in place, so it stays uniquely referenced; never seen by an
        /// input.
        case modifying
    }

    /// One attempt in flight. Its head parser is the machine's `head`: kept out of the state so that each of the
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
    package let request: RequestHead
    /// The upstream's settings as of the start.
    package let configuration: Configuration
    /// Loop time at the start.
    let startedAt: Int64
    /// Whether the request can be forwarded at all (a reverse proxy has no target for authority-form).
    let hasUpstreamTarget: Bool
    /// The current phase; only the inputs move it. Internal to this module, which holds nothing but the machine:
    /// the shell cannot read or write it, and learns of it through the inputs' actions alone.
    var state = State.receivingRequest
    /// The request body, as far as the client has sent it.
    var upload: Upload
    /// Decides retries; keeps the history for the give-up report.
    package internal(set) var planner: RetryPlanner
    /// Attempts started so far.
    package internal(set) var attempts = 0
    /// Assembles the response head of the attempt or probe in flight from libcurl's header lines.
    var head = UpstreamHeadParser()

    /// The strings of field names and values the response heads reuse (see ``FieldStringCache``); nil by default.
    package var fieldStrings: FieldStringCache? {
        get { head.fieldStrings }
        set { head.fieldStrings = newValue }
    }

    /// The latest response's headers, for the quota gate and the give-up report.
    package internal(set) var lastHeaders: [(name: String, value: String)] = []
    /// The first bytes of the latest response's body, for the give-up report.
    package internal(set) var lastBody: [UInt8] = []
    /// The rule's probe, when the request is under a verify rule.
    package let verification: Verification?
    /// Probes started so far.
    package internal(set) var probes = 0
    /// Decides probe retries; made by the first probe, so an exchange that never probes never pays for it.
    var probePlanner: RetryPlanner?
    /// The probes made so far, for the give-up report.
    package var probeHistory: [GiveUpReport.Attempt] { probePlanner?.history ?? [] }
    /// What the last probe found, if one ran.
    package internal(set) var lastVerdict: ProbeVerdict?
    /// The idempotency key in effect (the client's, or the one retryd added), for the give-up report.
    package let idempotencyKey: String?
    /// What the exchange holds of its upstream's breaker: its trial, and how its attempts ended.
    var health = HealthRecord()

    /// Creates the machine for one request.
    /// - Parameters:
    ///   - idempotencyKey: The key the request carries toward the upstream under the policy's header (the client's or
    ///     one retryd added); it makes the request safe to repeat.
    ///   - verification: The rule's probe, when the request is under a verify rule.
    package init(
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

    /// The phase's name, for logs and tests: `"attempting 2"`, `"waiting after 1"`, `"finished 200"`.
    package var phase: String {
        switch state {
        case .receivingRequest: "receivingRequest"
        case .waitingAtGate(let number): "waitingAtGate \(number)"
        case .attempting(let attempt): "attempting \(attempt.number)"
        case .discarding(let attempt, _): "discarding \(attempt.number)"
        case .probing(let probe): "probing \(probe.number)"
        case .waiting(let pending): "waiting after \(pending.plan.attempt)"
        case .delivering(let delivery): "delivering \(delivery.status)"
        case .finished(let status): "finished \(status)"
        case .modifying: "modifying"
        }
    }

    /// Whether the exchange has ended.
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// The request head arrived: refuse what cannot be forwarded, start a streaming body's attempt at once.
    package mutating func begin(now: Int64) -> Action {
        guard case .receivingRequest = state else {
            assertionFailure("begin in \(phase)")
            return .none
        }
        if request.method == "CONNECT" {
            return finish(error: 405, "method_not_allowed", "CONNECT is not supported by a reverse proxy")
        }
        if !hasUpstreamTarget {
            return finish(error: 400, "bad_request_target", "the request-target must be a path such as /v1/jobs")
        }
        let sendContinue = request.expectsContinue && !upload.isEmpty
        guard case .streaming = upload else { return sendContinue ? .sendContinue(then: .none) : .none }
        let next = nextAttempt(now: now)
        return sendContinue ? .sendContinue(then: next) : next
    }

    /// The client left (or timed out): no further attempt; the transfer and any wait end.
    package mutating func clientGone() -> Action {
        let phase = state
        let action: Action
        switch phase {
        case .finished:
            return .none
        case .delivering(let delivery):
            action = finish(status: 499, answer: .none, giveUp: delivery.giveUp)
        case .modifying:
            preconditionFailure("clientGone while modifying")
        case .receivingRequest, .waitingAtGate, .attempting, .discarding, .waiting, .probing:
            action = finish(status: 499, answer: .none)
        }
        return endingTransfer(of: phase, cancel: true, then: action)
    }

    /// The shutdown timeout passed with this exchange unfinished: the client gets the last retryable response if it
    /// was kept whole, else 503; a response already streaming is cut, so the truncation shows.
    package mutating func shutdown() -> Action {
        let phase = state
        let action: Action
        switch phase {
        case .finished:
            return .none
        case .delivering(let delivery):
            action = finish(status: delivery.status, answer: .abortResponse, giveUp: delivery.giveUp)
        case .discarding(_, let pending) where pending.kept?.isComplete == true,
            .waiting(let pending) where pending.kept?.isComplete == true:
            // Both are failed requests, on record like any other: the retry they waited for never came.
            action = finish(keeping: pending.kept!, giveUp: .shuttingDown)
        case .modifying:
            preconditionFailure("shutdown while modifying")
        case .receivingRequest, .waitingAtGate, .attempting, .discarding, .waiting, .probing:
            action = finish(
                error: 503, "shutting_down", "retryd is shutting down before this request could complete",
                giveUp: .shuttingDown)
        }
        return endingTransfer(of: phase, cancel: true, then: action)
    }

    /// A response head as relayed: hop-by-hop fields removed, the attempts header set.
    func relayed(_ head: ResponseHead) -> ResponseHead {
        var relayed = head
        if let name = configuration.attemptsHeader {
            relayed.headers = head.headers.removingHopByHop(setting: name, to: String(attempts))
        } else {
            relayed.headers = head.headers.removingHopByHop()
        }
        return relayed
    }

    /// Time since the exchange began.
    package func elapsed(at now: Int64) -> Duration {
        .nanoseconds(now - startedAt)
    }
}
