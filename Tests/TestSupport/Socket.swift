import Glibc
import Loop

/// Every socket syscall the test helpers make, wrapped once: EINTR is retried and failures name the call.
enum Socket {
    /// `POLLRDHUP` (peer shut down its writing half); Glibc's module map leaves it out without `_GNU_SOURCE`.
    static let pollPeerHangUp: Int16 = 0x2000

    /// Runs `body` until it stops failing with EINTR; a negative result becomes a `SysError` named `call`.
    @discardableResult
    static func retryingEINTR(_ call: String, _ body: () -> Int) throws(SysError) -> Int {
        while true {
            let result = body()
            if result >= 0 { return result }
            if errno != EINTR { throw SysError(call: call, errno: errno) }
        }
    }

    /// A new blocking IPv4 TCP socket (close-on-exec, so a spawned retryd does not inherit it).
    static func makeTCP() throws(SysError) -> Int32 {
        Int32(
            try retryingEINTR("socket") { Int(socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)) }
        )
    }

    /// A listening socket on 127.0.0.1 with a kernel-chosen port.
    static func listenOnLoopback(backlog: Int32 = 128) throws(SysError) -> (fd: Int32, port: UInt16) {
        let (fd, port) = try bindLoopback()
        do throws(SysError) {
            try retryingEINTR("listen") { Int(listen(fd, backlog)) }
            return (fd, port)
        } catch {
            close(fd)
            throw error
        }
    }

    /// A socket bound to 127.0.0.1 with a kernel-chosen port, not listening: connections to it are refused.
    static func bindLoopback() throws(SysError) -> (fd: Int32, port: UInt16) {
        let fd = try makeTCP()
        do throws(SysError) {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            var address = loopback(port: 0)
            try retryingEINTR("bind") {
                Int(
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    })
            }
            return (fd, try localPort(of: fd))
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// A socket connected to 127.0.0.1:`port`; `receiveBuffer` is applied before connecting so the window
    /// the peer sees is small from the first segment.
    static func connectToLoopback(port: UInt16, receiveBuffer: Int? = nil) throws(SysError) -> Int32 {
        let fd = try makeTCP()
        do throws(SysError) {
            if let receiveBuffer { try setOption(fd, SOL_SOCKET, SO_RCVBUF, Int32(receiveBuffer)) }
            var address = loopback(port: port)
            try retryingEINTR("connect") {
                Int(
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    })
            }
            return fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Accepts one connection from a listening socket (close-on-exec).
    static func accept(_ fd: Int32) throws(SysError) -> Int32 {
        let connection = Int32(try retryingEINTR("accept") { Int(Glibc.accept(fd, nil, nil)) })
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)  // Glibc hides accept4 without _GNU_SOURCE
        return connection
    }

    /// The local port a socket is bound to.
    static func localPort(of fd: Int32) throws(SysError) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try retryingEINTR("getsockname") {
            Int(
                withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                })
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Sets an integer socket option.
    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SysError) {
        var value = value
        try retryingEINTR("setsockopt") {
            Int(setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)))
        }
    }

    /// Bounds every blocking `recv` (`SO_RCVTIMEO`) and `send` (`SO_SNDTIMEO`) on `fd`.
    static func setTimeouts(_ fd: Int32, receive: Duration, send: Duration) throws(SysError) {
        for (name, duration) in [(SO_RCVTIMEO, receive), (SO_SNDTIMEO, send)] {
            var value = timeval(duration)
            try retryingEINTR("setsockopt") {
                Int(setsockopt(fd, SOL_SOCKET, name, &value, socklen_t(MemoryLayout<timeval>.size)))
            }
        }
    }

    /// Makes the next `close` send RST instead of FIN.
    static func setResetOnClose(_ fd: Int32) {
        var linger = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
    }

    /// Writes all of `bytes`, blocking as the peer reads; never raises SIGPIPE.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SysError) {
        var offset = 0
        while offset < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            offset += try retryingEINTR("send") {
                send(fd, remaining.baseAddress, remaining.count, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Writes all of `bytes`; see `sendAll(_:_:)`.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(SysError) {
        // withUnsafeBytes rethrows untyped errors, so the failure is carried out by hand.
        var failure: SysError?
        bytes.withUnsafeBytes { buffer in
            do throws(SysError) { try sendAll(fd, buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// One `recv` into `buffer`; 0 means the peer closed.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, flags: Int32 = 0)
        throws(SysError) -> Int
    {
        try retryingEINTR("recv") { recv(fd, buffer.baseAddress, buffer.count, flags) }
    }

    /// Waits up to `milliseconds` (-1: forever) for `events` on `fd`; returns the events that occurred (0 on timeout).
    static func poll(_ fd: Int32, events: Int16, milliseconds: Int32) -> Int16 {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let result = Glibc.poll(&entry, 1, milliseconds)
            if result > 0 { return entry.revents }
            if result == 0 || errno != EINTR { return 0 }
        }
    }

    /// 127.0.0.1:`port` as a socket address.
    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

extension timeval {
    /// `duration` as a `timeval`, rounded down to the microsecond.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a short positive wait never becomes a zero-timeout poll.
    var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let partial = attoseconds > 0 ? (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000 : 0
        return seconds * 1000 + partial
    }
}
