import Foundation
import Journal
import Retry

/// A fresh temporary directory, removed when the value is dropped.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "retryd-journal-\(UUID().uuidString.prefix(8))"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension GiveUpReport {
    /// A report with defaults for what a test does not care about.
    static func make(
        upstream: String = "encoding", path: String = "/v1/jobs", time: Double = 1_800_000_000,
        status: Int? = 503, body: String = "busy"
    ) -> GiveUpReport {
        GiveUpReport(
            upstream: upstream, method: "POST", path: path,
            attempts: [
                .init(outcome: "503", waitedAfter: .milliseconds(250)), .init(outcome: "connection refused"),
            ],
            reason: .attemptsExhausted, requestIDs: [("X-Request-Id", "req-7")], time: time, body: Array(body.utf8),
            finalStatus: status)
    }
}
