/// The strict syntax of one request field line (RFC 9112 §5), shared by the header section and chunked trailers.
struct FieldLine {
    /// The field name bytes, a non-empty token.
    var name: UnsafeRawBufferPointer
    /// The field value bytes with surrounding OWS removed.
    var value: UnsafeRawBufferPointer
    /// Whether the value holds obs-text, which must then be valid UTF-8 to become a String unchanged.
    var valueHasNonASCII: Bool

    /// Splits `line` (CRLF already removed and checked) into name and value.
    init(_ line: UnsafeRawBufferPointer) throws(HTTP1Error) {
        guard let firstByte = line.first else { throw .invalidHeaderName }
        if ASCII.isWhitespace(firstByte) { throw .obsoleteLineFolding }

        var colon = 0
        while colon < line.count, ASCII.isTokenByte(line[colon]) { colon += 1 }
        guard colon < line.count, colon > 0 else { throw .invalidHeaderName }
        if ASCII.isWhitespace(line[colon]) {
            // "Name : value" is a known smuggling vector (RFC 9112 §5.1 says reject), but "Na me: x" is just a bad name.
            var next = colon
            while next < line.count, ASCII.isWhitespace(line[next]) { next += 1 }
            throw next < line.count && line[next] == ASCII.colon ? .whitespaceBeforeColon : .invalidHeaderName
        }
        guard line[colon] == ASCII.colon else { throw .invalidHeaderName }

        name = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        value = ASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        var nonASCII = false
        for byte in value {
            if ASCII.isForbiddenInValue(byte) { throw .invalidHeaderValue }
            if byte >= 0x80 { nonASCII = true }
        }
        valueHasNonASCII = nonASCII
    }

    /// The name as a String; tokens are ASCII so decoding cannot alter it.
    var nameString: String {
        ASCII.string(fromASCII: name)
    }

    /// The value as a String, refusing obs-text that is not UTF-8 because decoding would change the forwarded bytes.
    func valueString() throws(HTTP1Error) -> String {
        guard valueHasNonASCII else { return ASCII.string(fromASCII: value) }
        guard let string = String(validating: value, as: UTF8.self) else { throw .invalidHeaderValue }
        return string
    }
}
