import Glibc

/// An IPv4 or IPv6 address and port, compared byte for byte: what getsockname(2) reports for a listening socket.
struct InetSocketAddress: Sendable, Equatable {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    var address: [UInt8]
    /// The port in host order.
    var port: UInt16

    init(address: [UInt8], port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Reads an `AF_INET` or `AF_INET6` address; nil for any other family.
    init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let v4 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            address = withUnsafeBytes(of: v4.sin_addr) { Array($0) }
            port = UInt16(bigEndian: v4.sin_port)
        case AF_INET6:
            let v6 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            address = withUnsafeBytes(of: v6.sin6_addr) { Array($0) }
            port = UInt16(bigEndian: v6.sin6_port)
        default:
            return nil
        }
    }

    /// The addresses a configured `host` may be bound as: one for an IP literal (IPv6 with or without brackets),
    /// both loopbacks for "localhost", none for other names (a socket activation lookup does not resolve names).
    static func candidates(host: String, port: UInt16) -> [InetSocketAddress] {
        if host.lowercased() == "localhost" {
            return candidates(host: "127.0.0.1", port: port) + candidates(host: "::1", port: port)
        }
        var literal = Substring(host)
        if literal.hasPrefix("["), literal.hasSuffix("]") {
            literal = literal.dropFirst().dropLast()
        }
        if let v4 = parse(String(literal), family: AF_INET, size: 4) {
            // A v6 socket may carry the same v4 address as ::ffff:a.b.c.d.
            let mapped = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + v4
            return [InetSocketAddress(address: v4, port: port), InetSocketAddress(address: mapped, port: port)]
        }
        if let v6 = parse(String(literal), family: AF_INET6, size: 16) {
            return [InetSocketAddress(address: v6, port: port)]
        }
        return []
    }

    private static func parse(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: size)
        let result = bytes.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        return result == 1 ? bytes : nil
    }
}
