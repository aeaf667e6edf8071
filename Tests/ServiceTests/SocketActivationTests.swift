import Glibc
import Service
import Testing

@Suite struct SocketActivationTests {
    @Test func readsDescriptorsAndNamesPassedToThisProcess() throws {
        let environment = ["LISTEN_PID": "42", "LISTEN_FDS": "3", "LISTEN_FDNAMES": "encoding:billing:admin"]

        let activation = try #require(SocketActivation.fromEnvironment(environment, pid: 42))

        #expect(activation.fds.map(\.fd) == [3, 4, 5])
        #expect(activation.fds.map(\.name) == ["encoding", "billing", "admin"])
        #expect(activation.fd(named: "billing") == 4)
        #expect(activation.fd(named: "missing") == nil)
    }

    @Test func leavesNamesOutWhenSystemdSentNone() throws {
        let activation = try #require(
            SocketActivation.fromEnvironment(["LISTEN_PID": "7", "LISTEN_FDS": "2"], pid: 7))

        #expect(activation == SocketActivation(fds: [(fd: 3, name: nil), (fd: 4, name: nil)]))
    }

    @Test func toleratesTooFewOrEmptyNames() throws {
        let environment = ["LISTEN_PID": "7", "LISTEN_FDS": "3", "LISTEN_FDNAMES": ":billing"]

        let activation = try #require(SocketActivation.fromEnvironment(environment, pid: 7))

        #expect(
            activation == SocketActivation(fds: [(fd: 3, name: nil), (fd: 4, name: "billing"), (fd: 5, name: nil)]))
    }

    @Test(arguments: [
        ["LISTEN_PID": "41", "LISTEN_FDS": "1"],
        ["LISTEN_FDS": "1"],
        ["LISTEN_PID": "42"],
        ["LISTEN_PID": "42", "LISTEN_FDS": "0"],
        ["LISTEN_PID": "42", "LISTEN_FDS": "-1"],
        ["LISTEN_PID": "42", "LISTEN_FDS": "many"],
        ["LISTEN_PID": "abc", "LISTEN_FDS": "1"],
    ])
    func isNilUnlessActivatedForThisProcess(environment: [String: String]) {
        #expect(SocketActivation.fromEnvironment(environment, pid: 42) == nil)
    }

    @Test func comparesDescriptorsAndNames() {
        let activation = SocketActivation(fds: [(fd: 3, name: "encoding")])
        #expect(activation == SocketActivation(fds: [(fd: 3, name: "encoding")]))
        #expect(activation != SocketActivation(fds: [(fd: 3, name: "billing")]))
        #expect(activation != SocketActivation(fds: [(fd: 4, name: "encoding")]))
        #expect(activation != SocketActivation(fds: [(fd: 3, name: "encoding"), (fd: 4, name: nil)]))
    }

    @Test func findsTheListeningSocketByItsAddress() throws {
        let other = try TestSocket(family: AF_INET, host: "127.0.0.1")
        let socket = try TestSocket(family: AF_INET, host: "127.0.0.1")
        let activation = SocketActivation(fds: [(fd: other.fd, name: "billing"), (fd: socket.fd, name: "encoding")])

        #expect(activation.fd(forPort: socket.port, host: "127.0.0.1") == socket.fd)
        #expect(activation.fd(forPort: other.port, host: "127.0.0.1") == other.fd)
        #expect(activation.fd(forPort: socket.port, host: "localhost") == socket.fd)
        #expect(activation.fd(forPort: socket.port, host: "127.0.0.2") == nil)
        #expect(activation.fd(forPort: socket.port, host: "::1") == nil)
        #expect(activation.fd(forPort: socket.port, host: "example.com") == nil)
    }

    static let hasIPv6Loopback = (try? TestSocket(family: AF_INET6, host: "::1")) != nil

    @Test(.enabled(if: hasIPv6Loopback, "needs an IPv6 loopback")) func findsAnIPv6ListeningSocket() throws {
        let socket = try TestSocket(family: AF_INET6, host: "::1")
        let activation = SocketActivation(fds: [(fd: socket.fd, name: nil)])

        #expect(activation.fd(forPort: socket.port, host: "::1") == socket.fd)
        #expect(activation.fd(forPort: socket.port, host: "[::1]") == socket.fd)
        #expect(activation.fd(forPort: socket.port, host: "localhost") == socket.fd)
        #expect(activation.fd(forPort: socket.port, host: "127.0.0.1") == nil)
    }

    @Test func ignoresSocketsThatAreNotListening() throws {
        let socket = try TestSocket(family: AF_INET, host: "127.0.0.1", listening: false)
        let activation = SocketActivation(fds: [(fd: socket.fd, name: "encoding")])

        #expect(activation.fd(forPort: socket.port, host: "127.0.0.1") == nil)
        #expect(activation.fd(named: "encoding") == socket.fd)
    }

    @Test func unsetsTheActivationVariables() {
        setenv("LISTEN_PID", "1", 1)
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_FDNAMES", "encoding", 1)

        SocketActivation.unsetEnvironment()

        #expect(getenv("LISTEN_PID") == nil)
        #expect(getenv("LISTEN_FDS") == nil)
        #expect(getenv("LISTEN_FDNAMES") == nil)
    }
}

/// A TCP socket bound to an ephemeral port, listening unless asked otherwise.
final class TestSocket {
    let fd: Int32
    let port: UInt16

    init(family: Int32, host: String, listening: Bool = true) throws {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ReceiverError.setup("socket") }
        var storage = sockaddr_storage()
        var length: socklen_t
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, host, &address.sin_addr)
            withUnsafeBytes(of: address) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            withUnsafeBytes(of: address) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, !listening || listen(fd, 4) == 0 else {
            close(fd)
            throw ReceiverError.setup("bind/listen \(errno)")
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        // sin_port and sin6_port sit at the same offset, right after the family.
        self.fd = fd
        port = withUnsafeBytes(of: actual) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
    }

    deinit {
        close(fd)
    }
}
