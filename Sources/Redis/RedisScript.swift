import Loop

/// A Lua script known by its SHA-1, so that it is sent in full only when the server does not have it cached.
package struct RedisScript: Sendable, Equatable {
    /// The Lua source.
    package let source: String
    /// The lowercase hex SHA-1 of the source, as `EVALSHA` and `SCRIPT LOAD` name it.
    package let sha1: String

    /// Creates a script from its source.
    package init(_ source: String) {
        self.source = source
        sha1 = SHA1.hexDigest(of: source.utf8)
    }
}

extension RedisClient {
    /// Runs `script` with `EVALSHA`, and with `EVAL` if the server answers `NOSCRIPT` (after a restart or a
    /// `SCRIPT FLUSH`), which also caches it for next time. Both together take at most `timeout`.
    /// - Parameters:
    ///   - keys: the script's `KEYS`.
    ///   - arguments: the script's `ARGV`.
    ///   - timeout: ``RedisClientOptions/commandTimeout`` when nil.
    ///   - completion: runs exactly once on the loop, as for `command`.
    package func evaluate(
        _ script: RedisScript, keys: [[UInt8]] = [], arguments: [[UInt8]] = [], timeout: Duration? = nil,
        completion: @escaping (Result<RedisValue, RedisError>) -> Void
    ) {
        let budget = timeout ?? driver.options.commandTimeout
        let deadline = driver.loop.now &+ budget.nanoseconds
        let tail = [Array(String(keys.count).utf8)] + keys + arguments
        command([Array("EVALSHA".utf8), Array(script.sha1.utf8)] + tail, timeout: budget) { [weak self] result in
            guard case .failure(let error) = result, error.serverErrorCode == "NOSCRIPT", let self else {
                completion(result)
                return
            }
            let left = deadline - Sys.monotonicNanoseconds()
            guard left > 0 else {
                completion(.failure(.timeout))
                return
            }
            command(
                [Array("EVAL".utf8), Array(script.source.utf8)] + tail, timeout: .nanoseconds(left),
                completion: completion)
        }
    }

    /// Runs `script` with text keys and arguments; otherwise as the byte-array `evaluate`.
    package func evaluate(
        _ script: RedisScript, keys: [String], arguments: [String] = [], timeout: Duration? = nil,
        completion: @escaping (Result<RedisValue, RedisError>) -> Void
    ) {
        evaluate(
            script, keys: keys.map { Array($0.utf8) }, arguments: arguments.map { Array($0.utf8) }, timeout: timeout,
            completion: completion)
    }
}
