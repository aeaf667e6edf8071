import Loop

/// One command sent to hiredis and not yet answered.
///
/// hiredis holds it (retained, as the callback's private data) until its reply callback runs, which it always
/// does: with the reply, or with no reply when the connection is freed. A call that timed out stays queued with
/// no completion until then, because replies come in order and its reply is still on the way.
final class PendingCall {
    /// Cleared once the caller has been told (reply, timeout, or failure), so it is told exactly once.
    var completion: ((Result<RedisValue, RedisError>) -> Void)?
    /// When it was sent, in loop-monotonic nanoseconds.
    let sentAt: Int64
    /// How long the connection may stay silent while this call is the oldest unanswered one.
    let silenceLimit: Int64
    /// Fires the call's own timeout.
    var timer: LoopTimer?

    init(completion: @escaping (Result<RedisValue, RedisError>) -> Void, sentAt: Int64, silenceLimit: Int64) {
        self.completion = completion
        self.sentAt = sentAt
        self.silenceLimit = silenceLimit
    }

    /// The moment the connection counts as dead if this call is still the oldest unanswered one.
    var silenceDeadline: Int64 { sentAt &+ silenceLimit }

    /// Tells the caller `result` unless it was already told.
    func complete(_ result: Result<RedisValue, RedisError>) {
        guard let completion else { return }
        self.completion = nil
        completion(result)
    }
}
