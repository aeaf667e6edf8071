import Foundation
import Glibc
import Loop

/// A raw HTTP/1.1 client over one TCP connection to 127.0.0.1, so tests see exactly what is on the wire.
///
/// Every read is bounded by `timeout` (per call, from when it starts). Reads and writes may happen on different
/// threads; `close()` from any thread wakes a blocked read.
package final class TestClient: @unchecked Sendable {
    /// How long one read or write may block.
    package let timeout: Duration
    let fd: Int32
    /// Serialises reads; also guards `reader`.
    let readLock = NSLock()
    private let writeLock = NSLock()
    private let stateLock = NSLock()
    private var closed = false  // guarded by stateLock
    let reader: SocketReader

    /// Connects to 127.0.0.1:`port`.
    /// - Parameters:
    ///   - timeout: Bounds each read and write.
    ///   - receiveBufferBytes: A small `SO_RCVBUF`, set before connecting, so a test that stops reading
    ///     back-pressures the peer quickly (the kernel doubles the value and applies a minimum).
    /// - Throws: `.connectFailed(errno)` if nothing listens there.
    package init(port: UInt16, timeout: Duration = .seconds(10), receiveBufferBytes: Int? = nil) throws(ClientError) {
        do throws(SysError) {
            fd = try Socket.connectToLoopback(port: port, receiveBuffer: receiveBufferBytes)
        } catch let error where error.call == "connect" {
            throw .connectFailed(error.errno)
        } catch {
            throw .socketFailed(call: error.call, errno: error.errno)
        }
        self.timeout = timeout
        reader = SocketReader(fd: fd)
        try? Socket.setTimeouts(fd, receive: timeout, send: timeout)
        try? Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    deinit {
        close()
    }

    /// Writes all of `bytes`.
    /// - Throws: `.timeout` if the peer stops reading for `timeout`, `.socketFailed` (e.g. `EPIPE`) if it left.
    package func send(_ bytes: [UInt8]) throws(ClientError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard !isClosed else { throw .socketFailed(call: "send", errno: EBADF) }
        do throws(SysError) {
            try Socket.sendAll(fd, bytes)
        } catch let error where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
            throw .timeout
        } catch {
            throw .socketFailed(call: error.call, errno: error.errno)
        }
    }

    /// Writes `string` as UTF-8.
    package func send(_ string: String) throws(ClientError) {
        try send(Array(string.utf8))
    }

    /// Reads everything until the peer closes (FIN or RST), including anything already buffered.
    /// - Throws: `.timeout` if the peer does not close within `timeout`.
    package func readToEnd() throws(ClientError) -> [UInt8] {
        try reading { (reader, deadline) throws(SocketReader.Failure) in
            var bytes: [UInt8] = []
            try reader.readToEnd(into: &bytes, deadline: deadline)
            return bytes
        }
    }

    /// Reads exactly `count` raw bytes, bypassing HTTP framing.
    /// - Throws: `.truncated(received:)` if the peer closes first, `.timeout`.
    package func readExactly(_ count: Int) throws(ClientError) -> [UInt8] {
        var bytes: [UInt8] = []
        do throws(ClientError) {
            return try reading { (reader, deadline) throws(SocketReader.Failure) in
                try reader.read(count, into: &bytes, deadline: deadline)
                return bytes
            }
        } catch .closedBeforeResponse {
            throw .truncated(received: bytes.count)
        }
    }

    /// Reads whatever raw bytes are buffered or arrive next, at most `maxCount`; empty once the peer has closed.
    /// Lets a test drain a body slowly, at its own pace.
    package func readAvailable(atMost maxCount: Int) throws(ClientError) -> [UInt8] {
        do throws(ClientError) {
            return try reading { (reader, deadline) throws(SocketReader.Failure) in
                if reader.bufferedCount == 0 { try reader.fill(deadline: deadline) }
                var bytes: [UInt8] = []
                try reader.read(min(maxCount, reader.bufferedCount), into: &bytes, deadline: deadline)
                return bytes
            }
        } catch .closedBeforeResponse {
            return []
        }
    }

    /// Whether the peer closes (FIN or RST) within `duration` without sending anything first.
    /// Unread bytes, or bytes that arrive instead, mean false (and stay unread).
    package func isClosedByPeer(within duration: Duration) -> Bool {
        readLock.lock()
        defer { readLock.unlock() }
        guard !isClosed, reader.bufferedCount == 0 else { return false }
        let deadline = ContinuousClock.now + duration
        while true {
            let remaining = deadline - .now
            if remaining <= .zero { return false }
            let events = Int16(POLLIN) | Socket.pollPeerHangUp
            if Socket.poll(fd, events: events, milliseconds: Int32(remaining.roundedUpMilliseconds)) == 0 { continue }
            var byte: UInt8 = 0
            let peeked = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if peeked == 0 { return true }
            if peeked > 0 { return false }
            if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { return true }
        }
    }

    /// Sets `SO_RCVBUF` on the open connection; prefer `init(receiveBufferBytes:)`, which also shrinks the
    /// window the peer is first offered.
    package func setReceiveBuffer(bytes: Int) throws(ClientError) {
        do throws(SysError) {
            try Socket.setOption(fd, SOL_SOCKET, SO_RCVBUF, Int32(bytes))
        } catch {
            throw .socketFailed(call: error.call, errno: error.errno)
        }
    }

    /// Sends FIN but keeps reading (a half-close).
    package func shutdownWrite() {
        writeLock.lock()
        defer { writeLock.unlock() }
        if !isClosed { shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes the connection with RST instead of FIN, like a client that crashed.
    package func abort() {
        if !isClosed { Socket.setResetOnClose(fd) }
        close()
    }

    /// Closes the connection; idempotent, and wakes a read blocked on another thread.
    package func close() {
        stateLock.lock()
        let wasClosed = closed
        closed = true
        stateLock.unlock()
        guard !wasClosed else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        readLock.lock()
        writeLock.lock()
        Glibc.close(fd)
        writeLock.unlock()
        readLock.unlock()
    }

    private var isClosed: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return closed
    }

    /// Runs `body` under the read lock with this call's deadline, mapping reader failures to `ClientError`.
    func reading<T>(_ body: (SocketReader, ContinuousClock.Instant) throws(SocketReader.Failure) -> T)
        throws(ClientError) -> T
    {
        readLock.lock()
        defer { readLock.unlock() }
        guard !isClosed else { throw .socketFailed(call: "recv", errno: EBADF) }
        do throws(SocketReader.Failure) {
            return try body(reader, .now + timeout)
        } catch {
            throw ClientError(error)
        }
    }
}

extension ClientError {
    /// The client's view of a reader failure; callers that know how much arrived refine `.closedBeforeResponse`.
    init(_ failure: SocketReader.Failure) {
        switch failure {
        case .timeout: self = .timeout
        case .endOfStream, .reset, .cancelled: self = .closedBeforeResponse
        case .malformed(let reason): self = .malformed(reason)
        }
    }
}
