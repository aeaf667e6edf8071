/// retryd's own answer when it gives up without any upstream response to pass on.
public enum GiveUpResponse {
    /// The `Content-Type` of `detail`'s body.
    public static let contentType = "application/json"

    /// 504 for a timeout or a passed deadline, else 502 (unreachable, reset, empty reply).
    public static func status(for failure: TransportFailure, reason: GiveUpReason) -> Int {
        failure.isTimeout || reason == .deadlineExceeded ? 504 : 502
    }

    /// A JSON body naming the cause and the attempts, so a client can tell retryd's answer from the vendor's.
    /// - Parameters:
    ///   - failure: the last attempt's failure.
    ///   - reason: why retrying stopped.
    ///   - attempts: how many attempts were made.
    public static func detail(for failure: TransportFailure, reason: GiveUpReason, attempts: Int) -> String {
        let error = status(for: failure, reason: reason) == 504 ? "upstream timeout" : "upstream unreachable"
        return "{\"error\":\(TextEscaping.jsonString(error)),"
            + "\"cause\":\(TextEscaping.jsonString(failure.message)),"
            + "\"reason\":\(TextEscaping.jsonString(reason.description)),"
            + "\"attempts\":\(attempts),\"source\":\"retryd\"}"
    }
}
