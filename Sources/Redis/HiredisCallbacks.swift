import CHiredis

// The C functions hiredis calls. Their context arrives through `Unmanaged`: the hooks' `privdata` and the
// context's `data` are the ``HiredisConnection`` (unretained: it frees the context before it goes away); a
// regular command's `privdata` is its ``PendingCall``, retained until this one callback for it.

private func connection(_ data: UnsafeMutableRawPointer?) -> HiredisConnection? {
    data.map { Unmanaged<HiredisConnection>.fromOpaque($0).takeUnretainedValue() }
}

let hiredisAddRead: chiredis_hook = { connection($0)?.want(.readable, true) }
let hiredisDelRead: chiredis_hook = { connection($0)?.want(.readable, false) }
let hiredisAddWrite: chiredis_hook = { connection($0)?.want(.writable, true) }
let hiredisDelWrite: chiredis_hook = { connection($0)?.want(.writable, false) }
let hiredisCleanup: chiredis_hook = { connection($0)?.hiredisWillFree() }

/// Only success is handled here: a failed connect is freed by hiredis right after, which the cleanup hook reports.
let hiredisConnectCallback: chiredis_connect_fn = { context, status in
    guard status == REDIS_OK, let context else { return }
    connection(context.pointee.data)?.hiredisDidConnect()
}

/// A regular command's reply; `reply` is nil when the connection is freed before it came.
let hiredisReplyCallback: chiredis_reply_fn = { context, reply, privdata in
    guard let privdata else { return }
    let call = Unmanaged<PendingCall>.fromOpaque(privdata).takeRetainedValue()
    guard let connection = connection(context?.pointee.data) else { return }
    let result: Result<RedisValue, RedisError> =
        if let reply {
            RedisValue.result(of: reply.assumingMemoryBound(to: redisReply.self))
        } else {
            .failure(connection.lossError())
        }
    connection.owner?.connection(connection, didAnswer: call, with: result)
}

/// Every reply on a subscribed channel: its confirmations and its messages. hiredis keeps this callback for the
/// channel until the connection is freed, so it carries no private data of its own.
let hiredisSubscriptionCallback: chiredis_reply_fn = { context, reply, _ in
    guard let reply, let connection = connection(context?.pointee.data) else { return }
    guard let value = try? RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self)) else { return }
    connection.owner?.connection(connection, didReceiveSubscriptionReply: value)
}
