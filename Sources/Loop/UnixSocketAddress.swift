import Glibc

/// The address in `$NOTIFY_SOCKET`: a filesystem path, or "@name" for Linux's abstract namespace.
package struct UnixSocketAddress: Sendable {
    /// The C address, ready for sendto(2).
    let storage: sockaddr_un
    /// How many bytes of `storage` the kernel must read: an abstract name has no terminator, so the length is the
    /// only thing that ends it.
    let length: socklen_t

    /// Parses `text`; nil when it is empty, too long for `sun_path`, or neither a path nor an "@" name
    /// (systemd also knows "vsock:" addresses, which retryd does not need).
    package init?(notifySocket text: String) {
        var bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else { return nil }
        let isAbstract = first == UInt8(ascii: "@")
        if isAbstract {
            bytes[0] = 0
        } else {
            bytes.append(0)
        }
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count <= capacity else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path.copyBytes(from: bytes)
        }
        storage = address
        length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
    }
}
