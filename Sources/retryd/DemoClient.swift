#if canImport(Glibc)
    import Glibc
#endif

/// Why the tour's client got no response.
struct DemoClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. "connect: Connection refused".
    var message: String

    var description: String { message }

    /// An error for a failed call, with errno's text.
    static func call(_ name: String, errno: Int32 = Glibc.errno) -> DemoClientError {
        DemoClientError(message: "\(name): \(String(cString: strerror(errno)))")
    }
}

/// A response as the tour's client read it.
struct DemoResponse: Sendable, Equatable {
    /// The status code.
    var status: Int
    /// The header fields in order.
    var headers: [DemoHeader]
    /// The body bytes as received.
    var body: [UInt8]

    /// The first value of the field `name`, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One header field.
struct DemoHeader: Sendable, Equatable {
    /// The name as spelled on the wire.
    var name: String
    /// The value, surrounding whitespace removed.
    var value: String
}

/// A blocking HTTP/1.1 client playing the legacy application: one request per connection, read to end of stream.
///
/// It runs on the tour's own thread with plain blocking sockets, so it never touches retryd's event loop.
struct DemoClient: Sendable {
    /// retryd's address: an IPv4 or IPv6 literal.
    var host: String
    /// retryd's port.
    var port: UInt16
    /// Bound on each send and receive.
    var timeout: Duration = .seconds(15)

    /// Sends one request with `Connection: close` and reads the whole response.
    /// - Throws: `DemoClientError` when connecting, sending or reading fails, or the response is malformed.
    func send(
        method: String, path: String, headers: [DemoHeader] = [], body: [UInt8] = []
    ) throws(DemoClientError) -> DemoResponse {
        let fd = try connect()
        defer { close(fd) }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for header in headers { request += "\(header.name): \(header.value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.count)\r\n" }
        try sendAll(fd, Array((request + "\r\n").utf8) + body)
        return try Self.parse(receiveAll(fd))
    }

    private func connect() throws(DemoClientError) -> Int32 {
        let isIPv6 = host.contains(":" as Character)
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .call("socket") }
        let seconds = timeout.components.seconds
        var limit = timeval(tv_sec: Int(seconds), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                close(fd)
                throw DemoClientError(message: "\(host) is not an IPv6 address")
            }
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
                close(fd)
                throw DemoClientError(message: "\(host) is not an IPv4 address")
            }
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let error = DemoClientError.call("connect to \(host):\(port)")
            close(fd)
            throw error
        }
        return fd
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(DemoClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw .call("send") }
            offset += sent
        }
    }

    private func receiveAll(_ fd: Int32) throws(DemoClientError) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw DemoClientError(message: "no response within \(timeout)")
            }
            guard count >= 0 else { throw .call("recv") }
            if count == 0 { return received }
            received.append(contentsOf: buffer[..<count])
        }
    }

    /// Splits a complete response into status, headers and body (the body is whatever follows the head).
    static func parse(_ bytes: [UInt8]) throws(DemoClientError) -> DemoResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else {
            throw DemoClientError(message: bytes.isEmpty ? "connection closed without a response" : "truncated head")
        }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).split(
            separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw DemoClientError(message: "malformed status line \"\(lines[0])\"")
        }
        let headers = lines.dropFirst().compactMap { line -> DemoHeader? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return DemoHeader(
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...].trimmingBlanks))
        }
        return DemoResponse(status: status, headers: headers, body: Array(bytes[end.upperBound...]))
    }
}

extension Substring {
    /// Without the spaces and tabs that may surround a header's value.
    fileprivate var trimmingBlanks: Substring {
        let isBlank = { (character: Character) in character == " " || character == "\t" }
        let start = firstIndex { !isBlank($0) } ?? endIndex
        let end = lastIndex { !isBlank($0) }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
