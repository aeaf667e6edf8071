import HTTP1
import Loop

extension ClientConnection {
    /// Bytes read and not yet parsed.
    var pendingCount: Int { pending.count - pendingStart }

    /// Storage the connection holds for unparsed input, pending output and the parser's split lines.
    var heldBufferCapacity: Int { pending.capacity + output.capacity + parser.lineBufferCapacity }

    /// Reads while input is wanted and may be there; a short read means the socket is drained (epoll will say when
    /// more arrives), which saves the read that would only return EAGAIN.
    func readAvailable() {
        while !isClosed && readReady && wantsInput {
            let buffer = loop.readBuffer
            let result: IOResult<Int>
            do {
                result = try Sys.read(fd, into: buffer)
            } catch {
                peerGone()
                return
            }
            switch result {
            case .wouldBlock:
                readReady = false
            case .done(0):
                peerClosed = true
                readReady = false
                handleEndOfInput()
            case .done(let count):
                if count < buffer.count { readReady = false }
                if isClosing { continue }  // lingering: discard
                if isIdle { enter(.readingHead) }
                take(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
        }
    }

    /// Parses freshly read bytes where they lie in the loop's buffer and keeps only what the parser leaves.
    private func take(_ bytes: UnsafeRawBufferPointer) {
        guard pendingCount == 0 else {
            // Older bytes come first.
            pending.append(contentsOf: bytes)
            processPending()
            return
        }
        let consumed = processInput(bytes)
        if consumed < bytes.count && !isClosing && !isClosed {
            pending = Array(bytes[consumed...])
            pendingStart = 0
        }
    }

    /// Parses the bytes kept from earlier reads, then keeps what is still left (released when nothing is).
    func processPending() {
        guard pendingCount > 0 else { return }
        // Parsed from a local copy of the reference, so a callback that drops input cannot pull the storage away.
        var held: [UInt8] = []
        swap(&held, &pending)
        let start = pendingStart
        pendingStart = 0
        let consumed = held.withUnsafeBytes { processInput(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        let left = held.count - start - consumed
        guard left > 0, !isClosing, !isClosed else { return }
        if start + consumed > held.count / 2 {
            pending = Array(held[(start + consumed)...])
        } else {
            swap(&held, &pending)
            pendingStart = start + consumed
        }
    }

    /// Forgets unparsed input (the connection is closing, so it will never be parsed).
    func dropPendingInput() {
        pending = []
        pendingStart = 0
    }

    /// Reading continues while parsing can use the bytes: during a head or body, not while a finished
    /// request waits for its response (pipelined input stays in the buffer, bounded).
    var wantsInput: Bool {
        switch phase {
        case .idle, .readingHead: return pendingCount < limits.maxBufferedInput + limits.http.maxHeaderBytes
        case .exchange(let request): return request.wantsBody
        case .closing: return true
        case .closed: return false
        }
    }

    /// Feeds `input` to the parser until it needs more, a request completes, or reading pauses; returns how many
    /// bytes were consumed. Body bytes are handed to the exchange straight from `input`.
    func processInput(_ input: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        // Runs until the parser asks for more: `.end` can follow `.head` with nothing left to consume.
        while true {
            switch phase {
            case .closing, .closed: return offset
            case .exchange(let request) where !request.wantsBody: return offset
            case .idle, .readingHead, .exchange: break
            }
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let event: ParseEvent?
            do throws(HTTP1Error) {
                let consumed: Int
                (event, consumed) = try parser.parse(rest)
                offset += consumed
            } catch {
                reject(error)
                return offset
            }
            switch event {
            case nil:
                return offset
            case .head(let head):
                beginExchange(head)
            case .body(let range):
                let now = loop.now
                let sink = updateRequest { request in
                    request.body = .arriving(lastReadAt: now)
                    return request.sink
                }
                sink??.requestBody(UnsafeRawBufferPointer(rebasing: rest[range]))
            case .end:
                // After an early answer the connection may already be idle: the end belongs to no exchange then.
                let sink = updateRequest { request in
                    request.body = .complete
                    return request.sink
                }
                sink??.requestEnd()
            }
        }
    }

    private func beginExchange(_ head: RequestHead) {
        enter(
            .exchange(
                RequestState(
                    sink: nil, version: head.version, keepAlive: head.keepAlive,
                    body: .arriving(lastReadAt: loop.now))))
        let sink = server.handler.connection(self, didReceive: head)
        // The handler may have answered at once and moved the connection on; the sink then has nothing to hear.
        updateRequest { $0.sink = sink }
    }

    private func handleEndOfInput() {
        switch phase {
        case .idle, .closing, .readingHead:
            // A partial head and then end of stream: nothing can be answered.
            close()
        case .exchange:
            // Even a half-close after a complete request counts as leaving, as with nginx's default.
            peerGone()
        case .closed:
            break
        }
    }
}

extension ClientConnection.RequestState {
    /// Whether body bytes are wanted now.
    var wantsBody: Bool {
        if readingPaused { return false }
        if case .arriving = body { return true }
        return false
    }

    /// Whether the request body has been read to its end.
    var isBodyComplete: Bool {
        if case .complete = body { return true }
        return false
    }

    /// The response framing, once the head is out.
    var framing: ResponseFraming? {
        if case .started(let framing, _) = response { return framing }
        return nil
    }
}
