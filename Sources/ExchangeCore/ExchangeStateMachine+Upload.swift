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
        /// Held only while a case's payload is changed in place, so it stays uniquely referenced.
        case modifying

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
            case .modifying: preconditionFailure("request body read while modifying")
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
    package mutating func requestBody(_ bytes: UnsafeRawBufferPointer, now: Int64) -> Action {
        if isFinished { return .none }
        switch upload {
        case .receiving(var body):
            upload = .modifying  // keeps `body` uniquely referenced while it grows
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
            return nextAttempt(now: now)
        case .streaming(var streaming):
            upload = .modifying
            streaming.window.append(contentsOf: bytes)
            let resume = streaming.upstreamWaiting
            streaming.upstreamWaiting = false
            let pause = streaming.window.count - streaming.offset > configuration.replayLimit
            upload = .streaming(streaming)
            return resume || pause ? .flowUpload(resumeTransfer: resume, pauseClientReading: pause) : .none
        case .none, .held:
            // The client's framing says there is no more: the listener ends the body before such bytes.
            assertionFailure("request body after its end")
            return .none
        case .modifying:
            preconditionFailure("request body while modifying")
        }
    }

    /// The client's body ended (for a bodiless request, right after its head).
    package mutating func requestEnd(now: Int64) -> Action {
        if isFinished { return .none }
        switch upload {
        case .none:
            // Its end comes once, right after the head: a second one would start a second attempt.
            guard case .receivingRequest = state else {
                assertionFailure("a bodiless request ended in \(phase)")
                return .none
            }
            return nextAttempt(now: now)
        case .receiving(let body):
            upload = .held(body)
            return nextAttempt(now: now)
        case .streaming(var streaming):
            streaming.ended = true
            let resume = streaming.upstreamWaiting
            streaming.upstreamWaiting = false
            upload = .streaming(streaming)
            return resume ? .flowUpload(resumeTransfer: true, pauseClientReading: false) : .none
        case .held:
            assertionFailure("request body ended twice")
            return .none
        case .modifying:
            preconditionFailure("request end while modifying")
        }
    }

    /// libcurl wants more of a streaming body: copies what is there into `buffer`. Also says whether reading the
    /// client may resume, since libcurl has made room.
    package mutating func readUpload(into buffer: UnsafeMutableRawBufferPointer) -> Action {
        guard case .streaming(var streaming) = upload else {
            // libcurl reads only a streaming body through here; a held one is handed over whole.
            assertionFailure("upload read of a body that does not stream")
            return .uploadRead(.abort, resumeClientReading: false)
        }
        upload = .modifying
        defer { upload = .streaming(streaming) }
        let available = streaming.window.count - streaming.offset
        if available == 0 {
            if streaming.ended { return .uploadRead(.bytes(0), resumeClientReading: false) }
            if isFinished { return .uploadRead(.abort, resumeClientReading: false) }
            streaming.upstreamWaiting = true
            return .uploadRead(.pause, resumeClientReading: false)
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
        return .uploadRead(.bytes(count), resumeClientReading: resume)
    }
}
