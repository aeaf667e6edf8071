import HTTP1
import Loop

extension ClientConnection {
    /// Sends "100 Continue" so a client waiting on `Expect: 100-continue` starts its body.
    package func sendContinue() {
        guard case .notStarted? = request?.response else { return }
        output.append(contentsOf: ResponseWriter.continue100)
        scheduleFlush()
    }

    /// Writes the response head; the connection picks keep-alive from the request, the framing and its own state.
    package func writeResponseHead(_ head: ResponseHead, framing: ResponseFraming) {
        guard let request, case .notStarted = request.response else { return }
        let keepAlive = request.keepAlive && framing != .closeDelimited && !server.isDraining
        updateRequest { $0.response = .started(framing, keepAlive: keepAlive) }
        // One allocation for a typical head and small body instead of several regrowths.
        if output.capacity == 0 { output.reserveCapacity(4096) }
        ResponseWriter.writeHead(
            head, framing: framing, clientVersion: request.version, keepAlive: keepAlive, into: &output)
        scheduleFlush()
    }

    /// Response bytes queued and not yet written.
    var queuedOutputBytes: Int { output.count - outputOffset }

    /// Whether pending output is below the high watermark, so more body may be queued now.
    package var hasRoomForBody: Bool {
        output.count - outputOffset <= limits.outputHighWatermark
    }

    /// Asks for ``RequestSink/responseWritable()`` once pending output drains below the low watermark.
    package func notifyWhenWritable() {
        updateRequest { $0.wantsWritable = true }
    }

    /// Queues body bytes (chunk-framed when the response is chunked). Returns false once pending output is above
    /// the high watermark: the caller should pause, and ``RequestSink/responseWritable()`` follows.
    @discardableResult
    package func writeBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let framing = request?.framing else { return false }
        if bytes.isEmpty { return true }
        switch framing {
        case .none:
            return true
        case .chunked:
            ResponseWriter.writeChunkPrefix(count: bytes.count, into: &output)
            output.append(contentsOf: bytes)
            output.append(contentsOf: ResponseWriter.chunkSuffix)
        case .contentLength, .closeDelimited:
            output.append(contentsOf: bytes)
        }
        scheduleFlush()
        if output.count - outputOffset > limits.outputHighWatermark {
            updateRequest { $0.wantsWritable = true }
            return false
        }
        return true
    }

    /// Completes the response; the next pipelined request (if any) is handled after it is flushed.
    package func finishResponse() {
        guard let request, case .started(let framing, let keepAlive) = request.response else { return }
        if framing == .chunked { output.append(contentsOf: ResponseWriter.lastChunk) }
        // A request body not read to its end leaves the stream unparseable: close after this response.
        if !keepAlive || !request.isBodyComplete || framing == .closeDelimited {
            beginClosing()
        } else {
            enter(.idle)
        }
        scheduleFlush()
    }

    /// Ends the connection without completing the framing, so a cut-off body can never look complete.
    package func abortResponse() {
        if isClosed { return }
        let started = request?.framing != nil
        _ = takeSink()
        if started || isClosing {
            // What is already queued is sent first; the missing end of the framing tells the client.
            beginClosing(drainInput: false)
            scheduleFlush()
        } else {
            close()
        }
    }

    /// Answers the current request with a complete JSON error response produced by the proxy itself.
    package func respondWithError(status: Int, code: String, detail: String, extraHeaders: HTTPHeaders = []) {
        guard let request, case .notStarted = request.response else { return }
        let keepAlive = request.keepAlive && request.isBodyComplete && !server.isDraining
        output.append(
            contentsOf: ErrorResponse.bytes(
                status: status, code: code, detail: detail, keepAlive: keepAlive, extraHeaders: extraHeaders))
        updateRequest { $0.response = .started(.contentLength(0), keepAlive: keepAlive) }
        finishResponse()
    }

    /// A malformed request: answer with its status and close.
    func reject(_ error: HTTP1Error) {
        takeSink()?.clientGone()
        if request?.framing != nil {
            abortResponse()
            return
        }
        output.append(contentsOf: ErrorResponse.bytes(for: error))
        beginClosing()
        scheduleFlush()
    }

    func scheduleFlush() {
        guard !flushScheduled, !isClosed else { return }
        flushScheduled = true
        loop.runAtEndOfIteration(self)
    }

    /// Flushes queued output once per loop iteration, then parses input that waited while a response was due.
    package func runDeferred() {
        flushScheduled = false
        if isClosed { return }
        flush()
        if pendingCount > 0 {
            if isIdle {
                enter(.readingHead)
                processPending()
            } else if request?.wantsBody == true {
                processPending()
            }
        }
        // Input that arrived while it was not wanted produced no new edge: read it now.
        if readReady { readAvailable() }
    }

    /// Writes pending output until the socket is full; then waits for EPOLLOUT.
    func flush() {
        while !isClosed && writeReady && outputOffset < output.count {
            let result: IOResult<Int>
            do {
                result = try output.withUnsafeBytes { (raw) throws(SysError) in
                    try Sys.write(fd, UnsafeRawBufferPointer(rebasing: raw[outputOffset...]))
                }
            } catch {
                peerGone()
                return
            }
            guard case .done(let count) = result else {
                writeReady = false
                break
            }
            outputOffset += count
        }
        if outputOffset == output.count {
            // Between requests the connection holds no output storage; mid-response it keeps what it grew to.
            if request != nil && output.capacity <= 4 * limits.outputHighWatermark {
                output.removeAll(keepingCapacity: true)
            } else {
                output = []
            }
            outputOffset = 0
            if isClosing { finishClosing() }
        } else if outputOffset > limits.outputHighWatermark {
            output.removeFirst(outputOffset)
            outputOffset = 0
        }
        if output.count - outputOffset <= limits.outputLowWatermark {
            let sink = updateRequest { request -> RequestSink? in
                guard request.wantsWritable else { return nil }
                request.wantsWritable = false
                return request.sink
            }
            sink??.responseWritable()
        }
    }
}
