/// Small factories for request bytes with sensible defaults, for `TestClient.send`.
package enum RequestBytes {
    /// A complete request: request line, `headers` in order, then framing and `body`.
    ///
    /// A non-chunked `body` gets `Content-Length` unless `headers` has one. `chunked` adds
    /// `Transfer-Encoding: chunked` unless present and sends `body` (if any) as one chunk plus the last chunk.
    package static func make(
        method: String = "GET", target: String = "/", version: String = "HTTP/1.1",
        headers: [(String, String)] = [("Host", "localhost")], body: [UInt8]? = nil, chunked: Bool = false
    ) -> [UInt8] {
        let fields = HeadSyntax.addingFraming(to: headers, bodyLength: body?.count, chunked: chunked)
        var bytes = HeadSyntax.head(startLine: "\(method) \(target) \(version)", fields: fields)
        if chunked {
            bytes += HeadSyntax.chunk(body ?? []) + HeadSyntax.lastChunk
        } else if let body {
            bytes += body
        }
        return bytes
    }

    /// `make` with a UTF-8 text body.
    package static func make(
        method: String = "POST", target: String = "/", version: String = "HTTP/1.1",
        headers: [(String, String)] = [("Host", "localhost")], text: String, chunked: Bool = false
    ) -> [UInt8] {
        make(
            method: method, target: target, version: version, headers: headers, body: Array(text.utf8), chunked: chunked
        )
    }
}
