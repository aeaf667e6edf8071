/// What the test upstream does with one request.
package indirect enum UpstreamAction: Sendable {
    /// Answers with a complete response.
    ///
    /// `reason` defaults to the standard phrase. `Content-Length` is added unless `chunked` or already given;
    /// `chunked` adds `Transfer-Encoding: chunked` unless given and sends `body` as one chunk. A HEAD request,
    /// a 1xx, 204 or 304 gets no body. The connection stays open unless the request or `headers` say `close`.
    case respond(
        status: Int, reason: String? = nil, headers: [(String, String)] = [], body: [UInt8] = [], chunked: Bool = false)
    /// Writes these bytes verbatim and keeps the connection.
    case raw([UInt8])
    /// Writes these bytes verbatim, then closes (e.g. a `Content-Length: 100` head with only 10 body bytes).
    case rawThenClose([UInt8])
    /// Closes without answering (FIN: the client sees an empty reply).
    case close
    /// Closes with RST (`SO_LINGER` 0) without answering.
    case reset
    /// Waits, then acts; closes the connection at once instead if the peer leaves or the upstream stops.
    case delay(Duration, then: UpstreamAction)
    /// Generates a `totalBytes` body on the fly (byte `i` is `UInt8(i % 251)`), written `chunkSize` at a time with
    /// blocking writes, so a slow reader back-pressures the upstream.
    ///
    /// Adds `Content-Length` (or `Transfer-Encoding: chunked`, one chunk per write) like `respond`.
    case stream(
        status: Int, headers: [(String, String)], totalBytes: Int, chunkSize: Int = 64 * 1024, chunked: Bool = false)

    /// A response with a UTF-8 body; shorthand for `respond`.
    package static func respond(
        status: Int, reason: String? = nil, headers: [(String, String)] = [], text: String, chunked: Bool = false
    ) -> UpstreamAction {
        .respond(status: status, reason: reason, headers: headers, body: Array(text.utf8), chunked: chunked)
    }

    /// The byte the `stream` action writes at body offset `index`.
    package static func streamByte(at index: Int) -> UInt8 {
        UInt8(index % 251)
    }
}
