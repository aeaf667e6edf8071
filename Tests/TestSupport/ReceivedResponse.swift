import Foundation

/// One response as `TestClient` read it off the wire.
package struct ReceivedResponse: Sendable {
    /// How the body was delimited.
    package enum Framing: Sendable, Equatable {
        /// By `Content-Length`.
        case contentLength
        /// By `Transfer-Encoding: chunked`.
        case chunked
        /// By the peer closing the connection.
        case closeDelimited
        /// No body by definition: a response to HEAD, a 1xx, 204 or 304.
        case none
    }

    /// The status code, e.g. 200.
    package var status: Int
    /// The reason phrase as sent (may be empty).
    package var reason: String
    /// The protocol version as sent, e.g. `"HTTP/1.1"`.
    package var version: String
    /// Header fields in arrival order: names as spelled, values without surrounding whitespace.
    package var headers: [(name: String, value: String)]
    /// The body, de-chunked.
    package var body: [UInt8]
    /// Trailer fields after a chunked body.
    package var trailers: [(name: String, value: String)]
    /// How the body was delimited.
    package var framing: Framing
    /// The head exactly as received, from the status line through the terminating CRLFCRLF.
    package var rawHead: String

    /// The value of the first header named `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        HeadSyntax.value(of: name, in: headers)
    }

    /// Every value of the headers named `name` (case-insensitive), in order.
    package func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body decoded as UTF-8.
    package var bodyString: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, or nil if it is not one.
    package var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// Whether this is an interim (1xx) response, after which the final response follows.
    package var isInterim: Bool { (100..<200).contains(status) }
}
