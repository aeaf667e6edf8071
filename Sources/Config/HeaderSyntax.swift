/// HTTP syntax checks for the header names and methods written in the configuration (RFC 9110 tokens).
enum HeaderSyntax {
    /// Whether `text` is a non-empty token: the characters allowed in header names and methods.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// Whether `text` can be sent as a header value: no line breaks or NUL that would split or end the header.
    static func isFieldValue(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }
    }

    /// Headers that describe the connection or the message framing; retryd and libcurl set them, never the config.
    static let managedByRetryd: Set<String> = [
        "connection", "content-length", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
        "upgrade",
    ]

    /// Whether a header with this name carries credentials and so must be redacted from logs.
    static func looksSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["authorization", "key", "token", "secret", "cookie", "password"].contains { lowered.contains($0) }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
