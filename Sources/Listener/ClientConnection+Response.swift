import HTTP1
import ListenerCore
import Loop

extension ClientConnection {
    /// Sends "100 Continue" so a client waiting on `Expect: 100-continue` starts its body.
    package func sendContinue() {
        perform(machine.sendContinue())
    }

    /// Writes the response head; the connection picks keep-alive from the request, the framing and its own state.
    package func writeResponseHead(_ head: ResponseHead, framing: ResponseFraming) {
        perform(machine.writeResponseHead(head, framing: framing, isDraining: server.isDraining))
    }

    /// Response bytes queued and not yet written.
    var queuedOutputBytes: Int { output.count - outputOffset }

    /// Whether pending output is below the high watermark, so more body may be queued now.
    package var hasRoomForBody: Bool {
        machine.hasRoomForBody(queued: queuedOutputBytes)
    }

    /// Asks for ``RequestSink/responseWritable()`` once pending output drains below the low watermark.
    package func notifyWhenWritable() {
        machine.notifyWhenWritable()
    }

    /// Queues body bytes (chunk-framed when the response is chunked). Returns false once pending output is above
    /// the high watermark: the caller should pause, and ``RequestSink/responseWritable()`` follows.
    @discardableResult
    package func writeBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch machine.writeBody(count: bytes.count) {
        case .refuse:
            return false
        case .skip:
            return true
        case .append(let chunked, let flush):
            if chunked {
                ResponseWriter.writeChunkPrefix(count: bytes.count, into: &output)
                output.append(contentsOf: bytes)
                output.append(contentsOf: ResponseWriter.chunkSuffix)
            } else {
                output.append(contentsOf: bytes)
            }
            if flush { loop.runAtEndOfIteration(self) }
            return machine.bodyQueued(queued: queuedOutputBytes)
        }
    }

    /// Completes the response; the next pipelined request (if any) is handled after it is flushed.
    package func finishResponse() {
        perform(machine.finishResponse(now: loop.now))
    }

    /// Ends the connection without completing the framing, so a cut-off body can never look complete.
    package func abortResponse() {
        perform(machine.abortResponse(now: loop.now))
    }

    /// Answers the current request with a complete JSON error response produced by the proxy itself.
    package func respondWithError(status: Int, code: String, detail: String, extraHeaders: HTTPHeaders = []) {
        perform(
            machine.respondWithError(
                status: status, code: code, detail: detail, extraHeaders: extraHeaders,
                isDraining: server.isDraining, now: loop.now))
    }

    /// Flushes queued output once per loop iteration, then parses input that waited while a response was due.
    package func runDeferred() {
        guard machine.deferredFlushRuns() else { return }
        flush()
        if pendingCount > 0, case .parse(let timerChange) = machine.resumeParsing(now: loop.now) {
            apply(timerChange)
            processPending()
        }
        // Input that arrived while it was not wanted produced no new edge: read it now.
        readAvailable()
    }

    /// Writes pending output until the socket is full; then waits for EPOLLOUT.
    func flush() {
        while machine.canWrite() && outputOffset < output.count {
            let result: IOResult<Int>
            do {
                result = try output.withUnsafeBytes { (raw) throws(SysError) in
                    let rest = UnsafeRawBufferPointer(rebasing: raw[outputOffset...])
                    if let transport { return try transport.write(rest) }
                    return try Sys.write(fd, rest)
                }
            } catch {
                perform(machine.peerGone())
                return
            }
            guard case .done(let count) = result else {
                machine.writeWouldBlock()
                break
            }
            outputOffset += count
        }
        let action = machine.flushed(remaining: output.count - outputOffset)
        if outputOffset == output.count {
            // Between requests the connection holds no output storage; mid-response it keeps what it grew to.
            if action.keepsOutputCapacity && output.capacity <= 4 * limits.outputHighWatermark {
                output.removeAll(keepingCapacity: true)
            } else {
                server.outputBuffers.recycle(&output)
            }
            outputOffset = 0
        } else if outputOffset > limits.outputHighWatermark {
            output.removeFirst(outputOffset)
            outputOffset = 0
        }
        perform(action)
    }
}
