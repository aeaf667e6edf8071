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
    /// The index of the first field named Content-Length, noted from its bytes so the end of the head finds it
    /// without comparing every name again.
    private var firstContentLength: Int?
    /// Whether more than one field is named Content-Length: the end of the head then checks them all.
    private var hasMoreContentLengths = false
    /// Whether a field is named Transfer-Encoding.
    private var hasTransferEncoding = false
    /// The loop's strings of recent field names and values; nil decodes each field afresh.
    package var fieldStrings: FieldStringCache?

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
        // Plain index arithmetic: Slice's last and dropLast were not inlined and cost 60 instructions a line.
        var end = line.count
        if end > 0 && line[end - 1] == ASCII.lineFeed { end -= 1 }
        if end > 0 && line[end - 1] == ASCII.carriageReturn { end -= 1 }
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        let splitsLine = ASCII.containsLineBreakOrNUL(bytes)

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
        firstContentLength = nil
        hasMoreContentLengths = false
        hasTransferEncoding = false
    }

    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) throws(HTTP1Error) {
        guard let space = ASCII.firstIndex(of: ASCII.space, in: line, 0..<line.count),
            Self.isKnownVersion(UnsafeRawBufferPointer(rebasing: line[..<space])),
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

    /// Whether `version` is HTTP/1.0, HTTP/1.1, HTTP/2, HTTP/2.0 or HTTP/3 (case-sensitive, as RFC 9112 §2.3 says).
    /// Compared as bytes: an array of Strings cost a lazy global and five String comparisons a response.
    static func isKnownVersion(_ version: UnsafeRawBufferPointer) -> Bool {
        guard version.count == 6 || version.count == 8,
            version[0] == UInt8(ascii: "H"), version[1] == UInt8(ascii: "T"), version[2] == UInt8(ascii: "T"),
            version[3] == UInt8(ascii: "P"), version[4] == UInt8(ascii: "/")
        else { return false }
        let major = version[5]
        if version.count == 6 { return major == UInt8(ascii: "2") || major == UInt8(ascii: "3") }
        guard version[6] == UInt8(ascii: ".") else { return false }
        let minor = version[7]
        switch major {
        case UInt8(ascii: "1"): return minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1")
        case UInt8(ascii: "2"): return minor == UInt8(ascii: "0")
        default: return false
        }
    }

    private mutating func parseField(_ line: UnsafeRawBufferPointer) throws(HTTP1Error) {
        if ASCII.isWhitespace(line[0]) {
            // obs-fold: RFC 9112 §5.2 lets a proxy replace it with SP.
            guard !head.headers.isEmpty else { throw .upstreamBadField }
            let continuation = ASCII.trimmingWhitespace(line)
            // A fold line of only whitespace adds nothing: joining it would leave a trailing SP outside the value.
            if !continuation.isEmpty { head.headers.appendToLastValue(String(decoding: continuation, as: UTF8.self)) }
            return
        }
        guard let colon = ASCII.firstIndex(of: ASCII.colon, in: line, 0..<line.count) else { throw .upstreamBadField }
        // Whitespace before the colon must be removed by a proxy (RFC 9112 §5.1) rather than forwarded.
        let name = ASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: line[..<colon]))
        guard !name.isEmpty, name.allSatisfy(ASCII.isTokenByte) else { throw .upstreamBadField }
        let value = ASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        switch name.count {
        // StaticString: a String literal would pick the generic byte-by-String comparison (1.5k instructions).
        case 14 where ASCII.equalsIgnoringCase(name, "content-length" as StaticString):
            if firstContentLength == nil {
                firstContentLength = head.headers.count
            } else {
                hasMoreContentLengths = true
            }
        case 17 where ASCII.equalsIgnoringCase(name, "transfer-encoding" as StaticString):
            hasTransferEncoding = true
        default: break
        }
        // Upstream heads carry about ten fields: one allocation instead of four regrowths.
        if head.headers.fields.capacity == 0 { head.headers.fields.reserveCapacity(16) }
        if let fieldStrings {
            head.headers.add(name: fieldStrings.string(name), value: fieldStrings.string(value))
        } else {
            head.headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
    }

    private mutating func endOfHead() throws(HTTP1Error) -> Event {
        let status = head.status
        if (100..<200).contains(status) {
            reset()
            return .interim(status: status)
        }
        // The fields were classified as they came: only a repeated Content-Length makes the head be scanned again.
        var contentLength: Int?
        if hasMoreContentLengths {
            for field in head.headers where ASCII.equalsIgnoringCase(field.name, "content-length") {
                try Self.checkContentLength(field.value, into: &contentLength)
            }
        } else if let index = firstContentLength {
            // Read from the field at the end, not from the line: an obs-fold may have extended its value.
            try Self.checkContentLength(head.headers.fields[index].value, into: &contentLength)
        }
        phase = .done
        let isChunked = hasTransferEncoding
        return .complete(head, contentLength: isChunked ? nil : contentLength, isChunked: isChunked)
    }

    /// Reads one Content-Length field into `contentLength`, which holds what earlier fields said.
    /// - Throws: `.upstreamInvalidContentLength` for an empty or non-decimal value, `.upstreamConflictingContentLength`
    ///   when it disagrees with itself or an earlier field.
    private static func checkContentLength(_ value: String, into contentLength: inout Int?) throws(HTTP1Error) {
        // Some servers repeat the value as a list ("5, 5"); identical values are harmless, different ones fatal.
        var elements = 0
        var length = contentLength
        try ASCII.forEachListElement(value) { (element) throws(HTTP1Error) in
            guard let parsed = ASCII.parseDecimal(element) else { throw .upstreamInvalidContentLength }
            guard length == nil || length == parsed else { throw .upstreamConflictingContentLength }
            length = parsed
            elements += 1
        }
        // Checked per field: an empty one beside a valid one would otherwise be forwarded on HEAD and 304.
        guard elements > 0 else { throw .upstreamInvalidContentLength }
        contentLength = length
    }
}
