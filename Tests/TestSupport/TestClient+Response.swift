extension TestClient {
    /// Reads exactly one response, interim (1xx) heads included: after `Expect: 100-continue`, a `100 Continue`
    /// comes back as its own response (see `isInterim`), and the final one needs another call.
    /// - Parameter requestMethod: The request's method; a response to HEAD has no body whatever its fields say.
    /// - Throws: `.closedBeforeResponse` if the peer closed before the first byte; `.truncated(received:)` if it
    ///   closed mid-head, mid Content-Length body or before a chunked body's last chunk; `.timeout`; `.malformed`.
    package func readResponse(requestMethod: String = "GET") throws(ClientError) -> ReceivedResponse {
        var body: [UInt8] = []
        var headBytesReceived = 0
        var headDone = false
        do throws(ClientError) {
            return try reading { (reader, deadline) throws(SocketReader.Failure) in
                let head: [UInt8]
                do throws(SocketReader.Failure) {
                    head = try reader.readHead(deadline: deadline)
                } catch .endOfStream, .reset {
                    headBytesReceived = reader.bufferedCount
                    throw .endOfStream
                }
                headDone = true
                var response = try Self.parse(head: head)
                let length = try Self.contentLength(response.headers)
                if HeadSyntax.hasNoBody(status: response.status, requestMethod: requestMethod) {
                    response.framing = .none
                } else if HeadSyntax.isChunked(response.headers) {
                    response.framing = .chunked
                    response.trailers = try reader.readChunkedBody(into: &body, deadline: deadline)
                } else if let length, HeadSyntax.value(of: "Transfer-Encoding", in: response.headers) == nil {
                    response.framing = .contentLength
                    try reader.read(length, into: &body, deadline: deadline)
                } else {
                    response.framing = .closeDelimited
                    try reader.readToEnd(into: &body, deadline: deadline)
                }
                response.body = body
                return response
            }
        } catch .closedBeforeResponse where headDone {
            throw .truncated(received: body.count)
        } catch .closedBeforeResponse where headBytesReceived > 0 {
            throw .truncated(received: headBytesReceived)
        }
    }

    /// Waits up to `duration` for an interim (1xx) response and consumes it; nil if none came in time.
    ///
    /// A final response that arrives instead stays unread for `readResponse`.
    package func readInterim(within duration: Duration = .seconds(1)) -> ReceivedResponse? {
        try? reading { (reader, _) throws(SocketReader.Failure) in
            guard let head = try reader.peekHead(deadline: .now + duration) else { return nil }
            var response = try Self.parse(head: head)
            guard response.isInterim else { return nil }
            _ = try reader.readHead(deadline: nil)
            response.framing = .none
            return response
        }
    }

    /// One-shot convenience: connects, sends a request built by `RequestBytes.make`, reads one response
    /// (skipping interim ones) and closes.
    package static func request(
        port: UInt16, method: String = "GET", target: String = "/",
        headers: [(String, String)] = [("Host", "localhost")],
        body: [UInt8]? = nil, timeout: Duration = .seconds(10)
    ) throws(ClientError) -> ReceivedResponse {
        let client = try TestClient(port: port, timeout: timeout)
        defer { client.close() }
        try client.send(RequestBytes.make(method: method, target: target, headers: headers, body: body))
        while true {
            let response = try client.readResponse(requestMethod: method)
            if !response.isInterim { return response }
        }
    }

    /// A status line and fields; the body is filled in by the caller.
    private static func parse(head: [UInt8]) throws(SocketReader.Failure) -> ReceivedResponse {
        let lines = HeadSyntax.lines(head)
        guard let statusLine = lines.first else { throw .malformed("empty head") }
        let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        let version = HeadSyntax.text(parts[0])
        guard parts.count >= 2, version.hasPrefix("HTTP/"), let status = Int(HeadSyntax.text(parts[1])) else {
            throw .malformed("bad status line \(HeadSyntax.text(statusLine).debugDescription)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let field = HeadSyntax.field(line) else {
                throw .malformed("bad header line \(HeadSyntax.text(line).debugDescription)")
            }
            headers.append(field)
        }
        return ReceivedResponse(
            status: status, reason: parts.count > 2 ? HeadSyntax.text(parts[2]) : "", version: version,
            headers: headers, body: [], trailers: [], framing: .none, rawHead: HeadSyntax.text(head))
    }

    /// The `Content-Length`, if any; conflicting or invalid values are malformed.
    private static func contentLength(_ headers: [(name: String, value: String)]) throws(SocketReader.Failure) -> Int? {
        let values = Set(
            headers.filter { $0.name.lowercased() == "content-length" }
                .flatMap { $0.value.split(separator: ",").map { $0.trimmingOWS() } })
        guard let text = values.first else { return nil }
        guard values.count == 1, let length = Int(text), length >= 0 else {
            throw .malformed("bad Content-Length \(values.sorted())")
        }
        return length
    }
}
