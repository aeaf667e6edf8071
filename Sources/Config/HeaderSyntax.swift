import HTTP1

/// HTTP syntax checks for the header names and methods written in the configuration (RFC 9110 tokens).
enum HeaderSyntax {
    /// Whether `text` is a non-empty token: the characters allowed in header names and methods.
    static func isToken(_ text: String) -> Bool {
        HTTPHeaders.isToken(text)
    }

    /// Whether `text` can be sent as a header value: no line breaks or NUL that would split or end the header.
    static func isFieldValue(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }
    }
}
