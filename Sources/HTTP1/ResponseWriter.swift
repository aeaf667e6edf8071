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
        buffer.append(contentsOf: statusLinePrefix)
        appendBytes(of: String(head.status), into: &buffer)
        buffer.append(ASCII.space)
        appendSanitized(head.reason, into: &buffer)
        buffer.append(contentsOf: crlf)

        let keepsUpstreamLength = framing == .none && !(100..<200).contains(head.status) && head.status != 204
        var wroteLength = false
        for field in head.headers where field.name.utf8.allSatisfy(ASCII.isTokenByte) && !field.name.isEmpty {
            // The length picks the one name a field could be, so most fields are passed without comparing a byte.
            switch field.name.utf8.count {
            case 14 where ASCII.equalsIgnoringCase(field.name, "content-length"):
                guard keepsUpstreamLength, !wroteLength else { continue }
                wroteLength = true
            case 17 where ASCII.equalsIgnoringCase(field.name, "transfer-encoding"),
                10 where ASCII.equalsIgnoringCase(field.name, "connection"):
                continue
            default:
                break
            }
            appendField(field.name, field.value, into: &buffer)
        }

        switch framing {
        case .contentLength(let length): appendField("Content-Length", String(length), into: &buffer)
        case .chunked: appendField("Transfer-Encoding", "chunked", into: &buffer)
        case .none, .closeDelimited: break
        }
        if !keepAlive || framing == .closeDelimited {
            appendField("Connection", "close", into: &buffer)
        } else if clientVersion == .http10 {
            appendField("Connection", "keep-alive", into: &buffer)
        }
        buffer.append(contentsOf: crlf)
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

    static let crlf: [UInt8] = [ASCII.carriageReturn, ASCII.lineFeed]
    static let statusLinePrefix: [UInt8] = Array("HTTP/1.1 ".utf8)

    static func appendField(_ name: String, _ value: String, into buffer: inout [UInt8]) {
        appendBytes(of: name, into: &buffer)
        buffer.append(ASCII.colon)
        buffer.append(ASCII.space)
        appendSanitized(value, into: &buffer)
        buffer.append(contentsOf: crlf)
    }

    static func appendSanitized(_ text: String, into buffer: inout [UInt8]) {
        // Every upstream value passes through here; nearly all are clean and go in as one copy.
        let clean =
            text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: splitsLine) }
            ?? !text.utf8.contains(where: splitsLine)
        if clean {
            appendBytes(of: text, into: &buffer)
            return
        }
        for byte in text.utf8 { buffer.append(splitsLine(byte) ? ASCII.space : byte) }
    }

    /// CR, LF and NUL: bytes that could end a header line early or end the head.
    private static func splitsLine(_ byte: UInt8) -> Bool {
        byte == ASCII.carriageReturn || byte == ASCII.lineFeed || byte == 0
    }

    /// Appends a string's UTF-8 bytes, as one copy from its storage when it has contiguous storage (every string
    /// the parsers make does); `append(contentsOf: text.utf8)` walks the view a byte at a time.
    static func appendBytes(of text: String, into buffer: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil {
            buffer.append(contentsOf: text.utf8)
        }
    }
}
