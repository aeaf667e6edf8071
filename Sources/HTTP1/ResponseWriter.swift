/// Serializes responses toward the client: framing decisions, heads and chunk framing.
package enum ResponseWriter {
    /// How to frame a response body toward the client: none for HEAD requests, 1xx, 204, 304; Content-Length when the
    /// upstream gave one (pass nil when it also sent Transfer-Encoding); chunked for HTTP/1.1 clients otherwise;
    /// close-delimited for HTTP/1.0 clients.
    package static func framing(
        requestMethod: String,
        clientVersion: HTTPVersion,
        status: Int,
        contentLength: Int?
    ) -> ResponseFraming {
        if requestMethod == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304 { return .none }
        if let contentLength { return .contentLength(contentLength) }
        return clientVersion == .http11 ? .chunked : .closeDelimited
    }

    /// Serializes "HTTP/1.1 <status> <reason>\r\n", the headers in order except Content-Length, Transfer-Encoding and
    /// Connection (which it writes itself from `framing` and `keepAlive`; for .none it keeps the upstream's
    /// Content-Length when present, e.g. HEAD/304, except on 1xx/204 where RFC 9110 §8.6 forbids it), then
    /// "Connection: close" when !keepAlive or close-delimited, or "Connection: keep-alive" for an HTTP/1.0 client that
    /// keeps the connection, then CRLF. Appends to `buffer`.
    ///
    /// Fields whose name is not a token are skipped and CR, LF and NUL in values become SP, so nothing that reaches
    /// here can split the response.
    package static func writeHead(
        _ head: ResponseHead,
        framing: ResponseFraming,
        clientVersion: HTTPVersion,
        keepAlive: Bool,
        into buffer: inout [UInt8]
    ) {
        // One pass to size, one to write: every piece goes to memory sized once (on the stack for any usual head),
        // then the whole head is one append, instead of an append with its capacity check per piece.
        var bound = fixedHeadBound + head.reason.utf8.count
        for field in head.headers.fields { bound += field.name.utf8.count + field.value.utf8.count + 4 }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { memory in
            var writer = HeadWriter(memory)
            writeHead(head, framing: framing, clientVersion: clientVersion, keepAlive: keepAlive, into: &writer)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: memory[..<writer.count]))
        }
    }

    /// The bytes of a head beyond its reason and upstream fields, at most: "HTTP/1.1 ", a status, SP and CRLF; the
    /// longest framing field ("Content-Length: " with a length, CRLF); "Connection: keep-alive" CRLF; the last CRLF.
    static var fixedHeadBound: Int { 9 + HeadWriter.maxDecimalCount + 3 + 16 + HeadWriter.maxDecimalCount + 2 + 24 + 2 }

    private static func writeHead(
        _ head: ResponseHead,
        framing: ResponseFraming,
        clientVersion: HTTPVersion,
        keepAlive: Bool,
        into writer: inout HeadWriter
    ) {
        writer.write("HTTP/1.1 ")
        writer.writeDecimal(head.status)
        writer.write(ASCII.space)
        writer.writeSanitized(head.reason)
        writer.writeCRLF()

        let keepsUpstreamLength = framing == .none && !(100..<200).contains(head.status) && head.status != 204
        var wroteLength = false
        for field in head.headers.fields {
            let start = writer.count
            guard writer.writeToken(field.name) else { continue }
            // The length picks the one name a field could be, so most fields are passed without comparing a byte.
            let name = UnsafeRawBufferPointer(rebasing: writer.written[start...])
            switch name.count {
            case 14 where ASCII.equalsIgnoringCase(name, "content-length" as StaticString):
                guard keepsUpstreamLength, !wroteLength else {
                    writer.rewind(to: start)
                    continue
                }
                wroteLength = true
            case 17 where ASCII.equalsIgnoringCase(name, "transfer-encoding" as StaticString),
                10 where ASCII.equalsIgnoringCase(name, "connection" as StaticString):
                writer.rewind(to: start)
                continue
            default:
                break
            }
            writer.write(ASCII.colon)
            writer.write(ASCII.space)
            writer.writeSanitized(field.value)
            writer.writeCRLF()
        }

        switch framing {
        case .contentLength(let length):
            writer.write("Content-Length: ")
            writer.writeDecimal(length)
            writer.writeCRLF()
        case .chunked:
            writer.write("Transfer-Encoding: chunked\r\n")
        case .none, .closeDelimited:
            break
        }
        if !keepAlive || framing == .closeDelimited {
            writer.write("Connection: close\r\n")
        } else if clientVersion == .http10 {
            writer.write("Connection: keep-alive\r\n")
        }
        writer.writeCRLF()
    }

    /// Appends "<hex>\r\n" for a chunk of `count` bytes; `count` must be positive since 0 would end the body.
    package static func writeChunkPrefix(count: Int, into buffer: inout [UInt8]) {
        precondition(count > 0, "a zero-length chunk is the last-chunk; write ResponseWriter.lastChunk instead")
        buffer.append(contentsOf: String(count, radix: 16).utf8)
        buffer.append(contentsOf: crlf)
    }

    /// The CRLF that follows each chunk's data.
    package static let chunkSuffix: [UInt8] = Array("\r\n".utf8)
    /// The last-chunk with an empty trailer section.
    package static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    /// The interim response sent to a client that asked for "Expect: 100-continue".
    package static let continue100: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// A forward proxy's answer to an accepted CONNECT: no fields, since what follows belongs to the tunnel.
    package static let connectionEstablished: [UInt8] = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)

    static let crlf: [UInt8] = [ASCII.carriageReturn, ASCII.lineFeed]
}
