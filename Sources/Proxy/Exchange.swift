import ExchangeCore
import Forwarder
import HTTP1
import Listener
import Logging
import Loop
import Retry

/// One client request from its head to its single final response: the I/O shell around an
/// ``ExchangeStateMachine``, which decides everything; this class only carries its actions out.
final class Exchange: RequestSink {
    /// Decides everything; read here only for what its inputs need and what the reports print.
    private(set) var machine: ExchangeStateMachine
    private weak var connection: ClientConnection?
    unowned let service: ProxyService
    let profile: UpstreamProfile
    let loop: EventLoop
    private let forwarder: Forwarder
    /// The request-target and headers as sent upstream, the same on every attempt.
    private let target: String
    private let upstreamHeaders: [(name: String, value: String)]
    /// The transfer of the attempt (or probe) in flight: the handle the machine's actions refer to.
    private var transfer: Transfer?
    /// The quota gate the attempts ask first; nil when the upstream respects no quota.
    private let gate: BucketGate?
    /// The upstream's retry budget and breaker; nil when neither is on, so nothing is asked.
    let health: HealthMonitor?
    /// The timer the service lends from the first time the exchange arms one to its end; nil before and after.
    private var timerSlot: ExchangeTimers.Slot?
    private var random = SystemRandom()  // not the empty SystemRandomNumberGenerator: see SystemRandom
    /// Loop time at the start, as the machine has it: the report reads it here rather than call the machine.
    let startedAt: Int64

    init(head: RequestHead, connection: ClientConnection, service: ProxyService, profile: UpstreamProfile) {
        self.connection = connection
        self.service = service
        self.profile = profile
        loop = service.loop
        forwarder = service.forwarder
        let target = RequestTarget.upstreamTarget(
            head.target, method: head.method, basePath: profile.upstream.url.basePath)
        self.target = target ?? ""
        var headers = head.headers.forwarded(setting: profile.overrides, extraCapacity: 1)
        let rule = profile.hasRules ? profile.policySelector.rule(method: head.method, target: head.target) : nil
        let policy = rule?.policy ?? profile.policySelector.base
        var key: String?
        if let name = policy.idempotencyKey, !RequestTraits.idempotentMethods.contains(head.method) {
            key = head.headers.first(name: name)
            if key == nil {
                var generator = SystemRandom()
                let fresh = IdempotencyKey.generate(using: &generator)
                headers.append((name, fresh))
                key = fresh
            }
        }
        upstreamHeaders = headers
        var configuration = profile.machine
        configuration.usesGate = profile.usesGate
        configuration.consultsHealth = service.health.isActive
        configuration.usesBreaker = rule?.usesBreaker ?? true
        health = configuration.consultsHealth ? service.health : nil
        gate = profile.usesGate ? service.gate(forBucket: rule?.bucket) : nil
        startedAt = service.loop.now
        machine = ExchangeStateMachine(
            request: head, policy: policy, configuration: configuration, hasUpstreamTarget: target != nil,
            now: startedAt, idempotencyKey: key,
            verification: Self.verification(for: rule, head: head, basePath: profile.upstream.url.basePath))
        machine.fieldStrings = service.fieldStrings
    }

    /// The rule's probe with the request path's captures filled in; nil without one, or when the path it needs
    /// cannot be built.
    private static func verification(for rule: EndpointRule?, head: RequestHead, basePath: String)
        -> ExchangeStateMachine.Verification?
    {
        guard let probe = rule?.verify else { return nil }
        let captures = rule?.path?.captures(in: PolicySelector.path(of: head.target)) ?? []
        guard let path = probe.path(captures: captures),
            let target = RequestTarget.upstreamTarget(path, method: probe.method, basePath: basePath)
        else { return nil }
        return ExchangeStateMachine.Verification(probe: probe, target: target)
    }

    /// The request head arrived.
    func begin() {
        perform(machine.begin(now: loop.now))
    }

    /// The shutdown timeout passed with this exchange unfinished.
    func finishForShutdown() {
        perform(machine.shutdown())
    }

    // MARK: RequestSink

    func requestBody(_ bytes: UnsafeRawBufferPointer) {
        perform(machine.requestBody(bytes, now: loop.now))
    }

    func requestEnd() {
        perform(machine.requestEnd(now: loop.now))
    }

    func responseWritable() {
        perform(machine.clientWritable())
    }

    func clientGone() {
        perform(machine.clientGone())
    }

    // MARK: Carrying out actions

    /// Carries out what the machine decided, outside libcurl's callbacks. The answers for libcurl's callbacks are
    /// carried out where those callbacks return them (``TransferDelegate``).
    func perform(_ action: ExchangeStateMachine.Action) {
        switch action {
        case .none:
            break
        case .sendContinue(let then):
            connection?.sendContinue()
            perform(then)
        case .flowUpload(let resumeTransfer, let pauseClientReading):
            if pauseClientReading { connection?.setReadingPaused(true) }
            if resumeTransfer, let transfer { forwarder.resume(transfer) }
        case .resumeTransfer:
            if let transfer { forwarder.resume(transfer) }
        case .rearmTimer(let delay):
            loop.schedule(timer, after: delay)
        case .askGate(let maxWait):
            // An immediate refusal answers inside admit(); otherwise admitted() or refused() follows later.
            if gate?.admit(self, on: loop, maxWait: maxWait) ?? true { admitted() }
        case .consultHealth(let firstAttempt, let usesBreaker):
            perform(machine.consulted(consult(firstAttempt: firstAttempt, usesBreaker: usesBreaker), now: loop.now))
        case .startAttempt(let start):
            startTransfer(start)
        case .startProbe(let timeout):
            startProbe(timeout: timeout)
        case .verified(let verdict, let then):
            verified(verdict)
            perform(then)
        case .release(let cancelTransfer, let gatePlace, let then):
            release(cancelTransfer: cancelTransfer, gatePlace: gatePlace)
            perform(then)
        case .retry(let retry):
            if let ended = retry.ended { attemptEnded(ended) }
            if retry.spendsBudget { health?.withdrawRetry(now: loop.now) }
            retryScheduled(retry.plan)
            loop.schedule(timer, after: retry.plan.wait)
        case .finish(let finish):
            if let release = finish.release {
                self.release(cancelTransfer: release.cancelTransfer, gatePlace: release.gatePlace)
            }
            if let ended = finish.ended { attemptEnded(ended) }
            complete(finish)
        case .uploadRead, .abortTransfer, .discardResponse, .deliverResponse, .relayBody, .pauseTransfer:
            // The inputs of libcurl's callbacks return these, and only to those callbacks.
            assertionFailure("\(action) outside libcurl's callbacks")
        }
    }

    /// Ends the transfer in flight (cancelled when it still runs) and hands its gate place back.
    private func release(cancelTransfer: Bool, gatePlace: Bool) {
        if cancelTransfer, let transfer {
            forwarder.cancel(transfer)
            self.transfer = nil
        }
        if gatePlace { gate?.finished() }
    }

    private func startTransfer(_ start: ExchangeStateMachine.AttemptStart) {
        let request = UpstreamRequest(
            method: machine.request.method, origin: profile.origin, target: target, headers: upstreamHeaders,
            body: start.body, connectTimeout: profile.upstream.connectTimeout, caFile: profile.upstream.caFile,
            connectTo: profile.upstream.connectTo)
        // Every way out of a phase with a transfer released it first.
        assert(transfer == nil, "an attempt starts while a transfer is in flight")
        loop.schedule(timer, after: start.timeout)
        transfer = forwarder.start(request, delegate: self)
    }

    /// Sends the rule's probe: its method and path, the upstream's headers and the client's credentials, no body.
    private func startProbe(timeout: Duration) {
        guard let verification = machine.verification else { return }
        var headers: [(name: String, value: String)] = upstreamHeaders.filter {
            SensitiveFields.mayBeCredential($0.name) || $0.name.lowercased() == "accept"
        }
        if !headers.contains(where: { $0.name.lowercased() == "accept" }) {
            headers.append(("Accept", "application/json"))
        }
        let request = UpstreamRequest(
            method: verification.probe.method, origin: profile.origin, target: verification.target, headers: headers,
            body: .none, connectTimeout: profile.upstream.connectTimeout, caFile: profile.upstream.caFile,
            connectTo: profile.upstream.connectTo)
        assert(transfer == nil, "a probe starts while a transfer is in flight")
        loop.schedule(timer, after: timeout)
        transfer = forwarder.start(request, delegate: self)
    }

    /// Whether the upstream takes another retry now, for the inputs that may decide one.
    private var allowance: RetryAllowance {
        health?.retryAllowance(usesBreaker: machine.configuration.usesBreaker, now: loop.now) ?? .allowed
    }

    /// The exchange's one timer, borrowed from the service on first use.
    private var timer: LoopTimer {
        if let timerSlot { return timerSlot.timer }
        let slot = service.timers.lend(to: self)
        timerSlot = slot
        return slot.timer
    }

    /// Hands the timer back (cancelled): at the end, or when an exchange that never ended goes.
    private func returnTimer() {
        guard let timerSlot else { return }
        service.timers.takeBack(timerSlot)
        self.timerSlot = nil
    }

    deinit {
        returnTimer()
    }

    /// The exchange's timer fired (see ``ExchangeTimers``).
    func timerFired() {
        perform(
            machine.timerFired(
                now: loop.now, mayHaveBeenSent: transfer?.mayHaveBeenSent ?? false, allowance: allowance,
                wallClock: Sys.wallClockSeconds(), random: &random))
    }

    /// Writes the answer, then reports the exchange; the machine has already moved to `.finished`.
    private func complete(_ finish: ExchangeStateMachine.Finish) {
        returnTimer()
        if finish.leaveGate, let gate { gate.withdraw(self) }
        switch finish.answer {
        case .none:
            break
        case .error(let status, let code, let detail):
            var headers = attemptsHeaders
            if let verified = finish.verified {
                headers.add(name: ExchangeStateMachine.verifiedHeader, value: verified)
            }
            connection?.respondWithError(status: status, code: code, detail: detail, extraHeaders: headers)
        case .refusal(let refusal):
            var headers = attemptsHeaders
            headers.add(name: "Retry-After", value: String(refusal.retryAfter))
            connection?.respondWithError(
                status: refusal.status, code: refusal.code, detail: refusal.detail, extraHeaders: headers)
        case .endResponse:
            connection?.finishResponse()
        case .abortResponse:
            connection?.abortResponse()
        case .kept(let head, let framing, let body):
            connection?.writeResponseHead(head, framing: framing)
            body.withUnsafeBytes { _ = connection?.writeBody($0) }
            connection?.finishResponse()
        }
        if let outcome = finish.health { healthFinished(outcome) }
        report(finish)
        service.exchangeFinished(self)
    }

    /// `X-Retryd-Attempts: N` (or the configured name) for retryd's own answers; empty when turned off.
    private var attemptsHeaders: HTTPHeaders {
        guard let name = profile.upstream.attemptsHeader else { return [] }
        return [(name, String(machine.attempts))]
    }
}

extension Exchange: TransferDelegate {
    func transfer(_ transfer: Transfer, didReceiveHeaderLine line: UnsafeRawBufferPointer) -> Bool {
        // A retry can only be decided on the blank line that ends a head: ask the budget and breaker then, not on
        // every field (their lock and arithmetic were 4.7% of a proxied request's instructions).
        let endsHead = line.count <= 2 && (line.first == 0x0D || line.first == 0x0A)
        let action = machine.headerLine(
            line, allowance: endsHead ? allowance : .allowed, now: loop.now, wallClock: Sys.wallClockSeconds(),
            random: &random)
        switch action {
        case .none:
            return true
        case .abortTransfer:
            return false
        case .discardResponse(let ended, _, let spendsBudget, let timeout):
            attemptEnded(ended)
            if spendsBudget { health?.withdrawRetry(now: loop.now) }
            if let status = ended.status { gate?.observe(status: status, headers: machine.lastHeaders) }
            if let timeout { loop.schedule(timer, after: timeout) }
            return true
        case .deliverResponse(let ended, let head, let framing, let timeout):
            attemptEnded(ended)
            if let status = ended.status { gate?.observe(status: status, headers: machine.lastHeaders) }
            loop.schedule(timer, after: timeout)
            guard let connection else { return false }
            connection.writeResponseHead(head, framing: framing)
            return true
        default:
            assertionFailure("\(action) from a header line")
            return false
        }
    }

    func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition {
        let hasRoom = connection?.hasRoomForBody ?? false
        let action = machine.responseBody(
            bytes, receivedBefore: transfer.bodyBytesReceived, clientHasRoom: hasRoom, now: loop.now)
        switch action {
        case .relayBody:
            guard let connection else { return .abort }
            if !connection.writeBody(bytes) { perform(machine.clientFull()) }
            return .accepted
        case .none:
            return .accepted
        case .pauseTransfer:
            connection?.notifyWhenWritable()
            return .pause
        case .abortTransfer:
            return .abort
        default:
            assertionFailure("\(action) from a piece of response body")
            return .abort
        }
    }

    func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let action = machine.readUpload(into: buffer)
        guard case .uploadRead(let read, let resumeClient) = action else {
            assertionFailure("\(action) from an upload read")
            return .abort
        }
        if resumeClient { connection?.setReadingPaused(false) }
        return read
    }

    func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>) {
        guard self.transfer === transfer else { return }
        // libcurl is done with it: the machine's release says whether its gate place goes back.
        self.transfer = nil
        let outcome: ExchangeStateMachine.TransferResult
        switch result {
        case .success: outcome = .success
        case .failure(let error): outcome = .failure(error.transportFailure, isPermanent: error.isPermanent)
        }
        perform(
            machine.transferCompleted(
                outcome, allowance: allowance, now: loop.now, wallClock: Sys.wallClockSeconds(), random: &random))
    }
}

extension Exchange: GateWaiter {
    /// The gate counted an attempt out for this exchange.
    func admitted() {
        perform(machine.admitted(now: loop.now))
    }

    func refused(_ refusal: GateRefusal) {
        perform(machine.refusedAtGate(refusal))
    }
}
