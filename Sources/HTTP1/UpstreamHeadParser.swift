/// Assembles an upstream response head from the raw lines libcurl's header callback delivers, skipping interim 1xx
/// heads. Lenient where vendors are sloppy (obs-fold, whitespace before colon, LF-only lines, HTTP/2 status lines) but
/// never lets a byte through that could split the response it becomes.
package struct UpstreamHeadParser: Sendable {
    /// What one fed line completed.
    package enum Event: Sendable, Equatable {
        /// More lines are needed.
        case incomplete
        /// An interim 1xx head ended; the final head follows.
        case interim(status: Int)
        /// The final head ended. `contentLength` is nil when absent or when Transfer-Encoding overrides it
        /// (RFC 9112 §6.3); `isChunked` says Transfer-Encoding was present.
        case complete(ResponseHead, contentLength: Int?, isChunked: Bool)
    }

    private enum Phase: Sendable {
        case statusLine
        case fields
        case done
    }

    private let maxHeaderBytes: Int
    private var phase = Phase.statusLine
    private var headBytes = 0
    private var head = ResponseHead(status: 0, reason: "")

    /// Creates a parser; `maxHeaderBytes` bounds each head, interim ones separately.
    package init(maxHeaderBytes: Int = 64 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Feed one line. Malformed status line, bad field lines or oversized heads throw (the proxy answers 502).
    /// Lines after `.complete` (libcurl also reports chunked trailers this way) are ignored until `reset()`.
    package mutating func feed(line: UnsafeRawBufferPointer) throws(HTTP1Error) -> Event {
        if phase == .done { return .incomplete }
        headBytes += line.count
        guard headBytes <= maxHeaderBytes else { throw .upstreamHeadTooLarge }
        var content = line[...]
        if content.last == ASCII.lineFeed { content = content.dropLast() }
        if content.last == ASCII.carriageReturn { content = content.dropLast() }
        let bytes = UnsafeRawBufferPointer(rebasing: content)
        let splitsLine = bytes.contains { $0 == ASCII.carriageReturn || $0 == ASCII.lineFeed || $0 == 0 }

        switch phase {
        case .statusLine:
            guard !splitsLine else { throw .upstreamBadStatusLine }
            try parseStatusLine(bytes)
            phase = .fields
            return .incomplete
        case .fields:
            guard !splitsLine else { throw .upstreamBadField }
            if bytes.isEmpty { return try endOfHead() }
            try parseField(bytes)
            return .incomplete
        case .done:
            return .incomplete
        }
    }

    /// Whether some of a head has arrived but not its end: a connection closing now cut the head off.
    package var isInsideHead: Bool { headBytes > 0 && phase != .done }

    /// Forgets everything, ready for the response to another attempt.
    package mutating func reset() {
        phase = .statusLine
        headBytes = 0
        head = ResponseHead(status: 0, reason: "")
    }

    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) throws(HTTP1Error) {
        guard let space = line.firstIndex(of: ASCII.space),
            Self.knownVersions.contains(where: { line[..<space].elementsEqual($0.utf8) }),
            line.count >= space + 4,
            line[(space + 1)..<(space + 4)].allSatisfy(ASCII.isDigit),
            line.count == space + 4 || line[space + 4] == ASCII.space,
            let status = ASCII.parseDecimal(UnsafeRawBufferPointer(rebasing: line[(space + 1)..<(space + 4)])),
            (100..<600).contains(status)
        else { throw .upstreamBadStatusLine }
        let reasonStart = min(space + 5, line.count)
        let reason = String(decoding: line[reasonStart...], as: UTF8.self)
        // curl reports "HTTP/2 200" without a phrase; the client still deserves one on its HTTP/1.1 status line.
        head.status = status
        head.reason = reason.isEmpty ? ResponseHead.standardReason(for: status) : reason
    }

    private static let knownVersions = ["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0", "HTTP/3"]

    private mutating func parseField(_ line: UnsafeRawBufferPointer) throws(HTTP1Error) {
        if ASCII.isWhitespace(line[0]) {
            // obs-fold: RFC 9112 §5.2 lets a proxy replace it with SP.
            guard !head.headers.isEmpty else { throw .upstreamBadField }
            let continuation = ASCII.trimmingWhitespace(line)
            // A fold line of only whitespace adds nothing: joining it would leave a trailing SP outside the value.
            if !continuation.isEmpty { head.headers.appendToLastValue(String(decoding: continuation, as: UTF8.self)) }
            return
        }
        guard let colon = line.firstIndex(of: ASCII.colon) else { throw .upstreamBadField }
        // Whitespace before the colon must be removed by a proxy (RFC 9112 §5.1) rather than forwarded.
        let name = ASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: line[..<colon]))
        guard !name.isEmpty, name.allSatisfy(ASCII.isTokenByte) else { throw .upstreamBadField }
        let value = ASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        head.headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    private mutating func endOfHead() throws(HTTP1Error) -> Event {
        let status = head.status
        if (100..<200).contains(status) {
            reset()
            return .interim(status: status)
        }
        // One pass over the fields: this runs for every upstream response.
        var contentLength: Int?
        var isChunked = false
        for field in head.headers {
            if ASCII.equalsIgnoringCase(field.name, "content-length") {
                // Some servers repeat the value as a list ("5, 5"); identical values are harmless, different ones
                // fatal.
                var elements = 0
                try ASCII.forEachListElement(field.value) { (element) throws(HTTP1Error) in
                    guard let length = ASCII.parseDecimal(element) else { throw .upstreamInvalidContentLength }
                    guard contentLength == nil || contentLength == length else {
                        throw .upstreamConflictingContentLength
                    }
                    contentLength = length
                    elements += 1
                }
                // Checked per field: an empty one beside a valid one would otherwise be forwarded on HEAD and 304.
                guard elements > 0 else { throw .upstreamInvalidContentLength }
            } else if ASCII.equalsIgnoringCase(field.name, "transfer-encoding") {
                isChunked = true
            }
        }
        phase = .done
        return .complete(head, contentLength: isChunked ? nil : contentLength, isChunked: isChunked)
    }
}
