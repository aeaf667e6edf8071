import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: which call, and the errno it left.
package struct SysError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name of the call that failed, e.g. `"accept4"`.
    package let call: String
    /// The errno value.
    package let errno: Int32

    /// Creates an error for `call` with `errno`.
    package init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// `"accept4: Too many open files (errno 24)"`.
    package var description: String {
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The result of a non-blocking I/O call.
package enum IOResult<Value: Sendable>: Sendable {
    /// The call completed.
    case done(Value)
    /// The call would block (EAGAIN); try again when epoll says so.
    case wouldBlock
}

/// Every system call retryd makes, wrapped once: EINTR retried, EAGAIN mapped, failures named.
package enum Sys {
    @inline(__always)
    static func check(_ call: String, _ body: () -> Int32) throws(SysError) -> Int32 {
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let err = Glibc.errno
            if err == EINTR { continue }
            throw SysError(call: call, errno: err)
        }
    }

    @inline(__always)
    static func checkIO(_ call: String, _ body: () -> Int) throws(SysError) -> IOResult<Int> {
        while true {
            let rc = body()
            if rc >= 0 { return .done(rc) }
            let err = Glibc.errno
            if err == EINTR { continue }
            if err == EAGAIN || err == EWOULDBLOCK { return .wouldBlock }
            throw SysError(call: call, errno: err)
        }
    }

    /// Reads into `buffer`; `.done(0)` is end of stream.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int>
    {
        try checkIO("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Writes from `buffer` without raising SIGPIPE.
    package static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try checkIO("send") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Closes a descriptor; errors are ignored because the descriptor is gone either way.
    package static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Whether `fd` is still an open descriptor: false once it was closed (by a library, behind the caller's back).
    package static func isOpen(_ fd: Int32) -> Bool {
        Glibc.fcntl(fd, F_GETFD) >= 0 || Glibc.errno != EBADF
    }

    /// What `fd` refers to now, or nil when it is not open.
    ///
    /// A descriptor number closed behind the caller's back can be handed out again at once by another thread's
    /// `socket` or `accept`; only the open file's identity tells the two apart.
    package static func identity(of fd: Int32) -> FileIdentity? {
        var info = stat()
        guard Glibc.fstat(fd, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Shuts down the write side so the peer sees end of stream while we can still drain its input.
    package static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Accepts one connection as non-blocking and close-on-exec; `.wouldBlock` when none is pending.
    package static func accept(_ fd: Int32) throws(SysError) -> IOResult<Int32> {
        switch try checkIO("accept4", { Int(clinux_accept4(fd, nil, nil)) }) {
        case .done(let conn): return .done(Int32(conn))
        case .wouldBlock: return .wouldBlock
        }
    }

    /// The CPUs this process may run on (its affinity mask, which cpusets and `taskset` narrow), at least 1.
    /// Lowered to the cgroup's CPU quota when one is set (`cpu.max`, as a container runtime's `--cpus` writes it),
    /// as Go's automaxprocs and the JVM do: a sidecar limited to one CPU of a 64-core host runs one loop, not 64.
    package static func availableCPUs(cpuMaxPath: String = "/sys/fs/cgroup/cpu.max") -> Int {
        let affinity = max(Int(clinux_available_cpus()), 1)
        guard let text = readSmallFile(cpuMaxPath), let quota = cpuQuota(cpuMax: text) else { return affinity }
        return min(affinity, quota)
    }

    /// The CPUs a cgroup v2 `cpu.max` line ("QUOTA PERIOD", or "max PERIOD" for none) allows, rounded up; nil for
    /// no limit or a line that does not parse.
    package static func cpuQuota(cpuMax: String) -> Int? {
        let fields = cpuMax.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0
        else { return nil }
        return (quota + period - 1) / period
    }

    /// A short text file read whole (a /sys or /proc entry); nil when it cannot be read.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Self.close(fd) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    /// A whole file read at start-up or reload (a configuration file, a CA bundle), at most `limit` bytes.
    /// - Throws: `SysError` naming the call that failed (`open`, `read`), or `EFBIG` when the file is larger.
    package static func readFile(_ path: String, limit: Int = 16 << 20) throws(SysError) -> [UInt8] {
        let fd = try check("open") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { Self.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                var count: Int
                repeat { count = Glibc.read(fd, buffer.baseAddress, buffer.count) } while count < 0 && errno == EINTR
                return count
            }
            if count < 0 { throw SysError(call: "read", errno: errno) }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else { throw SysError(call: "read", errno: EFBIG) }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// Whether `path` names a regular file this process may read now (after symbolic links).
    package static func isReadableRegularFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return access(path, R_OK) == 0
    }

    /// Whether anything exists at `path` (after symbolic links).
    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// A close-on-exec duplicate of `fd`: one descriptor per event loop for a socket systemd passed, so that each
    /// loop may close its own.
    package static func duplicate(_ fd: Int32) throws(SysError) -> Int32 {
        try check("fcntl(F_DUPFD_CLOEXEC)") { fcntl(fd, F_DUPFD_CLOEXEC, 0) }
    }

    /// Creates a non-blocking, close-on-exec TCP socket.
    package static func tcpSocket(family: Int32) throws(SysError) -> Int32 {
        try check("socket") { clinux_socket_nonblocking(family, Int32(SOCK_STREAM.rawValue)) }
    }

    /// Sets an integer socket option.
    package static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) throws(SysError) {
        var value = value
        _ = try check("setsockopt") {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Sets SO_LINGER so that close sends RST at once (used to refuse without lingering).
    package static func setLingerZero(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Binds `fd` to `address`.
    package static func bind(_ fd: Int32, _ address: SocketAddress) throws(SysError) {
        _ = try check("bind") { address.withSockAddr { Glibc.bind(fd, $0, $1) } }
    }

    /// Starts listening with `backlog`.
    package static func listen(_ fd: Int32, backlog: Int32) throws(SysError) {
        _ = try check("listen") { Glibc.listen(fd, backlog) }
    }

    /// The local address a socket is bound to (to learn an ephemeral port).
    package static func localAddress(_ fd: Int32) throws(SysError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try check("getsockname") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
        }
        return SocketAddress(storage: storage)
    }

    /// Hands memory that malloc holds free back to the kernel. glibc returns only the top of its heap by itself, so
    /// after a burst of connections closes, the pages they used would otherwise stay resident for good.
    package static func releaseFreeMemory() {
        _ = clinux_malloc_trim(0)
    }

    /// Monotonic clock in nanoseconds.
    @inline(__always)
    package static func monotonicNanoseconds() -> Int64 {
        clinux_monotonic_ns()
    }

    /// Wall clock in whole milliseconds since the Unix epoch (what quota windows and gates are kept in).
    package static func wallClockMilliseconds() -> Int64 {
        clinux_realtime_ns() / 1_000_000
    }

    /// Wall clock in seconds since the Unix epoch.
    package static func wallClockSeconds() -> Double {
        Double(clinux_realtime_ns()) / 1e9
    }
}
