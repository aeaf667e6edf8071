import Glibc
import Loop

/// Buffered reads from one blocking socket with a deadline, shared by the upstream and the client.
///
/// Not thread-safe: one reader belongs to one thread at a time.
final class SocketReader {
    /// Why a read stopped short.
    enum Failure: Error, Equatable {
        case timeout
        case endOfStream
        case reset(errno: Int32)
        case cancelled
        case malformed(String)
    }

    /// How often a reader with a cancellation check wakes up to look at it.
    private static let cancellationSlice: Int64 = 100
    /// How much one `recv` asks for.
    private static let receiveSize = 64 * 1024
    /// A head longer than this is not HTTP the helpers expect.
    static let headLimit = 1024 * 1024

    let fd: Int32
    private let isCancelled: (@Sendable () -> Bool)?
    private var buffer: [UInt8] = []
    private var start = 0

    /// Bytes received but not yet consumed.
    var bufferedCount: Int { buffer.count - start }

    /// A reader over `fd`; `isCancelled` is polled while blocked so a stopping server can leave promptly.
    init(fd: Int32, isCancelled: (@Sendable () -> Bool)? = nil) {
        self.fd = fd
        self.isCancelled = isCancelled
    }

    /// Receives at least one more byte into the buffer.
    /// - Throws: `.endOfStream` on EOF, `.reset` on a socket error, `.timeout` past `deadline`, `.cancelled`.
    func fill(deadline: ContinuousClock.Instant?) throws(Failure) {
        while true {
            if let isCancelled, isCancelled() { throw .cancelled }
            var wait: Int64 = -1
            if let deadline {
                let remaining = deadline - .now
                if remaining <= .zero { throw .timeout }
                wait = remaining.roundedUpMilliseconds
            }
            if isCancelled != nil { wait = wait < 0 ? Self.cancellationSlice : min(wait, Self.cancellationSlice) }
            if Socket.poll(fd, events: Int16(POLLIN), milliseconds: Int32(wait)) == 0 { continue }
            let received: Int
            do throws(SysError) {
                received = try withUnsafeTemporaryAllocation(byteCount: Self.receiveSize, alignment: 1) {
                    (scratch) throws(SysError) in
                    let count = try Socket.receive(fd, into: scratch)
                    buffer.append(contentsOf: scratch[..<count])
                    return count
                }
            } catch let error where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                continue
            } catch {
                throw .reset(errno: error.errno)
            }
            if received == 0 { throw .endOfStream }
            return
        }
    }

    /// Waits up to `deadline` for a complete head without consuming it; `nil` if none arrived in time.
    func peekHead(deadline: ContinuousClock.Instant) throws(Failure) -> [UInt8]? {
        while true {
            if let end = headEnd() { return Array(buffer[start..<end]) }
            do throws(Failure) {
                try fill(deadline: deadline)
            } catch .timeout {
                return nil
            }
        }
    }

    /// Consumes one head, through its terminating empty line.
    func readHead(deadline: ContinuousClock.Instant?) throws(Failure) -> [UInt8] {
        while true {
            if let end = headEnd() { return take(end - start) }
            if bufferedCount > Self.headLimit { throw .malformed("head longer than \(Self.headLimit) bytes") }
            try fill(deadline: deadline)
        }
    }

    /// Consumes one CRLF-terminated line and returns it without the CRLF.
    func readLine(deadline: ContinuousClock.Instant?) throws(Failure) -> [UInt8] {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = take(newline + 1 - start)
                line.removeLast()
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            if bufferedCount > Self.headLimit { throw .malformed("line longer than \(Self.headLimit) bytes") }
            try fill(deadline: deadline)
        }
    }

    /// Appends exactly `count` bytes to `output`, as they arrive (so a failure leaves the partial bytes there).
    func read(_ count: Int, into output: inout [UInt8], deadline: ContinuousClock.Instant?) throws(Failure) {
        var missing = count
        while missing > 0 {
            if bufferedCount == 0 { try fill(deadline: deadline) }
            let piece = take(min(missing, bufferedCount))
            output.append(contentsOf: piece)
            missing -= piece.count
        }
    }

    /// Appends everything up to EOF to `output`; a reset also ends the stream.
    func readToEnd(into output: inout [UInt8], deadline: ContinuousClock.Instant?) throws(Failure) {
        while true {
            output.append(contentsOf: take(bufferedCount))
            do throws(Failure) {
                try fill(deadline: deadline)
            } catch .endOfStream, .reset {
                return
            }
        }
    }

    /// Consumes `count` buffered bytes.
    private func take(_ count: Int) -> [UInt8] {
        let bytes = Array(buffer[start..<start + count])
        start += count
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= Self.receiveSize * 16 {
            buffer.removeFirst(start)
            start = 0
        }
        return bytes
    }

    /// The index just past the first CRLFCRLF in the unconsumed bytes.
    private func headEnd() -> Int? {
        guard bufferedCount >= 4 else { return nil }
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        return nil
    }
}
