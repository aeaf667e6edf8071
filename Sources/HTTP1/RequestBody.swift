/// How a forwarded request's body reaches the upstream: its framing and where its bytes come from.
package enum RequestBody: Sendable, Equatable {
    /// No body and no framing headers (GET, DELETE without a body, ...).
    case none
    /// A body held in memory, sent with Content-Length (possibly 0) and replayable.
    case buffered([UInt8])
    /// A body pulled from the client as it arrives; `length` nil means chunked toward the upstream.
    case streaming(length: Int?)
}
