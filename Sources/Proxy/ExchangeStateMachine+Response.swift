import Forwarder
import HTTP1
import Retry

extension ExchangeStateMachine {
    /// One raw header line of the current attempt's response (libcurl's header callback).
    mutating func headerLine(
        _ line: UnsafeRawBufferPointer, now: Int64, wallClock: Double, random: inout some RandomNumberGenerator
    ) -> HeadAction {
        switch state {
        case .attempting(let attempt):
            let event: UpstreamHeadParser.Event
            do {
                event = try head.feed(line: line)
            } catch {
                // libcurl then ends the transfer with a write error; the completion reports this instead.
                state = .attempting(Attempt(number: attempt.number, startedAt: attempt.startedAt, refusal: error))
                return .abort
            }
            guard case .complete(let response, let contentLength, let isChunked) = event else { return .more }
            return responseHead(
                response, contentLength: isChunked ? nil : contentLength, attempt: attempt, now: now,
                wallClock: wallClock, random: &random)
        case .probing(let probe):
            return probeHeaderLine(line, probe: probe)
        case .discarding, .delivering:
            // Trailers of a chunked body arrive as header lines too.
            return .more
        case .receivingRequest, .waitingAtGate, .waiting, .finished:
            return .abort
        }
    }

    /// The final head of an attempt's response: relay it, or discard it and retry.
    private mutating func responseHead(
        _ response: ResponseHead, contentLength: Int?, attempt: Attempt, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> HeadAction {
        let ended = AttemptEnd(status: response.status, duration: .nanoseconds(now - attempt.startedAt))
        lastHeaders = response.headers.map { ($0.name, $0.value) }
        let outcome = AttemptOutcome.response(status: response.status, headers: lastHeaders)
        if needsVerification(outcome) {
            let (plan, uncertain) = beginVerification(
                outcome, failure: nil, attempt: attempt.number, now: now, wallClock: wallClock, random: &random)
            let kept = KeptResponse(head: response, body: [], isComplete: false)
            state = .discarding(attempt, PendingRetry(plan: plan, kept: kept, uncertain: uncertain))
            let timeout = planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
            return .discard(ended: ended, timeout: timeout)
        }
        let decision = planner.decide(
            .response(status: response.status, headers: lastHeaders), attempt: attempt.number,
            elapsed: elapsed(at: now), now: wallClock, using: &random)
        var giveUp: GiveUpReason?
        switch decision {
        case .retry(let wait, let reason):
            let plan = RetryPlan(attempt: attempt.number, wait: wait, reason: reason)
            let kept = KeptResponse(head: response, body: [], isComplete: false)
            state = .discarding(attempt, PendingRetry(plan: plan, kept: kept))
            // The body is read within what is left of the exchange; past the deadline the old bound stays.
            let timeout = planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
            return .discard(ended: ended, timeout: timeout)
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
        return .deliver(
            ended: ended, head: relayed(response), framing: framing, timeout: configuration.attemptTimeout)
    }

    /// A piece of the response body; `receivedBefore` counts the bytes of this response taken before it.
    mutating func responseBody(
        _ bytes: UnsafeRawBufferPointer, receivedBefore: Int, clientHasRoom: Bool, now: Int64
    ) -> BodyAction {
        switch state {
        case .discarding(let attempt, var pending):
            remember(bytes)
            // A large error body is not worth reading for connection reuse.
            guard receivedBefore + bytes.count <= configuration.discardLimit else { return .abort }
            state = .waiting(pending)  // keeps the kept body uniquely referenced while it grows
            pending.kept?.body.append(contentsOf: bytes)
            state = .discarding(attempt, pending)
            return .discard
        case .probing(let probe):
            return probeBody(bytes, probe: probe)
        case .delivering(var delivery):
            if delivery.flow == .clientFull || !clientHasRoom {
                delivery.flow = .clientFull
                state = .delivering(delivery)
                return .pause
            }
            // Only bytes taken count: a paused piece is delivered again by libcurl.
            if delivery.giveUp != nil { remember(bytes) }
            delivery.bytes += bytes.count
            delivery.lastByteAt = now
            state = .delivering(delivery)
            return .relay
        case .receivingRequest, .waitingAtGate, .attempting, .waiting, .finished:
            return .abort
        }
    }

    /// The client's output went over its high watermark after a relayed piece.
    mutating func clientFull() {
        guard case .delivering(var delivery) = state else { return }
        delivery.flow = .clientFull
        state = .delivering(delivery)
    }

    /// The client's output drained; returns whether the transfer should be resumed.
    mutating func clientWritable() -> Bool {
        guard case .delivering(var delivery) = state else { return false }
        delivery.flow = .flowing
        state = .delivering(delivery)
        return true
    }

    /// Keeps the first bytes of a response body for the give-up report.
    private mutating func remember(_ bytes: UnsafeRawBufferPointer) {
        let room = configuration.keptBodyLimit - lastBody.count
        if room > 0 { lastBody.append(contentsOf: bytes.prefix(room)) }
    }
}
