import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// Turns a host name into a numeric address without blocking the loop.
///
/// hiredis 0.14 resolves names with a blocking `getaddrinfo` inside `redisAsyncConnect`, so a name is resolved
/// here first, on a short-lived thread, and hiredis only ever sees a numeric address.
enum HostResolver {
    /// The host itself when it is a numeric IPv4 or IPv6 address, `127.0.0.1` for `localhost`; nil for a name.
    static func numericAddress(_ host: String) -> String? {
        if host == "localhost" { return "127.0.0.1" }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 { return host }
        return nil
    }

    /// Resolves `host` on a thread of its own; `completion` runs on `loop`.
    static func resolve(
        _ host: String, on loop: EventLoop, completion: @escaping (Result<String, RedisError>) -> Void
    ) {
        let job = ResolveJob(host: host, loop: loop, completion: completion)
        let opaque = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                let job = Unmanaged<ResolveJob>.fromOpaque(raw!).takeRetainedValue()
                let result = HostResolver.lookUp(job.host)
                job.loop.execute { job.completion(result) }
                return nil
            }, opaque)
        guard status == 0 else {
            Unmanaged<ResolveJob>.fromOpaque(opaque).release()
            completion(.failure(.connectFailed("cannot start a resolver thread (error \(status))")))
            return
        }
        pthread_detach(thread)
    }

    /// The first address `getaddrinfo` gives for `host`, as text. Blocks: never called on the loop.
    static func lookUp(_ host: String) -> Result<String, RedisError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // No AI_ADDRCONFIG: on a host with only loopback configured it makes names in /etc/hosts fail.
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            return .failure(.connectFailed("cannot resolve \"\(host)\": \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let converted: UnsafePointer<CChar>? =
            switch first.pointee.ai_family {
            case AF_INET:
                first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    return inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                }
            case AF_INET6:
                first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                }
            default: nil
            }
        guard converted != nil else { return .failure(.connectFailed("\"\(host)\" resolved to no IP address")) }
        return .success(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// A lookup in flight. Only its host crosses to the resolver thread; the completion is only run on the loop.
private final class ResolveJob: @unchecked Sendable {
    let host: String
    let loop: EventLoop
    let completion: (Result<String, RedisError>) -> Void

    init(host: String, loop: EventLoop, completion: @escaping (Result<String, RedisError>) -> Void) {
        self.host = host
        self.loop = loop
        self.completion = completion
    }
}
