/// The strict syntax of a request line (RFC 9112 §3): `method SP request-target SP HTTP-version`.
struct RequestLine {
    var method: String
    var target: String
    var version: HTTPVersion

    /// Parses `line` (CRLF already removed and checked).
    init(_ line: UnsafeRawBufferPointer, limits: HTTP1Limits) throws(HTTP1Error) {
        guard let firstSpace = ASCII.firstIndex(of: ASCII.space, in: line, 0..<line.count), firstSpace > 0 else {
            throw .badRequestLine
        }
        guard let secondSpace = ASCII.firstIndex(of: ASCII.space, in: line, (firstSpace + 1)..<line.count),
            secondSpace > firstSpace + 1, secondSpace + 1 < line.count,
            ASCII.firstIndex(of: ASCII.space, in: line, (secondSpace + 1)..<line.count) == nil
        else { throw .badRequestLine }

        let methodBytes = UnsafeRawBufferPointer(rebasing: line[0..<firstSpace])
        let targetBytes = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...])

        guard methodBytes.allSatisfy(ASCII.isTokenByte) else { throw .invalidMethod }
        guard methodBytes.count <= limits.maxMethodBytes else { throw .methodTooLong }
        guard targetBytes.count <= limits.maxRequestTargetBytes else { throw .requestTargetTooLong }
        version = try Self.parseVersion(versionBytes)
        guard targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .invalidRequestTarget }
        try Self.checkForm(of: targetBytes, method: methodBytes)

        // Both are ASCII: the method is a token and the target's bytes were checked above.
        method = ASCII.string(fromASCII: methodBytes)
        target = ASCII.string(fromASCII: targetBytes)
    }

    private static let http11 = ASCII.word("HTTP/1.1")

    private static func parseVersion(_ bytes: UnsafeRawBufferPointer) throws(HTTP1Error) -> HTTPVersion {
        // Nearly every request says "HTTP/1.1": one compare, where the generic checks below cost ~280 instructions.
        if ASCII.equals(bytes, eightBytes: http11) { return .http11 }
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), ASCII.isDigit(bytes[5]),
            bytes[6] == UInt8(ascii: "."), ASCII.isDigit(bytes[7])
        else { throw .invalidVersion }
        switch (bytes[5], bytes[7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http11
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http10
        default: throw .unsupportedVersion
        }
    }

    /// Accepts origin-form and absolute-form for any method, asterisk-form for OPTIONS, authority-form for CONNECT.
    private static func checkForm(
        of target: UnsafeRawBufferPointer,
        method: UnsafeRawBufferPointer
    ) throws(HTTP1Error) {
        if target[0] == UInt8(ascii: "/") { return }
        if target.count == 1, target[0] == UInt8(ascii: "*") {
            guard method.elementsEqual("OPTIONS".utf8) else { throw .invalidRequestTarget }
            return
        }
        if method.elementsEqual("CONNECT".utf8) { return }
        // absolute-form: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://".
        guard let colon = target.firstIndex(of: ASCII.colon), colon > 0,
            ASCII.lowercased(target[0]) &- UInt8(ascii: "a") < 26,
            target[0..<colon].allSatisfy(isSchemeByte),
            target[colon...].starts(with: "://".utf8)
        else { throw .invalidRequestTarget }
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        ASCII.lowercased(byte) &- UInt8(ascii: "a") < 26 || ASCII.isDigit(byte) || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}

/// Watches a request line as it arrives so an oversized method or target is refused before the line is complete
/// (and before the header section limit, which would answer 431 for what is a 501 or a 414).
struct RequestLineProgress {
    private var spaces = 0
    private var methodBytes = 0
    private var methodIsToken = true
    private var targetBytes = 0

    /// Accounts for the next bytes of the request line.
    mutating func advance(over bytes: UnsafeRawBufferPointer, limits: HTTP1Limits) throws(HTTP1Error) {
        var index = 0
        while spaces < 2 {
            let space = ASCII.firstIndex(of: ASCII.space, in: bytes, index..<bytes.count)
            let count = (space ?? bytes.count) - index
            if spaces == 0 {
                // Only the bytes up to the first one past the limit decide 400 or 501, so that the answer is the same
                // whether the line arrives whole or a byte at a time.
                let judged = min(count, max(0, limits.maxMethodBytes + 1 - methodBytes))
                if methodIsToken { methodIsToken = bytes[index..<(index + judged)].allSatisfy(ASCII.isTokenByte) }
                methodBytes += count
            } else {
                targetBytes += count
            }
            guard let space else { break }
            spaces += 1
            index = space + 1
        }
        // A method that is not a token is malformed (400); only a plausible one is "not implemented" (501).
        if methodBytes > limits.maxMethodBytes { throw methodIsToken ? .methodTooLong : .invalidMethod }
        if targetBytes > limits.maxRequestTargetBytes { throw .requestTargetTooLong }
    }
}
