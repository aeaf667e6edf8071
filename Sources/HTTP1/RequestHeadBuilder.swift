/// Accumulates one request head line by line and applies the framing rules of RFC 9112 §6 when it is complete.
struct RequestHeadBuilder {
    var method = ""
    var target = ""
    var version = HTTPVersion.http11
    var headers = HTTPHeaders()

    private var hostCount = 0
    private var hostIsEmpty = false
    private var contentLength: Int?
    private var sawTransferEncoding = false
    private var codingCount = 0
    private var chunkedCount = 0
    private var finalCodingIsChunked = false
    private var sawUnknownCoding = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var expectContinue = false

    /// Validates one field line, records what framing needs from it, and keeps it.
    mutating func addField(_ line: UnsafeRawBufferPointer) throws(HTTP1Error) {
        let field = try FieldLine(line)
        try noteFramingField(name: field.name, value: field.value)
        // Typical requests carry 5–15 fields; one allocation instead of four regrowths.
        if headers.fields.capacity == 0 { headers.fields.reserveCapacity(16) }
        headers.fields.append((name: field.nameString, value: try field.valueString()))
    }

    /// Records what the framing rules need from a Host, Content-Length, Transfer-Encoding, Connection or Expect field.
    /// The names are StaticStrings: a bare literal picks the String overload, ~500 instructions per comparison.
    private mutating func noteFramingField(
        name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer
    ) throws(HTTP1Error) {
        if ASCII.equalsIgnoringCase(name, "host" as StaticString) {
            hostCount += 1
            guard hostCount == 1 else { throw .duplicateHost }
            guard value.allSatisfy(Self.isHostByte) else { throw .invalidHost }
            hostIsEmpty = value.isEmpty
        } else if ASCII.equalsIgnoringCase(name, "content-length" as StaticString) {
            guard contentLength == nil else { throw .duplicateContentLength }
            guard let length = ASCII.parseDecimal(value) else { throw .invalidContentLength }
            contentLength = length
        } else if ASCII.equalsIgnoringCase(name, "transfer-encoding" as StaticString) {
            sawTransferEncoding = true
            try ASCII.forEachListElement(value) { (coding) throws(HTTP1Error) in try noteTransferCoding(coding) }
        } else if ASCII.equalsIgnoringCase(name, "connection" as StaticString) {
            ASCII.forEachListElement(value) { option in
                if ASCII.equalsIgnoringCase(option, "close" as StaticString) { connectionClose = true }
                if ASCII.equalsIgnoringCase(option, "keep-alive" as StaticString) { connectionKeepAlive = true }
            }
        } else if ASCII.equalsIgnoringCase(name, "expect" as StaticString) {
            ASCII.forEachListElement(value) { expectation in
                if ASCII.equalsIgnoringCase(expectation, "100-continue" as StaticString) { expectContinue = true }
            }
        }
    }

    private mutating func noteTransferCoding(_ element: UnsafeRawBufferPointer) throws(HTTP1Error) {
        var end = 0
        while end < element.count, ASCII.isTokenByte(element[end]) { end += 1 }
        guard end > 0 else { throw .invalidTransferEncoding }
        let coding = UnsafeRawBufferPointer(rebasing: element[0..<end])
        let rest = ASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: element[end...]))
        // Anything after the name must be parameters; "chunked" takes none (RFC 9112 §7).
        guard rest.isEmpty || rest[0] == ASCII.semicolon else { throw .invalidTransferEncoding }
        codingCount += 1
        if ASCII.equalsIgnoringCase(coding, "chunked" as StaticString) {
            guard rest.isEmpty else { throw .invalidTransferEncoding }
            chunkedCount += 1
            finalCodingIsChunked = true
        } else {
            sawUnknownCoding = true
            finalCodingIsChunked = false
        }
    }

    /// Checks the head as a whole and decides the body framing.
    func finish(limits: HTTP1Limits) throws(HTTP1Error) -> RequestHead {
        if version == .http11, hostCount == 0 { throw .missingHost }
        // An absolute-form target carries its own authority, and a proxy ignores Host then (RFC 9112 §3.2.2).
        if hostIsEmpty, target.utf8.first == UInt8(ascii: "/") || target == "*" { throw .emptyHost }
        let framing: BodyFraming
        if sawTransferEncoding {
            // HTTP/1.0 peers may not understand chunked, so a TE there is either confusion or an attack.
            guard version == .http11 else { throw .transferEncodingInHTTP10 }
            guard contentLength == nil else { throw .contentLengthWithTransferEncoding }
            guard codingCount > 0 else { throw .invalidTransferEncoding }
            guard finalCodingIsChunked else { throw .chunkedNotFinal }
            guard chunkedCount == 1 else { throw .chunkedTwice }
            guard !sawUnknownCoding else { throw .unknownTransferCoding }
            framing = .chunked
        } else if let contentLength {
            guard contentLength <= limits.maxBodyBytes else { throw .bodyTooLarge }
            framing = .contentLength(contentLength)
        } else {
            framing = .none
        }
        let keepAlive = version == .http11 ? !connectionClose : connectionKeepAlive && !connectionClose
        return RequestHead(
            method: method,
            target: target,
            version: version,
            headers: headers,
            framing: framing,
            keepAlive: keepAlive,
            expectsContinue: version == .http11 && expectContinue
        )
    }

    /// uri-host and port bytes (RFC 3986 reg-name, IP-literal, pct-encoded); rules out "/", "@", "?" and whitespace.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}
