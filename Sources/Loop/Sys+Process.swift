import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// The calls the service side makes (systemd notification, socket activation, logging), beside the loop's own.
extension Sys {
    /// A non-blocking, close-on-exec `AF_UNIX` datagram socket, as sd_notify uses.
    package static func unixDatagramSocket() throws(SysError) -> Int32 {
        try check("socket") { clinux_socket_nonblocking(AF_UNIX, Int32(SOCK_DGRAM.rawValue)) }
    }

    /// Sends one datagram without blocking; false when it was not sent (full queue, missing peer, ...).
    package static func send(_ fd: Int32, _ bytes: [UInt8], to address: UnixSocketAddress) -> Bool {
        var storage = address.storage
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    try? checkIO("sendto") {
                        Glibc.sendto(
                            fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), socketAddress,
                            address.length)
                    }
                }
            }
        }
        guard case .done(let count)? = sent else { return false }
        return count == bytes.count
    }

    /// Writes all of `bytes` to a blocking descriptor: one write(2) unless the kernel takes only part. False on error.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = try? checkIO("write") {
                    Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                }
                guard case .done(let count)? = written, count > 0 else { return false }
                offset += count
            }
            return true
        }
    }

    /// Whether `fd` is a stream socket in the listening state, as sd_is_socket_inet checks before trusting it.
    package static func isListeningStream(_ fd: Int32) -> Bool {
        intOption(fd, SO_TYPE) == Int32(SOCK_STREAM.rawValue) && intOption(fd, SO_ACCEPTCONN) == 1
    }

    /// The device and inode of the file open on `fd`, as JOURNAL_STREAM names them.
    package static func deviceAndInode(of fd: Int32) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Removes `name` from this process's environment.
    package static func unsetEnvironment(_ name: String) {
        _ = Glibc.unsetenv(name)
    }

    /// Wall clock as whole seconds and milliseconds since the Unix epoch, for log timestamps.
    package static func wallTime() -> (seconds: Int64, milliseconds: Int) {
        let nanoseconds = clinux_realtime_ns()
        return (nanoseconds / 1_000_000_000, Int(nanoseconds % 1_000_000_000) / 1_000_000)
    }

    private static func intOption(_ fd: Int32, _ option: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 else { return nil }
        return value
    }
}
