import HTTP1
import Retry

extension ExchangeStateMachine {
    /// One raw header line of the current attempt's response (libcurl's header callback).
    /// - Parameter allowance: Whether the upstream as a whole takes another retry now; read only on the line that
    ///   ends a head, the one place a retry is decided, so the shell may ask for it on that line alone.
    package mutating func headerLine(
        _ line: UnsafeRawBufferPointer, allowance: RetryAllowance, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Action {
        // Checked by case alone: binding the attempt here copied the whole state (170 bytes, twice) for every line,
        // while only the line that ends the head, or a refused one, needs it.
        if case .attempting = state {
            let event: UpstreamHeadParser.Event
            do {
                event = try head.feed(line: line)
            } catch {
                guard case .attempting(let attempt) = state else { return .abortTransfer }
                // libcurl then ends the transfer with a write error; the completion reports this instead.
                state = .attempting(Attempt(number: attempt.number, startedAt: attempt.startedAt, refusal: error))
                return .abortTransfer
            }
            guard case .complete(let response, let contentLength, let isChunked) = event,
                case .attempting(let attempt) = state
            else { return .none }
            planner.allowance = allowance
            return responseHead(
                response, contentLength: isChunked ? nil : contentLength, attempt: attempt, now: now,
                wallClock: wallClock, random: &random)
        }
        switch state {
        case .attempting:
            preconditionFailure("handled above")
        case .probing(let probe):
            return probeHeaderLine(line, probe: probe)
        case .discarding, .delivering:
            // Trailers of a chunked body arrive as header lines too.
            return .none
        case .finished:
            // The exchange ended inside this transfer's callbacks (the client left): its cancel waits for libcurl.
            return .abortTransfer
        case .receivingRequest, .waitingAtGate, .waiting, .modifying:
            // Only a transfer in flight has header lines, and leaving its phase cancels it.
            assertionFailure("header line in \(phase)")
            return .abortTransfer
        }
    }

    /// The final head of an attempt's response: relay it, or discard it and retry.
    private mutating func responseHead(
        _ response: ResponseHead, contentLength: Int?, attempt: Attempt, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Action {
        let ended = attemptEnded(status: response.status, at: now, startedAt: attempt.startedAt)
        // Shares the head's storage: a copy per response cost five regrowths and 2.5k instructions.
        lastHeaders = response.headers.fieldList
        let outcome = AttemptOutcome.response(status: response.status, headers: lastHeaders)
        if needsVerification(outcome) {
            let (plan, uncertain) = beginVerification(
                outcome, failure: nil, attempt: attempt.number, now: now, wallClock: wallClock, random: &random)
            let kept = KeptResponse(head: response, body: [], isComplete: false)
            state = .discarding(attempt, PendingRetry(plan: plan, kept: kept, uncertain: uncertain))
            let timeout = planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
            return .discardResponse(ended: ended, retry: plan, spendsBudget: spendsBudget(plan), timeout: timeout)
        }
        let decision = planner.decide(
            outcome, attempt: attempt.number,
            elapsed: elapsed(at: now), now: wallClock, using: &random)
        var giveUp: GiveUpReason?
        switch decision {
        case .retry(let wait, let reason):
            let plan = RetryPlan(attempt: attempt.number, wait: wait, reason: reason)
            let kept = KeptResponse(head: response, body: [], isComplete: false)
            state = .discarding(attempt, PendingRetry(plan: plan, kept: kept))
            // The body is read within what is left of the exchange; past the deadline the old bound stays.
            let timeout = planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
            return .discardResponse(ended: ended, retry: plan, spendsBudget: spendsBudget(plan), timeout: timeout)
        case .giveUp(let reason):
            giveUp = reason
        case .deliver:
            break
        }
        // From here the response is final: the deadline no longer applies, the body streams with an idle bound.
        state = .delivering(
            Delivery(status: response.status, giveUp: giveUp, lastByteAt: now, flow: .flowing, bytes: 0))
        let framing = ResponseWriter.framing(
            requestMethod: request.method, clientVersion: request.version, status: response.status,
            contentLength: contentLength)
        return .deliverResponse(
            ended: ended, head: relayed(response), framing: framing, timeout: configuration.attemptTimeout)
    }

    /// A piece of the response body; `receivedBefore` counts the bytes of this response taken before it.
    package mutating func responseBody(
        _ bytes: UnsafeRawBufferPointer, receivedBefore: Int, clientHasRoom: Bool, now: Int64
    ) -> Action {
        switch state {
        case .discarding(let attempt, var pending):
            remember(bytes)
            // A large error body is not worth reading for connection reuse.
            guard receivedBefore + bytes.count <= configuration.discardLimit else { return .abortTransfer }
            state = .modifying  // keeps the kept body uniquely referenced while it grows
            pending.kept?.body.append(contentsOf: bytes)
            state = .discarding(attempt, pending)
            return .none
        case .probing(let probe):
            return probeBody(bytes, probe: probe)
        case .delivering(var delivery):
            if delivery.flow == .clientFull || !clientHasRoom {
                delivery.flow = .clientFull
                state = .delivering(delivery)
                return .pauseTransfer
            }
            // Only bytes taken count: a paused piece is delivered again by libcurl.
            if delivery.giveUp != nil { remember(bytes) }
            delivery.bytes += bytes.count
            delivery.lastByteAt = now
            state = .delivering(delivery)
            return .relayBody
        case .attempting:
            // libcurl gives a body only after its head, whose end moved the attempt on.
            assertionFailure("response body while attempting")
            return .abortTransfer
        case .finished:
            // The exchange ended inside this transfer's callbacks (the client left): its cancel waits for libcurl.
            return .abortTransfer
        case .receivingRequest, .waitingAtGate, .waiting, .modifying:
            assertionFailure("response body in \(phase)")
            return .abortTransfer
        }
    }

    /// The client's output went over its high watermark after a relayed piece: the next piece pauses the transfer.
    package mutating func clientFull() -> Action {
        // Writing the piece may have found the client gone, which ended the exchange.
        guard case .delivering(var delivery) = state else {
            assert(isFinished, "client full in \(phase)")
            return .none
        }
        delivery.flow = .clientFull
        state = .delivering(delivery)
        return .none
    }

    /// The client's output drained: a paused delivery goes on.
    package mutating func clientWritable() -> Action {
        guard case .delivering(var delivery) = state else { return .none }
        delivery.flow = .flowing
        state = .delivering(delivery)
        return .resumeTransfer
    }

    /// Keeps the first bytes of a response body for the give-up report.
    private mutating func remember(_ bytes: UnsafeRawBufferPointer) {
        let room = configuration.keptBodyLimit - lastBody.count
        if room > 0 { lastBody.append(contentsOf: bytes.prefix(room)) }
    }
}
