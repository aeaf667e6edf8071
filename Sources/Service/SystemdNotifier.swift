import Loop

/// sd_notify without libsystemd: one datagram per message to `$NOTIFY_SOCKET` (a path, or "@name" for the abstract
/// namespace).
///
/// Every send is non-blocking and failures are reported, never thrown: a service manager that stopped listening must
/// not stall or crash the proxy.
package final class SystemdNotifier: Sendable {
    private let fd: Int32
    private let address: UnixSocketAddress

    /// Opens the notification socket; nil when `NOTIFY_SOCKET` is unset, empty or unusable (not under systemd).
    package init?(environment: [String: String]) {
        guard let text = environment["NOTIFY_SOCKET"], let address = UnixSocketAddress(notifySocket: text),
            let fd = try? Sys.unixDatagramSocket()
        else { return nil }
        self.fd = fd
        self.address = address
    }

    deinit {
        Sys.close(fd)
    }

    /// Sends `message` ("KEY=value" lines) as one datagram.
    /// - Returns: false when it could not be sent right now; nothing is queued for later.
    @discardableResult
    package func notify(_ message: String) -> Bool {
        Sys.send(fd, Array(message.utf8), to: address)
    }

    /// Tells systemd the service is up (listening), optionally with a status line.
    @discardableResult
    package func ready(status: String? = nil) -> Bool {
        notify("READY=1" + (status.map { "\nSTATUS=" + Self.singleLine($0) } ?? ""))
    }

    /// Tells systemd a reload has begun; `ready()` ends it.
    @discardableResult
    package func reloading() -> Bool {
        // systemd ≥ 253 ignores RELOADING=1 without the timestamp for Type=notify-reload; older ones ignore the field.
        notify("RELOADING=1\nMONOTONIC_USEC=\(Sys.monotonicNanoseconds() / 1_000)")
    }

    /// Tells systemd the service is shutting down, so it does not count the exit as a crash.
    @discardableResult
    package func stopping() -> Bool {
        notify("STOPPING=1")
    }

    /// Keeps the watchdog from firing; send at least every `watchdogInterval`.
    @discardableResult
    package func watchdog() -> Bool {
        notify("WATCHDOG=1")
    }

    /// Sets the free-text status `systemctl status` shows.
    @discardableResult
    package func status(_ text: String) -> Bool {
        notify("STATUS=" + Self.singleLine(text))
    }

    /// How often to send `watchdog()`: half of `WATCHDOG_USEC`, as sd_watchdog_enabled advises; nil when no watchdog
    /// is armed for this process (unset, zero, unparsable, or `WATCHDOG_PID` naming another process).
    package static func watchdogInterval(environment: [String: String], pid: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pidText = environment["WATCHDOG_PID"], Int32(pidText) != pid { return nil }
        return .microseconds(usec / 2)
    }

    // A newline would end the STATUS= assignment and let the rest be read as another one.
    private static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
