#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 socket address.
package struct SocketAddress: Sendable, Equatable, CustomStringConvertible {
    private var storage: sockaddr_storage

    init(storage: sockaddr_storage) {
        self.storage = storage
    }

    /// Resolves a numeric host (`127.0.0.1`, `::1`, or `localhost`) and port; nil when the host is not numeric.
    package init?(host: String, port: UInt16) {
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            storage = Self.storage(holding: v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            storage = Self.storage(holding: v6)
            return
        }
        return nil
    }

    /// A `sockaddr_storage` whose leading bytes are `address`.
    private static func storage<Address>(holding address: Address) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            withUnsafeBytes(of: address) { raw.copyMemory(from: $0) }
        }
        return storage
    }

    /// `AF_INET` or `AF_INET6`.
    package var family: Int32 { Int32(storage.ss_family) }

    /// The port in host byte order.
    package var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            family == AF_INET
                ? UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
                : UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
        }
    }

    /// `127.0.0.1:8080` or `[::1]:8080`.
    package var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET {
                var addr = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
            } else {
                var addr = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
            }
        }
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET ? "\(host):\(port)" : "[\(host)]:\(port)"
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        let length = family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size
        return withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(length))
        }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6, none for other families.
    var addressBytes: [UInt8] {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: withUnsafeBytes(of: raw.load(as: sockaddr_in.self).sin_addr) { Array($0) }
            case AF_INET6: withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) { Array($0) }
            default: []
            }
        }
    }

    /// Equal when family, address and port are: what getsockname(2) reports is compared byte for byte.
    package static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        lhs.family == rhs.family && lhs.port == rhs.port && lhs.addressBytes == rhs.addressBytes
    }

    /// The addresses a configured `host` may be bound as: one for an IP literal (IPv6 with or without brackets), both
    /// loopbacks for "localhost", none for other names (a socket activation lookup does not resolve names). An IPv4
    /// host also matches an IPv6 socket bound to its v4-mapped form.
    package static func candidates(host: String, port: UInt16) -> [SocketAddress] {
        if host.lowercased() == "localhost" {
            return candidates(host: "127.0.0.1", port: port) + candidates(host: "::1", port: port)
        }
        var literal = Substring(host)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        let text = String(literal)
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1, let plain = SocketAddress(host: text, port: port),
            let mapped = SocketAddress(host: "::ffff:" + text, port: port)
        {
            return [plain, mapped]
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1, let address = SocketAddress(host: text, port: port) { return [address] }
        return []
    }
}
