/// What the planner needs to know about the client's request to decide whether a retry is safe.
package struct RequestTraits: Sendable, Equatable {
    /// Methods RFC 9110 §9.2.2 defines as idempotent; method names are case-sensitive.
    package static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]

    /// The request method as sent by the client.
    package var method: String
    /// Whether the request carries an `Idempotency-Key` header, which makes any method safe to repeat.
    package var hasIdempotencyKey: Bool
    /// Whether the whole body is held in memory; `false` when the proxy streamed it to the upstream.
    package var replayable: Bool

    /// Whether repeating the request cannot apply it twice.
    package var isIdempotent: Bool {
        hasIdempotencyKey || Self.idempotentMethods.contains(method)
    }

    /// Creates traits from what the proxy already knows.
    package init(method: String, hasIdempotencyKey: Bool = false, replayable: Bool = true) {
        self.method = method
        self.hasIdempotencyKey = hasIdempotencyKey
        self.replayable = replayable
    }

    /// Creates traits from the request's headers, looking for `Idempotency-Key` case-insensitively.
    package init(method: String, headers: [(name: String, value: String)], replayable: Bool = true) {
        let hasKey = headers.contains { $0.name.lowercased() == "idempotency-key" }
        self.init(method: method, hasIdempotencyKey: hasKey, replayable: replayable)
    }
}
