import Glibc
import Service
import Testing

@Suite struct SystemdNotifierTests {
    private func notifier(for receiver: DatagramReceiver) throws -> SystemdNotifier {
        try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))
    }

    @Test func sendsEachStateAsOneDatagramToASocketPath() throws {
        let receiver = try DatagramReceiver.path()
        let notifier = try notifier(for: receiver)

        #expect(notifier.ready())
        #expect(notifier.stopping())
        #expect(notifier.watchdog())
        #expect(notifier.status("draining 3 exchanges"))

        #expect(receiver.received() == ["READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=draining 3 exchanges"])
    }

    @Test func reachesAnAbstractSocketName() throws {
        let receiver = try DatagramReceiver.abstract()
        let notifier = try notifier(for: receiver)

        #expect(notifier.ready(status: "listening on 127.0.0.1:8080"))

        #expect(receiver.received() == ["READY=1\nSTATUS=listening on 127.0.0.1:8080"])
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let receiver = try DatagramReceiver.path()
        let notifier = try notifier(for: receiver)

        let before = monotonicMicroseconds()
        #expect(notifier.reloading())
        let after = monotonicMicroseconds()
        #expect(notifier.ready())

        let messages = receiver.received()
        try #require(messages.count == 2)
        let lines = messages[0].split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        #expect(lines[0] == "RELOADING=1")
        #expect(lines[1].hasPrefix("MONOTONIC_USEC="))
        let stamp = try #require(UInt64(lines[1].dropFirst("MONOTONIC_USEC=".count)))
        #expect(stamp >= before && stamp <= after)
        #expect(messages[1] == "READY=1")
    }

    @Test func keepsAStatusOnOneAssignment() throws {
        let receiver = try DatagramReceiver.abstract()
        let notifier = try notifier(for: receiver)

        notifier.status("reload failed\nREADY=1")

        #expect(receiver.received() == ["STATUS=reload failed READY=1"])
    }

    @Test func sendsArbitraryMessagesVerbatim() throws {
        let receiver = try DatagramReceiver.path()
        let notifier = try notifier(for: receiver)

        #expect(notifier.notify("EXTEND_TIMEOUT_USEC=5000000"))

        #expect(receiver.received() == ["EXTEND_TIMEOUT_USEC=5000000"])
    }

    @Test func reportsFailureWhenNobodyListens() throws {
        let notifier = try #require(
            SystemdNotifier(environment: ["NOTIFY_SOCKET": "/tmp/retryd-no-such-dir-\(getpid())/notify"]))

        #expect(!notifier.ready())
        #expect(!notifier.watchdog())
    }

    @Test(arguments: [
        [:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "relative/notify"], ["NOTIFY_SOCKET": "vsock:2:1234"],
        ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)],
    ])
    func isAbsentWithoutAUsableSocket(environment: [String: String]) {
        #expect(SystemdNotifier(environment: environment) == nil)
    }

    @Test func watchdogIntervalIsHalfTheTimeout() {
        let interval = SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"], pid: 42)
        #expect(interval == .seconds(15))
    }

    @Test func watchdogIntervalWhenThePIDIsOurs() {
        let environment = ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "42"]
        #expect(SystemdNotifier.watchdogInterval(environment: environment, pid: 42) == .milliseconds(500))
    }

    @Test(arguments: [
        ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "41"],
        ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": ""],
        ["WATCHDOG_USEC": "0"],
        ["WATCHDOG_USEC": "soon"],
        ["WATCHDOG_PID": "42"],
        [:],
    ])
    func noWatchdogUnlessArmedForThisProcess(environment: [String: String]) {
        #expect(SystemdNotifier.watchdogInterval(environment: environment, pid: 42) == nil)
    }

    private func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
