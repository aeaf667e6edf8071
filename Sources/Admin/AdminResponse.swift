import FoundationEssentials
import HTTP1

/// A complete admin response: status, content type and body, built before anything is written.
package struct AdminResponse: Sendable, Equatable {
    /// The status code.
    package var status: Int
    /// Fields besides the framing ones (Content-Type first).
    package var headers: HTTPHeaders
    /// The whole body (left off the wire for HEAD, though its length is still announced).
    package var body: [UInt8]

    /// The Prometheus text exposition format's media type.
    package static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates a response.
    package init(status: Int, contentType: String, body: [UInt8], extraHeaders: HTTPHeaders = []) {
        self.status = status
        headers = [("Content-Type", contentType), ("Cache-Control", "no-store")]
        for field in extraHeaders { headers.add(name: field.name, value: field.value) }
        self.body = body
    }

    /// A JSON response from `value`, keys in snake_case and sorted so the output is stable.
    package static func json(status: Int, _ value: some Encodable, extraHeaders: HTTPHeaders = []) -> AdminResponse {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail; an empty object beats crashing the daemon.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var body = [UInt8](data)
        body.append(UInt8(ascii: "\n"))
        return AdminResponse(status: status, contentType: "application/json", body: body, extraHeaders: extraHeaders)
    }

    /// `{"error": code, "detail": detail}`, the shape of every error retryd itself produces.
    package static func error(
        status: Int, code: String, detail: String, extraHeaders: HTTPHeaders = []
    ) -> AdminResponse {
        json(status: status, ["error": code, "detail": detail], extraHeaders: extraHeaders)
    }
}
