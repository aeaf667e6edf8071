/// A response status line and header section, as written toward the client.
package struct ResponseHead: Sendable, Equatable {
    /// The three-digit status code.
    package var status: Int
    /// The reason phrase; informational only, never parsed by clients.
    package var reason: String
    /// The fields in order.
    package var headers: HTTPHeaders

    /// Creates a head with the standard reason phrase for `status`.
    package init(status: Int, headers: HTTPHeaders = []) {
        self.init(status: status, reason: Self.standardReason(for: status), headers: headers)
    }

    /// Creates a head with an explicit reason phrase.
    package init(status: Int, reason: String, headers: HTTPHeaders = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }
}
