/// retryd's own answer when it gives up without any upstream response to pass on.
package enum GiveUpResponse {
    /// 504 for a timeout or a passed deadline, else 502 (unreachable, reset, empty reply).
    package static func status(for failure: TransportFailure, reason: GiveUpReason) -> Int {
        failure.isTimeout || reason == .deadlineExceeded ? 504 : 502
    }

    /// The JSON body's `error` code: `upstream_timeout`, `bad_upstream_response` or `upstream_unreachable`, matching
    /// ``status(for:reason:)``.
    package static func code(for failure: TransportFailure, reason: GiveUpReason) -> String {
        if status(for: failure, reason: reason) == 504 { return "upstream_timeout" }
        return failure.isBadResponse ? "bad_upstream_response" : "upstream_unreachable"
    }

    /// The JSON body's `detail`: the cause and the attempts made, so a client can tell retryd's answer from the
    /// vendor's, e.g. "Connection refused; gave up after 3 attempts: attempts exhausted".
    /// - Parameters:
    ///   - failure: the last attempt's failure.
    ///   - reason: why retrying stopped.
    ///   - attempts: how many attempts were made.
    package static func detail(for failure: TransportFailure, reason: GiveUpReason, attempts: Int) -> String {
        "\(failure.message); gave up after \(attempts) \(attempts == 1 ? "attempt" : "attempts"): \(reason)"
    }
}
