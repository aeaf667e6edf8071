import Glibc

/// A failed system call, named so that a report says which call failed and why.
struct SysError: Error, Equatable {
    /// The C function that failed, e.g. "socket".
    var call: String
    /// The `errno` it left.
    var errno: Int32
}

/// Every system call the Service module makes, wrapped once: EINTR is retried here and C constants and casts stay
/// here, so the types above see Swift values only.
enum Sys {
    /// A non-blocking, close-on-exec `AF_UNIX` datagram socket, as sd_notify uses.
    static func unixDatagramSocket() throws(SysError) -> Int32 {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = Glibc.socket(AF_UNIX, type, 0)
        guard fd >= 0 else { throw SysError(call: "socket", errno: errno) }
        return fd
    }

    /// Sends one datagram without blocking; false when it was not sent (full queue, missing peer, ...).
    static func send(_ fd: Int32, _ bytes: [UInt8], to address: UnixSocketAddress) -> Bool {
        var storage = address.storage
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    retryingEINTR {
                        Glibc.sendto(
                            fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), socketAddress,
                            address.length)
                    }
                }
            }
        }
        return sent == bytes.count
    }

    /// Writes all of `bytes`: one write(2) unless the kernel takes only part of it. False on error.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = retryingEINTR { Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }

    /// Closes `fd`, ignoring errors: after close(2) fails the descriptor is gone on Linux anyway.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// The local IPv4 or IPv6 address `fd` is bound to, or nil for any other kind of descriptor.
    static func localAddress(of fd: Int32) -> InetSocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        return InetSocketAddress(storage)
    }

    /// Whether `fd` is a stream socket in the listening state, as sd_is_socket_inet checks before trusting it.
    static func isListeningStream(_ fd: Int32) -> Bool {
        intOption(fd, SO_TYPE) == Int32(SOCK_STREAM.rawValue) && intOption(fd, SO_ACCEPTCONN) == 1
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd expects in MONOTONIC_USEC.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// The wall clock, for log timestamps.
    static func wallTime() -> WallTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return WallTime(seconds: Int64(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// The device and inode of the file open on `fd`, as JOURNAL_STREAM names them.
    static func deviceAndInode(of fd: Int32) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Removes `name` from this process's environment.
    static func unsetEnvironment(_ name: String) {
        _ = Glibc.unsetenv(name)
    }

    private static func intOption(_ fd: Int32, _ option: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 else { return nil }
        return value
    }

    private static func retryingEINTR(_ call: () -> Int) -> Int {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
