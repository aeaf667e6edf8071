import CCurl
import Glibc
import Loop
import TestSupport
import Testing

@testable import Forwarder

/// How the forwarder keeps track of libcurl's sockets when libcurl closes one behind its back.
@Suite("Forwarder socket bookkeeping")
struct CurlSocketsTests {
    /// A TCP socket that is not connected, like a connect attempt libcurl gave up on.
    private func tcpSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SysError(call: "socket", errno: errno) }
        return fd
    }

    @Test("a connect attempt closed without the callback is forgotten, even when its number was handed out again")
    func closedAttemptWhoseNumberWasReused() throws {
        let harness = try ForwarderHarness()
        let attempt = try tcpSocket()
        let known = LockedBox(0)
        harness.onLoop { forwarder in
            forwarder.sockets.created(attempt, forwarder: forwarder)
            forwarder.sockets.update(attempt, what: CCURL_POLL_OUT, forwarder: forwarder)
            known.set(forwarder.sockets.count)
        }
        #expect(known.value == 1)
        // libcurl closes the attempt with a plain close; before its REMOVE arrives another thread (another loop, a
        // test's client) is handed the same number. dup2 makes that happen every time.
        let other = try tcpSocket()
        defer { close(attempt) }
        guard dup2(other, attempt) == attempt else { throw SysError(call: "dup2", errno: errno) }
        close(other)
        let left = LockedBox(-1)
        harness.onLoop { forwarder in
            forwarder.sockets.update(attempt, what: CCURL_POLL_REMOVE, forwarder: forwarder)
            left.set(forwarder.sockets.count)
        }
        #expect(left.value == 0, "the closed attempt is still known under a number another socket now has")
    }

    @Test("a connection idle in libcurl's cache stays known: it is closed through the callback later")
    func idleConnectionStaysKnown() throws {
        let harness = try ForwarderHarness()
        let connection = try tcpSocket()
        defer { close(connection) }
        let left = LockedBox(-1)
        harness.onLoop { forwarder in
            forwarder.sockets.created(connection, forwarder: forwarder)
            forwarder.sockets.update(connection, what: CCURL_POLL_OUT, forwarder: forwarder)
            forwarder.sockets.update(connection, what: CCURL_POLL_REMOVE, forwarder: forwarder)
            left.set(forwarder.sockets.count)
            forwarder.sockets.closing(connection)
        }
        #expect(left.value == 1)
    }
}
