import HTTP1
import ListenerCore
import Loop

extension ClientConnection {
    /// Bytes read and not yet parsed.
    var pendingCount: Int { pending.count - pendingStart }

    /// Storage the connection holds for unparsed input, pending output and the parser's split lines.
    var heldBufferCapacity: Int { pending.capacity + output.capacity + machine.parserBufferCapacity }

    /// Reads while the machine wants input and it may be there.
    func readAvailable() {
        while machine.wantsRead(pending: pendingCount) {
            let buffer = loop.readBuffer
            let result: IOResult<Int>
            do {
                if let transport {
                    result = try transport.read(into: buffer)
                } else {
                    result = try Sys.read(fd, into: buffer)
                }
            } catch {
                perform(machine.peerGone())
                return
            }
            switch result {
            case .wouldBlock:
                machine.readWouldBlock()
            case .done(0):
                perform(machine.endOfInput())
            case .done(let count):
                guard case .parse(let timerChange) = machine.received(count, capacity: buffer.count, now: loop.now)
                else { continue }  // lingering: discarded
                apply(timerChange)
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
        let (consumed, keepsRest) = processInput(bytes)
        if consumed < bytes.count && keepsRest {
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
        let (consumed, keepsRest) = held.withUnsafeBytes {
            processInput(UnsafeRawBufferPointer(rebasing: $0[start...]))
        }
        let left = held.count - start - consumed
        guard left > 0, keepsRest else { return }
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

    /// Feeds `input` to the machine's parser until it stops, handing each event to the handler or the sink; returns
    /// how many bytes were consumed and whether the rest is kept. Body bytes reach the sink straight from `input`.
    func processInput(_ input: UnsafeRawBufferPointer) -> (consumed: Int, keepsRest: Bool) {
        var offset = 0
        // Runs until the machine says stop: `.end` can follow `.head` with nothing left to consume.
        while true {
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            switch machine.parse(rest, now: loop.now) {
            case .stop(let consumed, let keepsRest):
                return (offset + consumed, keepsRest)
            case .head(let head, let consumed, let action):
                offset += consumed
                perform(action)
                // The handler may answer at once and move the connection on; the machine then drops the sink. Asked
                // before `attach` starts, so that answer is not an overlapping access to the machine.
                let sink = (routedHandler ?? server.handler).connection(self, didReceive: head)
                machine.attach(sink)
            case .body(let sink, let range, let consumed):
                offset += consumed
                sink?.requestBody(UnsafeRawBufferPointer(rebasing: rest[range]))
            case .end(let sink, let consumed):
                offset += consumed
                sink?.requestEnd()
            case .rejected(let action):
                perform(action)
                return (offset, false)
            }
        }
    }
}
