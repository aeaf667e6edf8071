import Config
import Forwarder
import HTTP1
import Listener
import Logging
import Retry

/// One client request from its head to its single final response: holds or streams the body, runs attempts,
/// and relays the chosen response with back-pressure.
final class Exchange: RequestSink {
    enum BodyMode {
        /// No body framing at all.
        case none
        /// Held in memory (up to the replay limit) until complete, then sent; replayable.
        case buffering
        /// Larger than the replay limit: passed through as it arrives; not replayable once sent.
        case streaming
    }

    let head: RequestHead
    weak var connection: ClientConnection?
    unowned let service: ProxyService
    let upstream: UpstreamConfig
    /// The upstream's origin as of this exchange's start, like `upstream`.
    let origin: String
    let startedAt: Int64
    let target: String
    let upstreamHeaders: [(name: String, value: String)]

    var bodyMode = BodyMode.none
    var body: [UInt8] = []
    var uploadOffset = 0
    var requestEnded = false
    var uploadWaiting = false

    var transfer: Transfer?
    var headParser = UpstreamHeadParser()
    /// Why the current attempt's response head was refused, reported when libcurl ends the transfer.
    var headError: HTTP1Error?
    var attemptTimer: LoopTimer?
    var waitTimer: LoopTimer?
    var planner: RetryPlanner
    var attempt = 0
    var attemptStartedAt: Int64 = 0
    /// A retryable response's body is read to keep the connection reusable, but not relayed.
    var discarding = false
    /// The first bytes of the latest response body and its headers, for the give-up report.
    var lastBody: [UInt8] = []
    var lastHeaders: [(name: String, value: String)] = []
    var giveUpReason: GiveUpReason?
    /// The latest retryable response, kept whole (up to the discard cap) so a shutdown can still deliver it.
    var lastResponse: (head: ResponseHead, body: [UInt8], complete: Bool)?
    var pendingRetry: (wait: Duration, reason: RetryReason)?
    var delivering = false
    var clientFull = false
    var finished = false
    var finalStatus = 0
    var bytesDelivered = 0
    /// When the last body byte arrived (loop clock), for the idle bound while streaming.
    var lastBodyAt: Int64 = 0

    init(head: RequestHead, connection: ClientConnection, service: ProxyService) {
        self.head = head
        self.connection = connection
        self.service = service
        self.upstream = service.upstream
        self.origin = service.origin
        self.startedAt = service.loop.now
        self.target = RequestTarget.upstreamTarget(head.target, method: head.method, basePath: upstream.url.basePath) ?? ""
        self.upstreamHeaders = Self.forwardedHeaders(head.headers, setting: upstream.setHeaders)
        let policy = service.policySelector.policy(method: head.method, target: head.target)
        var replayable = true
        if case .contentLength(let length) = head.framing, length > service.replayLimit { replayable = false }
        self.planner = RetryPlanner(
            policy: policy,
            request: RequestTraits(
                method: head.method, hasIdempotencyKey: head.headers.contains(name: "Idempotency-Key"),
                replayable: replayable))
    }

    /// End-to-end headers only, minus what libcurl frames itself, plus the upstream's configured headers.
    static func forwardedHeaders(
        _ headers: HTTPHeaders,
        setting overrides: [(name: String, value: String)]
    ) -> [(name: String, value: String)] {
        var result = headers.removingHopByHop()
        for name in ["Host", "Content-Length", "Expect"] { result.remove(name: name) }
        for (name, value) in overrides { result.replaceOrAdd(name: name, value: value) }
        return result.map { ($0.name, $0.value) }
    }

    func begin() {
        if head.method == "CONNECT" {
            fail(status: 405, code: "method_not_allowed", detail: "CONNECT is not supported by a reverse proxy")
            return
        }
        if target.isEmpty {
            fail(status: 400, code: "bad_request_target", detail: "the request-target must be a path such as /v1/jobs")
            return
        }
        switch head.framing {
        case .none:
            bodyMode = .none
        case .contentLength(let length) where length > service.replayLimit:
            bodyMode = .streaming
        case .contentLength(let length):
            bodyMode = .buffering
            body.reserveCapacity(length)
        case .chunked:
            bodyMode = .buffering
        }
        if head.expectsContinue && bodyMode != .none { connection?.sendContinue() }
        if bodyMode == .streaming { startAttempt() }
    }

    // MARK: RequestSink

    func requestBody(_ bytes: UnsafeRawBufferPointer) {
        guard !finished else { return }
        body.append(contentsOf: bytes)
        switch bodyMode {
        case .buffering where body.count > service.replayLimit:
            // A chunked body outgrew the replay limit: pass it through from here on, chunked upstream.
            bodyMode = .streaming
            planner = RetryPlanner(
                policy: planner.policy,
                request: RequestTraits(method: head.method, hasIdempotencyKey: planner.request.hasIdempotencyKey,
                    replayable: false))
            startAttempt()
        case .streaming:
            if uploadWaiting, let transfer {
                uploadWaiting = false
                service.forwarder.resume(transfer)
            }
            if body.count - uploadOffset > service.replayLimit { connection?.setReadingPaused(true) }
        default:
            break
        }
    }

    func requestEnd() {
        guard !finished else { return }
        requestEnded = true
        switch bodyMode {
        case .none, .buffering:
            startAttempt()
        case .streaming:
            if uploadWaiting, let transfer {
                uploadWaiting = false
                service.forwarder.resume(transfer)
            }
        }
    }

    func responseWritable() {
        clientFull = false
        if let transfer { service.forwarder.resume(transfer) }
    }

    func clientGone() {
        guard !finished else { return }
        // The exchange stops: no further attempt, the upstream transfer aborted, a pending wait cancelled.
        if let transfer { service.forwarder.cancel(transfer) }
        transfer = nil
        if let waitTimer { service.loop.cancel(waitTimer) }
        complete(status: 499)
    }

    // MARK: Attempts

    var requestBody: RequestBody {
        switch bodyMode {
        case .none: return .none
        case .buffering: return .buffered(body)
        case .streaming:
            if case .contentLength(let length) = head.framing { return .streaming(length: length) }
            return .streaming(length: nil)
        }
    }

    func startAttempt() {
        guard !finished else { return }
        guard let budget = planner.attemptBudget(elapsed: elapsed, attemptTimeout: upstream.attemptTimeout) else {
            giveUpWithoutResponse(
                TransportFailure(kind: .unsent, isTimeout: true, message: "deadline passed before the next attempt"),
                reason: .deadlineExceeded)
            return
        }
        attempt += 1
        attemptStartedAt = service.loop.now
        headParser.reset()
        headError = nil
        delivering = false
        discarding = false
        lastBody.removeAll(keepingCapacity: true)
        if bodyMode == .streaming { uploadOffset = 0 }
        let request = UpstreamRequest(
            method: head.method,
            origin: origin,
            target: target,
            headers: upstreamHeaders,
            body: requestBody,
            connectTimeout: upstream.connectTimeout,
            caFile: upstream.caFile,
            // Never let libcurl re-send on its own: every send is an attempt the planner counts and budgets.
            allowsSilentResend: false
        )
        transfer = service.forwarder.start(request, delegate: self)
        armAttemptTimer(budget)
    }

    /// Bounds the wait for the response head; once a body streams, the response is final.
    func armAttemptTimer(_ timeout: Duration) {
        let timer = attemptTimer ?? LoopTimer { [unowned self] in self.attemptTimedOut() }
        attemptTimer = timer
        service.loop.schedule(timer, after: timeout)
    }

    func attemptTimedOut() {
        guard let transfer else { return }
        if delivering {
            // While the body streams the bound is between bytes; a client that is not reading is not the upstream's
            // fault. Re-armed lazily from the last byte instead of on every chunk.
            let idleSince = clientFull ? service.loop.now : lastBodyAt
            let deadline = idleSince + upstream.attemptTimeout.nanoseconds
            if deadline > service.loop.now {
                armAttemptTimer(.nanoseconds(deadline - service.loop.now))
                return
            }
            service.forwarder.cancel(transfer)
            self.transfer = nil
            connection?.abortResponse()
            service.logger.warning(
                "response body stalled for \(RetryFormat.duration(upstream.attemptTimeout)) after \(bytesDelivered) bytes",
                metadata: ["upstream": .string(upstream.name)])
            complete(status: finalStatus)
            return
        }
        service.forwarder.cancel(transfer)
        self.transfer = nil
        if discarding, let (wait, reason) = pendingRetry {
            // A retryable response whose body stalls: stop reading it and go on with the retry.
            pendingRetry = nil
            scheduleRetry(after: wait, reason: reason)
            return
        }
        let error = UpstreamError(
            code: 28, message: "no response in time",
            mayHaveBeenSent: transfer.mayHaveBeenSent, isTimeout: true)
        attemptFailed(error)
    }

    // MARK: Completion

    /// Answers with the proxy's own JSON error (nothing from the upstream is on the wire yet).
    func fail(status: Int, code: String, detail: String) {
        guard !finished else { return }
        connection?.respondWithError(status: status, code: code, detail: detail, extraHeaders: attemptsHeaders)
        complete(status: status)
    }

    /// `X-Retryd-Attempts: N` (or the configured name) for every response to the client; empty when turned off.
    var attemptsHeaders: HTTPHeaders {
        guard let name = upstream.attemptsHeader else { return [] }
        return [(name, String(attempt))]
    }

    /// Time since the exchange began, from the loop's monotonic clock.
    var elapsed: Duration { .nanoseconds(service.loop.now - startedAt) }

    func complete(status: Int) {
        guard !finished else { return }
        finished = true
        finalStatus = status
        if let attemptTimer { service.loop.cancel(attemptTimer) }
        if let giveUpReason { reportGiveUp(giveUpReason, finalStatus: status) }
        for observer in service.observers {
            observer.exchangeFinished(
                upstream: upstream.name, status: status, attempts: attempt,
                duration: .nanoseconds(service.loop.now - startedAt))
        }
        let elapsedMilliseconds = Double(service.loop.now - startedAt) / 1e6
        service.logger.info(
            "\(head.method) \(RequestTarget.path(of: head.target)) \(status) \(bytesDelivered) \(Self.milliseconds(elapsedMilliseconds))ms",
            metadata: ["upstream": .string(upstream.name), "attempts": .stringConvertible(attempt)])
        service.exchangeFinished(self)
    }

    static func milliseconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
