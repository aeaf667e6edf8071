import HTTP1
import Listener
import Loop

/// One attempt the simulated vendor saw, and what it did with it.
struct VendorAttempt: Sendable, Equatable {
    /// The request method.
    var method: String
    /// The request path, query removed.
    var path: String
    /// What the vendor did.
    var answer: VendorAnswer
    /// Monotonic nanoseconds at which the request had fully arrived.
    var receivedAt: Int64
}

/// The simulated vendor API: answers each endpoint from its script and logs every attempt with its time.
///
/// Requests are handled on the loop thread; the attempt log is read from the tour's thread, hence the lock.
final class DemoVendor: RequestHandler, @unchecked Sendable {
    private let loop: EventLoop
    private let scripts: [String: VendorScript]
    private let log = LockedValue<[VendorAttempt]>([])
    /// Attempts seen per "METHOD /path", which picks the next answer of a cycle (loop thread only).
    private var counts: [String: Int] = [:]
    /// Jobs started by `jobStartedButTimedOut` endpoints, by Idempotency-Key (loop thread only).
    private var jobsByKey: [String: String] = [:]
    private var jobsStarted = 0
    /// Encodings of `encodingStart` endpoints: their status and start calls so far (loop thread only).
    private var encodings: [String: (status: String, calls: Int)] = [:]
    /// The quota window of `quota` endpoints: when it began (loop time) and how many it has counted (loop thread).
    private var quotaWindow: (start: Int64, count: Int)?

    /// Creates a vendor answering from `scripts` on `loop`.
    init(loop: EventLoop, scripts: [String: VendorScript] = VendorScript.demo) {
        self.loop = loop
        self.scripts = scripts
    }

    /// Every attempt so far, oldest first.
    var attempts: [VendorAttempt] {
        log.withLock { $0 }
    }

    /// How many attempts the vendor has seen.
    var attemptCount: Int {
        log.withLock { $0.count }
    }

    func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        AnswerAtEnd(head: head, connection: connection) { [self] head, connection in answer(head, on: connection) }
    }

    /// Answers a request whose body has fully arrived.
    func answer(_ head: RequestHead, on connection: ClientConnection) {
        let path = String(head.target.prefix { $0 != "?" })
        let key = "\(head.method) \(path)"
        let answer = self.answer(for: key, headers: head.headers)
        let attempt = VendorAttempt(method: head.method, path: path, answer: answer, receivedAt: loop.now)
        log.withLock { $0.append(attempt) }
        switch answer {
        case .reset:
            connection.reset()
        case .respond(let status, let headers, let body):
            // A fresh connection per attempt keeps libcurl from silently re-sending on a reused one that then
            // resets, which would hide an attempt from retryd's count and from the table.
            connection.closeAfterResponse()
            connection.respond(
                ResponseHead(status: status, headers: headers), body: Array(body.utf8), requestMethod: head.method)
        }
    }

    private func answer(for key: String, headers: HTTPHeaders) -> VendorAnswer {
        switch scripts[key] {
        case .cycle(let answers)?:
            let count = counts[key, default: 0]
            counts[key] = count + 1
            return answers.isEmpty ? .json(500, #"{"error":"empty_script"}"#) : answers[count % answers.count]
        case .jobStartedButTimedOut?:
            let idempotencyKey = headers.first(name: "Idempotency-Key")
            if let idempotencyKey, let job = jobsByKey[idempotencyKey] {
                return .json(200, #"{"id":"\#(job)","status":"running","note":"existing job for this key"}"#)
            }
            jobsStarted += 1
            if let idempotencyKey { jobsByKey[idempotencyKey] = "enc_\(jobsStarted)" }
            return .json(504, #"{"error":"gateway_timeout","message":"timed out; the job may have started"}"#)
        case .quota(let limit, let window)?:
            return quotaAnswer(limit: limit, window: window)
        case .encodingStart(let id, let appliedBeforeTimeout)?:
            return encodingStart(id: id, appliedBeforeTimeout: appliedBeforeTimeout)
        case .encodingStatus(let id)?:
            let status = encodings[id]?.status ?? "CREATED"
            return .json(200, #"{"requestId":"req-\#(id)","status":"SUCCESS","data":{"status":"\#(status)"}}"#)
        case nil:
            let endpoints = scripts.keys.sorted().map { "\"\($0)\"" }.joined(separator: ",")
            return .json(404, #"{"error":"no_such_endpoint","endpoints":[\#(endpoints)]}"#)
        }
    }

    /// Bitmovin's start call: the first one times out (having started the encoding, or not); later ones start a
    /// `CREATED` encoding or get 409 for one that is already started.
    private func encodingStart(id: String, appliedBeforeTimeout: Bool) -> VendorAnswer {
        var encoding = encodings[id] ?? ("CREATED", 0)
        encoding.calls += 1
        defer { encodings[id] = encoding }
        guard encoding.status == "CREATED" else {
            return .json(409, #"{"requestId":"req-\#(id)","status":"ERROR","message":"encoding already started"}"#)
        }
        if encoding.calls == 1 {
            if appliedBeforeTimeout { encoding.status = "QUEUED" }
            return .json(504, #"{"error":"gateway_timeout","message":"timed out; the encoding may have started"}"#)
        }
        encoding.status = "QUEUED"
        return .json(200, #"{"requestId":"req-\#(id)","status":"SUCCESS","data":{"id":"\#(id)"}}"#)
    }

    /// Counts the attempt in the current window and answers with the quota headers, or 429 past the limit.
    private func quotaAnswer(limit: Int, window: Duration) -> VendorAnswer {
        let now = loop.now
        var current = quotaWindow ?? (now, 0)
        if now - current.start >= window.nanoseconds { current = (now, 0) }
        current.count += 1
        quotaWindow = current
        let left = max(window.nanoseconds - (now - current.start), 0)
        let reset = String((left + 999_999_999) / 1_000_000_000)
        let headers = [
            ("Ratelimit-Limit", String(limit)), ("Ratelimit-Remaining", String(max(limit - current.count, 0))),
            ("Ratelimit-Reset", reset),
        ]
        guard current.count <= limit else {
            return .json(429, #"{"error":"rate_limited"}"#, headers: headers + [("Retry-After", reset)])
        }
        return .json(200, #"{"id":"r\#(current.count)","status":"ready"}"#, headers: headers)
    }
}
