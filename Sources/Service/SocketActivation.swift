import Loop

/// systemd socket activation: `LISTEN_PID` must equal our pid; fds start at 3; `LISTEN_FDNAMES` (colon-separated)
/// names them.
///
/// With a `retryd.socket` unit systemd owns the listening sockets, so connections that arrive while retryd restarts
/// wait in the backlog instead of being refused.
package struct SocketActivation: Sendable, Equatable {
    /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
    package static let firstDescriptor: Int32 = 3

    /// The passed descriptors in order, each with its `FileDescriptorName=` when systemd sent names.
    package var fds: [(fd: Int32, name: String?)]

    /// Wraps descriptors that were obtained some other way (or opened by a test).
    package init(fds: [(fd: Int32, name: String?)]) {
        self.fds = fds
    }

    /// Reads what sd_listen_fds_with_names reads; nil when this process was not socket-activated.
    ///
    /// Names beyond the count are ignored and missing ones are nil, so a unit without `FileDescriptorName=` still
    /// activates (libsystemd reports "unknown" for those).
    /// - Parameter pid: This process's id; the variables are inherited by children, who must not adopt the sockets.
    package static func fromEnvironment(_ environment: [String: String], pid: Int32) -> SocketActivation? {
        guard let pidText = environment["LISTEN_PID"], Int32(pidText) == pid,
            let countText = environment["LISTEN_FDS"], let count = Int32(countText), count > 0,
            count <= Int32.max - firstDescriptor
        else { return nil }
        let names =
            environment["LISTEN_FDNAMES"].map { text in
                text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            } ?? []
        let fds = (0..<count).map { index in
            let name = Int(index) < names.count && !names[Int(index)].isEmpty ? names[Int(index)] : nil
            return (fd: firstDescriptor + index, name: name)
        }
        return SocketActivation(fds: fds)
    }

    /// The first descriptor named `name` (the socket unit's `FileDescriptorName=`).
    package func fd(named name: String) -> Int32? {
        fds.first { $0.name == name }?.fd
    }

    /// The listening stream socket bound to `host`:`port`, found by getsockname(2) on each descriptor.
    ///
    /// `host` is an IPv4 or IPv6 literal (brackets allowed) or "localhost", which matches either loopback; an IPv4
    /// host also matches an IPv6 socket bound to its v4-mapped form.
    package func fd(forPort port: UInt16, host: String) -> Int32? {
        let wanted = SocketAddress.candidates(host: host, port: port)
        guard !wanted.isEmpty else { return nil }
        return fds.first { entry in
            guard Sys.isListeningStream(entry.fd), let bound = try? Sys.localAddress(entry.fd) else { return false }
            return wanted.contains(bound)
        }?.fd
    }

    /// Removes `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` from the environment so that no child process
    /// believes the sockets are meant for it.
    package static func unsetEnvironment() {
        for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] {
            Sys.unsetEnvironment(name)
        }
    }

    /// Equal when the same descriptors carry the same names in the same order.
    package static func == (lhs: SocketActivation, rhs: SocketActivation) -> Bool {
        lhs.fds.count == rhs.fds.count && zip(lhs.fds, rhs.fds).allSatisfy { $0.fd == $1.fd && $0.name == $1.name }
    }
}
