#if canImport(Glibc)
    import Glibc
#endif

/// The outgoing connections the forward proxy's pass-through tunnels make (libcurl makes the proxied ones itself).
extension Sys {
    /// Starts a non-blocking connect: true when it completed at once, false while it is in progress (wait for
    /// writability, then read ``pendingError(_:)``).
    package static func connect(_ fd: Int32, to address: SocketAddress) throws(SysError) -> Bool {
        while true {
            let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return true }
            let err = Glibc.errno
            if err == EINTR { continue }
            if err == EINPROGRESS { return false }
            throw SysError(call: "connect", errno: err)
        }
    }

    /// The error a non-blocking connect ended with (SO_ERROR), 0 when it succeeded.
    package static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return Glibc.errno }
        return value
    }

    /// The addresses of `host` (a name or an IP literal), resolved with getaddrinfo: it blocks, so call it off the
    /// loop. Empty when the name does not resolve.
    package static func resolve(host: String, port: UInt16) -> [SocketAddress] {
        if let literal = SocketAddress(host: host, port: port) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr,
                current.pointee.ai_family == AF_INET || current.pointee.ai_family == AF_INET6
            {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { raw in
                    raw.copyMemory(
                        from: UnsafeRawBufferPointer(start: address, count: Int(current.pointee.ai_addrlen)))
                }
                addresses.append(SocketAddress(storage: storage))
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}
