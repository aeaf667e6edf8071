/// Splits HTTP/1.1 heads into lines and fields exactly as spelled on the wire.
enum HeadSyntax {
    /// The head's lines without their CRLFs, dropping the terminating empty line.
    static func lines(_ head: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = head.startIndex
        var index = head.startIndex
        while index + 1 < head.endIndex {
            if head[index] == 13, head[index + 1] == 10 {
                lines.append(head[lineStart..<index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// One `name: value` field: the name as spelled, the value without surrounding spaces and tabs.
    static func field<Line: Collection<UInt8>>(_ line: Line) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon != line.startIndex else { return nil }
        let name = text(line[..<colon])
        let value = text(line[line.index(after: colon)...]).trimmingOWS()
        return (name, value)
    }

    /// The bytes as UTF-8, or byte for byte as ISO-8859-1 when they are not valid UTF-8 (so nothing is lost).
    static func text<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// The value of the first field named `name` (case-insensitive).
    static func value(of name: String, in fields: [(name: String, value: String)]) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether a comma-separated field such as `Connection` lists `token` (case-insensitive).
    static func lists(_ token: String, in fields: [(name: String, value: String)], field name: String) -> Bool {
        fields.contains { field in
            field.name.lowercased() == name.lowercased()
                && field.value.split(separator: ",").contains { $0.trimmingOWS().lowercased() == token }
        }
    }

    /// Whether `Transfer-Encoding` ends in `chunked`, which is what frames the body.
    static func isChunked(_ fields: [(name: String, value: String)]) -> Bool {
        let codings = fields.filter { $0.name.lowercased() == "transfer-encoding" }
            .flatMap { $0.value.split(separator: ",") }
        return codings.last?.trimmingOWS().lowercased() == "chunked"
    }

    /// The standard reason phrase for `status`, or an empty one.
    static func reason(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 417: "Expectation Failed"
        case 425: "Too Early"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }

    /// Whether a response with `status` to `method` carries no body whatever its fields say (RFC 9112 §6.3).
    static func hasNoBody(status: Int, requestMethod: String) -> Bool {
        requestMethod == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and horizontal tabs (HTTP's optional whitespace).
    func trimmingOWS() -> String {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
