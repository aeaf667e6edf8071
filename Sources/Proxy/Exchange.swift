import Forwarder
import HTTP1
import Listener
import Logging
import Loop
import Retry

/// One client request from its head to its single final response: the I/O shell around an
/// ``ExchangeStateMachine``, which decides everything; this class only carries its actions out.
final class Exchange: RequestSink {
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
    /// Whether that transfer is a probe, which the quota gate did not admit.
    private var transferIsProbe = false
    /// The quota gate the attempts ask first; nil when the upstream respects no quota.
    private let gate: BucketGate?
    /// What this exchange holds of its upstream's retry budget and breaker: its rule, its trial, its attempts.
    var ticket = HealthTicket()
    private lazy var timer = LoopTimer { [unowned self] in self.timerFired() }
    private var random = SystemRandomNumberGenerator()

    init(head: RequestHead, connection: ClientConnection, service: ProxyService, profile: UpstreamProfile) {
        self.connection = connection
        self.service = service
        self.profile = profile
        loop = service.loop
        forwarder = service.forwarder
        let target = RequestTarget.upstreamTarget(
            head.target, method: head.method, basePath: profile.upstream.url.basePath)
        self.target = target ?? ""
        var headers = Self.forwardedHeaders(head.headers, setting: profile.upstream.setHeaders)
        let rule = profile.policySelector.rule(method: head.method, target: head.target)
        let policy = rule?.policy ?? profile.policySelector.base
        var key: String?
        if let name = policy.idempotencyKey, !RequestTraits.idempotentMethods.contains(head.method) {
            key = head.headers.first(name: name)
            if key == nil {
                var generator = SystemRandomNumberGenerator()
                let fresh = IdempotencyKey.generate(using: &generator)
                headers.append((name, fresh))
                key = fresh
            }
        }
        upstreamHeaders = headers
        var configuration = profile.machine
        configuration.usesGate = profile.usesGate
        configuration.consultsHealth = service.health.isActive
        ticket.usesBreaker = rule?.usesBreaker ?? true
        gate = profile.usesGate ? service.quota.gate(named: rule?.bucket ?? QuotaKeeper.defaultBucket) : nil
        machine = ExchangeStateMachine(
            request: head, policy: policy, configuration: configuration, hasUpstreamTarget: target != nil,
            now: service.loop.now, idempotencyKey: key,
            verification: Self.verification(for: rule, head: head, basePath: profile.upstream.url.basePath))
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
        switch machine.begin(now: loop.now) {
        case .none:
            break
        case .sendContinue:
            connection?.sendContinue()
        case .step(let step, let sendContinue):
            if sendContinue { connection?.sendContinue() }
            perform(step)
        case .finish(let finish):
            perform(.finish(finish, ended: nil))
        }
    }

    /// The shutdown timeout passed with this exchange unfinished.
    func finishForShutdown() {
        if let finish = machine.shutdown() { perform(.finish(finish, ended: nil)) }
    }

    // MARK: RequestSink

    func requestBody(_ bytes: UnsafeRawBufferPointer) {
        carryOut(machine.requestBody(bytes, now: loop.now))
    }

    func requestEnd() {
        carryOut(machine.requestEnd(now: loop.now))
    }

    func responseWritable() {
        if machine.clientWritable(), let transfer { forwarder.resume(transfer) }
    }

    func clientGone() {
        if let finish = machine.clientGone() { perform(.finish(finish, ended: nil)) }
    }

    // MARK: Carrying out actions

    private func carryOut(_ action: ExchangeStateMachine.UploadAction) {
        if action.pauseClientReading { connection?.setReadingPaused(true) }
        if action.resumeTransfer, let transfer { forwarder.resume(transfer) }
        perform(action.step)
    }

    func perform(_ step: ExchangeStateMachine.Step) {
        switch step {
        case .none:
            break
        case .rearm(let delay):
            loop.schedule(timer, after: delay)
        case .admit(let maxWait):
            // An immediate refusal answers inside admit(); otherwise admitted() or refused() follows later.
            if gate?.admit(self, on: loop, maxWait: maxWait) ?? true { gateAdmitted() }
        case .start(let start):
            startTransfer(start)
        case .probe(let timeout):
            startProbe(timeout: timeout)
        case .verified(let verdict, let then):
            verified(verdict)
            perform(then)
        case .retry(let plan, let ended, let cancelTransfer):
            if let ended {
                attemptEnded(ended)
                retryDecided(plan)
            }
            if cancelTransfer { cancelCurrentTransfer() }
            retryScheduled(plan)
            loop.schedule(timer, after: plan.wait)
        case .finish(let finish, let ended):
            if let ended { attemptEnded(ended) }
            complete(finish)
        case .consult(let firstAttempt):
            perform(machine.consulted(consult(firstAttempt: firstAttempt), now: loop.now))
        }
    }

    private func startTransfer(_ start: ExchangeStateMachine.AttemptStart) {
        let request = UpstreamRequest(
            method: machine.request.method, origin: profile.origin, target: target, headers: upstreamHeaders,
            body: start.body, connectTimeout: profile.upstream.connectTimeout, caFile: profile.upstream.caFile)
        // A probe whose bound passed may still be in flight when the verdict starts the repeat.
        cancelCurrentTransfer()
        loop.schedule(timer, after: start.timeout)
        transferIsProbe = false
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
            body: .none, connectTimeout: profile.upstream.connectTimeout, caFile: profile.upstream.caFile)
        cancelCurrentTransfer()
        loop.schedule(timer, after: timeout)
        transferIsProbe = true
        transfer = forwarder.start(request, delegate: self)
    }

    private func cancelCurrentTransfer() {
        guard let transfer else { return }
        forwarder.cancel(transfer)
        transferEnded()
    }

    /// The admitted attempt is over, whatever ended it: its place in the gate's count of attempts out is free.
    private func transferEnded() {
        transfer = nil
        if !transferIsProbe { gate?.finished() }
    }

    /// Tells the planner whether the upstream takes another retry now; called before each input that may decide one.
    private func refreshAllowance() {
        guard machine.configuration.consultsHealth else { return }
        machine.planner.allowance = service.health.retryAllowance(usesBreaker: ticket.usesBreaker, now: loop.now)
    }

    private func timerFired() {
        refreshAllowance()
        let step = machine.timerFired(
            now: loop.now, mayHaveBeenSent: transfer?.mayHaveBeenSent ?? false, wallClock: Sys.wallClockSeconds(),
            random: &random)
        perform(step)
    }

    /// Writes the answer, then reports the exchange; the machine has already moved to `.finished`.
    private func complete(_ finish: ExchangeStateMachine.Finish) {
        loop.cancel(timer)
        cancelCurrentTransfer()
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
        healthFinished(finish)
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
        if line.count <= 2, line.first == 0x0D || line.first == 0x0A { refreshAllowance() }
        let action = machine.headerLine(line, now: loop.now, wallClock: Sys.wallClockSeconds(), random: &random)
        switch action {
        case .more:
            return true
        case .abort:
            return false
        case .discard(let ended, let timeout):
            attemptEnded(ended)
            if case .discarding(_, let pending) = machine.state { retryDecided(pending.plan) }
            if let status = ended.status { gate?.observe(status: status, headers: machine.lastHeaders) }
            if let timeout { loop.schedule(timer, after: timeout) }
            return true
        case .deliver(let ended, let head, let framing, let timeout):
            attemptEnded(ended)
            if let status = ended.status { gate?.observe(status: status, headers: machine.lastHeaders) }
            loop.schedule(timer, after: timeout)
            guard let connection else { return false }
            connection.writeResponseHead(head, framing: framing)
            return true
        }
    }

    func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition {
        let hasRoom = connection?.hasRoomForBody ?? false
        switch machine.responseBody(
            bytes, receivedBefore: transfer.bodyBytesReceived, clientHasRoom: hasRoom, now: loop.now)
        {
        case .relay:
            guard let connection else { return .abort }
            if !connection.writeBody(bytes) { machine.clientFull() }
            return .accepted
        case .discard:
            return .accepted
        case .pause:
            connection?.notifyWhenWritable()
            return .pause
        case .abort:
            return .abort
        }
    }

    func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let (read, resumeClient) = machine.readUpload(into: buffer)
        if resumeClient { connection?.setReadingPaused(false) }
        return read
    }

    func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>) {
        guard self.transfer === transfer else { return }
        transferEnded()
        refreshAllowance()
        perform(machine.transferCompleted(result, now: loop.now, wallClock: Sys.wallClockSeconds(), random: &random))
    }
}

extension Exchange: GateWaiter {
    func admitted() {
        gateAdmitted()
    }

    /// The gate counted an attempt out for this exchange. Unless an attempt starts (the deadline passed, or the
    /// verdict of another loop's gate crossed this exchange's end), the place is handed back at once.
    private func gateAdmitted() {
        let step = machine.admitted(now: loop.now)
        if case .start = step {} else { gate?.finished() }
        perform(step)
    }

    func refused(_ refusal: GateRefusal) {
        if let finish = machine.refusedAtGate(refusal) { perform(.finish(finish, ended: nil)) }
    }
}
