/// Where each finished exchange's access-log line goes, when the executable installs a writer: the line is written
/// from these fields straight into the log's batch, without a swift-log message, metadata dictionary or event.
///
/// Without one, the proxy logs the same line through its `Logger` (tests read it there).
package protocol AccessLog: AnyObject, Sendable {
    /// Writes one line: `METHOD PATH STATUS BYTES MSms` with the `attempts` and `upstream` fields, at info level.
    func record(_ entry: AccessEntry)
}

/// The fields of one access-log line.
package struct AccessEntry: Sendable {
    /// The request's method.
    package var method: String
    /// The request's path, without its query (which often carries keys).
    package var path: Substring
    /// The status the client got (499 when it left first).
    package var status: Int
    /// Response body bytes delivered to the client.
    package var bytes: Int
    /// Milliseconds from the request head to the end of the answer, in tenths.
    package var tenthsOfMilliseconds: Int
    /// Attempts sent upstream.
    package var attempts: Int
    /// The upstream's configured name.
    package var upstream: String

    /// Creates an entry.
    package init(
        method: String, path: Substring, status: Int, bytes: Int, tenthsOfMilliseconds: Int, attempts: Int,
        upstream: String
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.bytes = bytes
        self.tenthsOfMilliseconds = tenthsOfMilliseconds
        self.attempts = attempts
        self.upstream = upstream
    }

    /// `GET /v1/jobs/7 200 90 1.2ms`: the message part of the line.
    package var message: String {
        "\(method) \(path) \(status) \(bytes) \(tenthsOfMilliseconds / 10).\(tenthsOfMilliseconds % 10)ms"
    }
}
