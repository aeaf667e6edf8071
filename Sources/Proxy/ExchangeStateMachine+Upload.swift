import Forwarder
import HTTP1
import Retry

extension ExchangeStateMachine {
    /// The request body as far as the client has sent it, and how it reaches the upstream.
    enum Upload {
        /// No body framing at all.
        case none
        /// Held in memory (up to the replay limit) while it arrives; the first attempt waits for its end.
        case receiving([UInt8])
        /// Complete and held: sent, and replayable, as a whole.
        case held([UInt8])
        /// Larger than the replay limit: passed through as it arrives; not replayable once sent.
        case streaming(StreamingUpload)

        /// Picks the mode from the request's framing.
        init(framing: BodyFraming, replayLimit: Int) {
            switch framing {
            case .none:
                self = .none
            case .contentLength(let length) where length > replayLimit:
                self = .streaming(StreamingUpload(declaredLength: length))
            case .contentLength(let length):
                var body: [UInt8] = []
                body.reserveCapacity(length)
                self = .receiving(body)
            case .chunked:
                self = .receiving([])
            }
        }

        /// Whether the request has no body framing.
        var isEmpty: Bool {
            if case .none = self { return true }
            return false
        }

        /// The body as libcurl is given it for an attempt.
        var requestBody: RequestBody {
            switch self {
            case .none: return .none
            case .receiving(let body), .held(let body): return .buffered(body)
            case .streaming(let upload): return .streaming(length: upload.declaredLength)
            }
        }
    }

    /// A body passing through: the bytes received and not yet taken by libcurl.
    struct StreamingUpload {
        /// The Content-Length, or nil when chunked toward the upstream.
        var declaredLength: Int?
        /// Bytes from the client not yet dropped; libcurl has taken those before `offset`.
        var window: [UInt8] = []
        var offset = 0
        /// Whether the client's body has ended.
        var ended = false
        /// Whether libcurl asked for bytes when there were none (it is paused until resumed).
        var upstreamWaiting = false
    }

    /// A piece of the client's body arrived.
    mutating func requestBody(_ bytes: UnsafeRawBufferPointer, now: Int64) -> UploadAction {
        if isFinished { return .none }
        switch upload {
        case .receiving(var body):
            upload = .none  // keeps `body` uniquely referenced while it grows
            body.append(contentsOf: bytes)
            guard body.count > configuration.replayLimit else {
                upload = .receiving(body)
                return .none
            }
            // A chunked body outgrew the replay limit: it passes through from here on, chunked upstream.
            upload = .streaming(StreamingUpload(declaredLength: nil, window: body))
            planner = RetryPlanner(
                policy: planner.policy,
                request: RequestTraits(
                    method: request.method, hasIdempotencyKey: planner.request.hasIdempotencyKey, replayable: false))
            return UploadAction(step: nextAttempt(now: now))
        case .streaming(var streaming):
            upload = .none
            streaming.window.append(contentsOf: bytes)
            var action = UploadAction.none
            if streaming.upstreamWaiting {
                streaming.upstreamWaiting = false
                action.resumeTransfer = true
            }
            action.pauseClientReading = streaming.window.count - streaming.offset > configuration.replayLimit
            upload = .streaming(streaming)
            return action
        case .none, .held:
            return .none
        }
    }

    /// The client's body ended (for a bodiless request, right after its head).
    mutating func requestEnd(now: Int64) -> UploadAction {
        if isFinished { return .none }
        switch upload {
        case .none:
            return UploadAction(step: nextAttempt(now: now))
        case .receiving(let body):
            upload = .held(body)
            return UploadAction(step: nextAttempt(now: now))
        case .streaming(var streaming):
            streaming.ended = true
            let resume = streaming.upstreamWaiting
            streaming.upstreamWaiting = false
            upload = .streaming(streaming)
            return UploadAction(resumeTransfer: resume)
        case .held:
            return .none
        }
    }

    /// libcurl wants more of a streaming body: copies what is there into `buffer`. Also says whether reading the
    /// client may resume, since libcurl has made room.
    mutating func readUpload(into buffer: UnsafeMutableRawBufferPointer) -> (BodyRead, resumeClientReading: Bool) {
        guard case .streaming(var streaming) = upload else { return (.abort, false) }
        upload = .none
        defer { upload = .streaming(streaming) }
        let available = streaming.window.count - streaming.offset
        if available == 0 {
            if streaming.ended { return (.bytes(0), false) }
            if isFinished { return (.abort, false) }
            streaming.upstreamWaiting = true
            return (.pause, false)
        }
        let count = min(available, buffer.count)
        streaming.window.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + streaming.offset, byteCount: count)
        }
        streaming.offset += count
        // Streamed bodies are not kept: drop what libcurl has taken once it is a good share of the buffer.
        if streaming.offset > 64 * 1024 && streaming.offset * 2 > streaming.window.count {
            streaming.window.removeFirst(streaming.offset)
            streaming.offset = 0
        }
        let resume = streaming.window.count - streaming.offset <= configuration.replayLimit / 2
        return (.bytes(count), resume)
    }

    /// The next attempt (through the quota gate when there is one), or the end of the exchange when the deadline
    /// leaves no time for one.
    mutating func nextAttempt(now: Int64) -> Step {
        guard timeLeft(at: now) != nil else { return deadlinePassed() }
        // An open breaker answers at once, before any wait at the gate.
        if configuration.consultsHealth { return .consult(firstAttempt: attempts == 0) }
        return throughGate(now: now)
    }

    /// The next attempt, through the quota gate when there is one.
    mutating func throughGate(now: Int64) -> Step {
        guard configuration.usesGate else { return startAttempt(now: now) }
        state = .waitingAtGate(number: attempts + 1)
        let remaining = planner.policy.deadline - elapsed(at: now)
        return .admit(maxWait: min(planner.policy.maxRateLimitWait, remaining))
    }

    /// The gate let the waiting attempt go.
    mutating func admitted(now: Int64) -> Step {
        guard isAtGate else { return .none }
        guard timeLeft(at: now) != nil else { return deadlinePassed() }
        return startAttempt(now: now)
    }

    /// The gate cannot let the attempt go in time: the client gets 429 at once. After attempts that reached the
    /// vendor it is a give-up: the vendor's announced wait is longer than this exchange may wait.
    mutating func refusedAtGate(_ refusal: GateRefusal) -> Finish? {
        guard isAtGate else { return nil }
        let giveUp: GiveUpReason? = attempts > 0 ? .waitTooLong(.seconds(refusal.retryAfter)) : nil
        return finish(status: refusal.status, answer: .refusal(refusal), giveUp: giveUp)
    }

    private func timeLeft(at now: Int64) -> Duration? {
        planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
    }

    private mutating func deadlinePassed() -> Step {
        let failure = TransportFailure(
            kind: .unsent, isTimeout: true, message: "deadline passed before the next attempt")
        return .finish(giveUp(failure, reason: .deadlineExceeded), ended: nil)
    }

    private mutating func startAttempt(now: Int64) -> Step {
        guard let timeout = timeLeft(at: now) else { return deadlinePassed() }
        attempts += 1
        if case .streaming(var streaming) = upload {
            // Only an unsent attempt is ever retried with a streaming body, so nothing of it was taken.
            streaming.offset = 0
            upload = .streaming(streaming)
        }
        lastBody.removeAll(keepingCapacity: true)
        head.reset()
        state = .attempting(Attempt(number: attempts, startedAt: now, refusal: nil))
        return .start(AttemptStart(number: attempts, timeout: timeout, body: upload.requestBody))
    }
}
