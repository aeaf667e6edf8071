import HTTP1

/// One scripted reaction of the simulated vendor to an attempt.
enum VendorAnswer: Sendable, Equatable {
    /// A complete JSON response.
    case respond(status: Int, headers: HTTPHeaders = [], body: String)
    /// The connection is dropped with a TCP reset after the request arrived: no response at all.
    case reset

    /// The label the tour's table shows for the attempt: "503" or "reset".
    var label: String {
        switch self {
        case .respond(let status, _, _): String(status)
        case .reset: "reset"
        }
    }

    /// The wait this answer announces, as sent ("Retry-After: 1"), for the table's "why".
    var announcedWait: String? {
        guard case .respond(_, let headers, _) = self else { return nil }
        let names = ["Retry-After", "RateLimit-Reset", "RateLimit", "X-RateLimit-Reset"]
        for name in names {
            if let value = headers.first(name: name) { return "\(name): \(value)" }
        }
        return nil
    }
}

/// How the simulated vendor answers one endpoint.
enum VendorScript: Sendable, Equatable {
    /// The n-th attempt gets `answers[n % count]`, so every client request through retryd replays the same story.
    case cycle([VendorAnswer])
    /// Every attempt starts a job, then times out with 504; a repeated `Idempotency-Key` gets its existing job.
    case jobStartedButTimedOut
    /// `limit` requests per `window` (counted from the first), each answer with the quota headers the vendor's
    /// docs promise; past the limit, 429 with `Retry-After`.
    case quota(limit: Int, window: Duration)
    /// Bitmovin's encoding start: the first call times out with 504, having started the encoding when
    /// `appliedBeforeTimeout` (else not); a start of an encoding that is no longer `CREATED` gets 409.
    case encodingStart(id: String, appliedBeforeTimeout: Bool)
    /// The encoding's status, in Bitmovin's response envelope.
    case encodingStatus(id: String)
}

extension VendorScript {
    /// The endpoints of the simulated vendor, keyed by "METHOD /path".
    static let demo: [String: VendorScript] = [
        "GET /v1/jobs/42": .cycle([
            .json(503, #"{"error":"service_unavailable","message":"busy, try again"}"#),
            .json(503, #"{"error":"service_unavailable","message":"busy, try again"}"#),
            .json(200, #"{"id":"42","status":"done"}"#),
        ]),
        "POST /v1/transcodes": .cycle([
            .json(429, #"{"error":"rate_limited"}"#, headers: [("Retry-After", "1")]),
            .json(201, #"{"id":"tc_1","status":"queued"}"#),
        ]),
        "GET /v1/quota": .cycle([
            .json(429, #"{"error":"rate_limited"}"#, headers: [("RateLimit-Limit", "100"), ("RateLimit-Reset", "1")]),
            .json(200, #"{"limit":100,"remaining":99}"#),
        ]),
        "POST /v1/encodings": .jobStartedButTimedOut,
        "POST /v1/uploads": .jobStartedButTimedOut,
        "POST /v1/encoding/encodings/enc-started/start": .encodingStart(id: "enc-started", appliedBeforeTimeout: true),
        "GET /v1/encoding/encodings/enc-started/status": .encodingStatus(id: "enc-started"),
        "POST /v1/encoding/encodings/enc-lost/start": .encodingStart(id: "enc-lost", appliedBeforeTimeout: false),
        "GET /v1/encoding/encodings/enc-lost/status": .encodingStatus(id: "enc-lost"),
        "GET /v1/renditions": .quota(limit: 4, window: .seconds(1)),
        "GET /v1/assets/7": .cycle([
            .reset,
            .json(200, #"{"id":"7","name":"intro.mp4"}"#),
        ]),
        "GET /v1/projects/p1/cloud-transcoder/tasks/t9": .cycle([
            .json(404, #"{"error":"not_found","message":"task t9 is not visible yet"}"#),
            .json(404, #"{"error":"not_found","message":"task t9 is not visible yet"}"#),
            .json(200, #"{"id":"t9","state":"RUNNING"}"#),
        ]),
    ]
}

extension VendorAnswer {
    /// A JSON response with `Content-Type` set.
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> VendorAnswer {
        .respond(status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers), body: body)
    }
}
