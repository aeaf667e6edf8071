/// One request exactly as the upstream received it.
package struct RecordedRequest: Sendable, Equatable {
    /// The method as sent, e.g. `"POST"`.
    package var method: String
    /// The request target as sent, e.g. `"/v1/items?page=2"`.
    package var target: String
    /// The protocol version as sent, e.g. `"HTTP/1.1"`.
    package var version: String
    /// Header fields in arrival order: names as spelled, values without surrounding whitespace.
    package var headers: [(name: String, value: String)]
    /// The body, de-chunked when it came chunked.
    package var body: [UInt8]
    /// Whether the body came with `Transfer-Encoding: chunked`.
    package var wasChunked: Bool
    /// The 0-based index of the TCP connection (in accept order) the request arrived on.
    package var connection: Int
    /// When the last byte of the request arrived.
    package var receivedAt: ContinuousClock.Instant

    /// Creates a recorded request; the upstream builds these, tests may build expected values.
    package init(
        method: String, target: String, version: String = "HTTP/1.1", headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], wasChunked: Bool = false, connection: Int = 0, receivedAt: ContinuousClock.Instant = .now
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.wasChunked = wasChunked
        self.connection = connection
        self.receivedAt = receivedAt
    }

    /// The value of the first header named `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        HeadSyntax.value(of: name, in: headers)
    }

    /// The body decoded as UTF-8.
    package var bodyString: String { String(decoding: body, as: UTF8.self) }

    /// Whether both carry the same message (method, target, version, headers, body, framing), wherever and
    /// whenever they arrived: what a retried attempt should satisfy.
    package func sameMessage(as other: RecordedRequest) -> Bool {
        var other = other
        other.connection = connection
        other.receivedAt = receivedAt
        return self == other
    }

    /// Field-by-field equality; tuples are not `Equatable`, so the headers are compared pairwise.
    package static func == (lhs: RecordedRequest, rhs: RecordedRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
            && lhs.body == rhs.body && lhs.wasChunked == rhs.wasChunked && lhs.connection == rhs.connection
            && lhs.receivedAt == rhs.receivedAt
    }
}
