/// A complete error response produced by the proxy itself: JSON body {"error": code, "detail": detail} (properly
/// escaped), Content-Type: application/json, Content-Length, plus `extraHeaders`; "Connection: close" when !keepAlive.
package enum ErrorResponse {
    /// Serializes a whole response; `extraHeaders` (e.g. Retry-After) may not override the framing fields.
    package static func bytes(
        status: Int,
        code: String,
        detail: String,
        keepAlive: Bool,
        extraHeaders: HTTPHeaders = []
    ) -> [UInt8] {
        var body: [UInt8] = []
        body.append(contentsOf: #"{"error":"#.utf8)
        appendJSONString(code, into: &body)
        body.append(contentsOf: #","detail":"#.utf8)
        appendJSONString(detail, into: &body)
        body.append(UInt8(ascii: "}"))

        var headers = HTTPHeaders([("Content-Type", "application/json")])
        for field in extraHeaders where !ASCII.equalsIgnoringCase(field.name, "content-type") {
            headers.add(name: field.name, value: field.value)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + body.count)
        ResponseWriter.writeHead(
            ResponseHead(status: status, headers: headers),
            framing: .contentLength(body.count),
            clientVersion: .http11,
            keepAlive: keepAlive,
            into: &bytes
        )
        bytes.append(contentsOf: body)
        return bytes
    }

    /// The response for a parse error; it always closes, since the connection's framing can no longer be trusted.
    package static func bytes(for error: HTTP1Error) -> [UInt8] {
        bytes(status: error.status, code: error.code, detail: error.detail, keepAlive: false)
    }

    /// Appends `text` as a JSON string literal (RFC 8259 §7), quotes included.
    static func appendJSONString(_ text: String, into buffer: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
            case ASCII.lineFeed: buffer.append(contentsOf: #"\n"#.utf8)
            case ASCII.carriageReturn: buffer.append(contentsOf: #"\r"#.utf8)
            case ASCII.tab: buffer.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                buffer.append(contentsOf: #"\u00"#.utf8)
                buffer.append(hex[Int(byte >> 4)])
                buffer.append(hex[Int(byte & 0x0F)])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
