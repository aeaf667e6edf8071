import Glibc
import Loop

extension UpstreamCore {
    /// How a connection ends once its thread is done with it.
    enum Ending {
        /// Keep reading requests.
        case keepAlive
        /// FIN, then read what the peer still sends for a moment, then close.
        case graceful
        /// Close at once; nothing is owed to the peer.
        case abort
        /// Close with RST.
        case reset
    }

    /// Serves requests on one connection until an action or the peer ends it.
    func serve(_ fd: Int32, connection: Int) {
        try? Socket.setTimeouts(fd, receive: Self.socketTimeout, send: Self.socketTimeout)
        try? Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        let reader = SocketReader(fd: fd) { [self] in isStopped }
        var ending = Ending.abort
        defer { end(fd, connection: connection, ending) }
        while true {
            guard let request = try? readRequest(from: reader, connection: connection) else { return }
            let (index, handler) = record(request)
            guard let handler else { return }
            ending = perform(handler(request, index), for: request, on: fd)
            if ending != .keepAlive { return }
        }
    }

    /// Reads one complete request; answers `Expect: 100-continue` before reading the body.
    private func readRequest(from reader: SocketReader, connection: Int) throws(SocketReader.Failure)
        -> RecordedRequest
    {
        let head = try reader.readHead(deadline: nil)
        let lines = HeadSyntax.lines(head).drop { $0.isEmpty }
        guard let requestLine = lines.first else { throw .malformed("empty head") }
        let parts = requestLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("bad request line") }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let field = HeadSyntax.field(line) else { throw .malformed("bad header line") }
            headers.append(field)
        }
        let chunked = HeadSyntax.isChunked(headers)
        var length: Int?
        if let text = HeadSyntax.value(of: "Content-Length", in: headers) {
            guard let value = Int(text), value >= 0 else { throw .malformed("bad Content-Length") }
            length = value
        }
        let expectsBody = chunked || (length ?? 0) > 0
        if expectsBody, HeadSyntax.value(of: "Expect", in: headers)?.lowercased() == "100-continue" {
            do throws(SysError) {
                try Socket.sendAll(reader.fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            } catch {
                throw .reset(errno: error.errno)
            }
        }
        var body: [UInt8] = []
        if chunked {
            _ = try reader.readChunkedBody(into: &body, deadline: nil)
        } else if let length {
            try reader.read(length, into: &body, deadline: nil)
        }
        return RecordedRequest(
            method: HeadSyntax.text(parts[0]), target: HeadSyntax.text(parts[1]), version: HeadSyntax.text(parts[2]),
            headers: headers, body: body, wasChunked: chunked, connection: connection, receivedAt: .now)
    }

    /// Closes the connection the way `ending` says, then forgets it.
    private func end(_ fd: Int32, connection: Int, _ ending: Ending) {
        switch ending {
        case .graceful:
            shutdown(fd, Int32(SHUT_WR))
            var discarded: [UInt8] = []
            let reader = SocketReader(fd: fd) { [self] in isStopped }
            try? reader.readToEnd(into: &discarded, deadline: .now + Self.lingerTime)
        case .reset:
            Socket.setResetOnClose(fd)
        case .abort, .keepAlive:
            break
        }
        forget(fd, connection: connection)
    }

    /// Waits `duration` unless the peer leaves or the upstream stops first; returns whether the wait ran out.
    func waitWhileConnected(_ fd: Int32, for duration: Duration) -> Bool {
        let deadline = ContinuousClock.now + duration
        let gone = Socket.pollPeerHangUp | Int16(POLLHUP) | Int16(POLLERR)
        while !isStopped {
            let remaining = deadline - .now
            if remaining <= .zero { return true }
            let slice = Int32(min(remaining.roundedUpMilliseconds, 100))
            if Socket.poll(fd, events: Socket.pollPeerHangUp, milliseconds: slice) & gone != 0 { return false }
        }
        return false
    }
}
