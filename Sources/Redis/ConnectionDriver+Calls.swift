import CHiredis
import Loop

extension ConnectionDriver {
    /// Sends a regular command on the current connection once it is logged in.
    /// - Parameters:
    ///   - timeout: the call fails with ``RedisError/timeout`` after this long; the connection stays up.
    ///   - completion: runs exactly once, on the loop; before this returns when the call cannot be sent.
    func send(
        _ arguments: ArgumentList, timeout: Duration,
        completion: @escaping (Result<RedisValue, RedisError>) -> Void
    ) {
        guard isReady, let connection else {
            completion(.failure(.notConnected))
            return
        }
        send(arguments, timeout: timeout, on: connection, completion: completion)
    }

    /// Sends a command on `connection` whatever the phase (the handshake uses this before the client is ready).
    func send(
        _ arguments: ArgumentList, timeout: Duration, on connection: HiredisConnection,
        completion: @escaping (Result<RedisValue, RedisError>) -> Void
    ) {
        let timeoutNanoseconds = max(timeout.nanoseconds, 0)
        let call = PendingCall(
            completion: completion, sentAt: loop.now,
            silenceLimit: max(options.unresponsiveAfter.nanoseconds, timeoutNanoseconds))
        let privdata = Unmanaged.passRetained(call).toOpaque()
        guard connection.send(arguments, callback: hiredisReplyCallback, privdata: privdata) else {
            Unmanaged<PendingCall>.fromOpaque(privdata).release()
            completion(.failure(.notConnected))
            return
        }
        let timer = LoopTimer { [unowned call] in call.complete(.failure(.timeout)) }
        call.timer = timer
        loop.schedule(timer, at: call.sentAt &+ timeoutNanoseconds)
        inFlight.append(call)
        if inFlight.count == 1 { loop.schedule(watchdog, at: call.silenceDeadline) }
    }

    /// Sends a (P)SUBSCRIBE or UNSUBSCRIBE whose replies arrive through ``onSubscriptionReply``; false when not
    /// connected (a subscriber subscribes again on every connect).
    func sendSubscription(_ arguments: ArgumentList) -> Bool {
        guard isReady, let connection else { return false }
        return connection.send(arguments, callback: hiredisSubscriptionCallback, privdata: nil)
    }

    /// Calls sent and not yet answered, timed-out ones included.
    var inFlightCount: Int { inFlight.count }

    func connection(
        _ connection: HiredisConnection, didAnswer call: PendingCall, with result: Result<RedisValue, RedisError>
    ) {
        if let timer = call.timer { loop.cancel(timer) }
        inFlight.remove(call)
        // Any reply proves the connection alive: the watchdog now watches the next oldest call, if any.
        if let oldest = inFlight.first {
            loop.schedule(watchdog, at: oldest.silenceDeadline)
        } else {
            loop.cancel(watchdog)
        }
        guard call.completion != nil else { return }
        gate.later { call.complete(result) }
    }
}
