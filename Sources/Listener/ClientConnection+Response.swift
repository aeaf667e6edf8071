import HTTP1

extension ClientConnection {
    /// Sends "100 Continue" so a client waiting on `Expect: 100-continue` starts its body.
    public func sendContinue() {
        guard phase == .exchange, responseFraming == nil else { return }
        output.append(contentsOf: ResponseWriter.continue100)
        scheduleFlush()
    }

    /// Whether a response head has been written for the current request.
    public var hasStartedResponse: Bool { responseFraming != nil }

    /// Writes the response head; the connection picks keep-alive from the request, the framing and its own state.
    public func writeResponseHead(_ head: ResponseHead, framing: ResponseFraming) {
        guard phase == .exchange, responseFraming == nil else { return }
        responseFraming = framing
        // One allocation for a typical head and small body instead of several regrowths.
        if output.capacity == 0 { output.reserveCapacity(4096) }
        responseKeepAlive = requestKeepAlive && framing != .closeDelimited && !server.isDraining
        ResponseWriter.writeHead(
            head, framing: framing, clientVersion: clientVersion, keepAlive: responseKeepAlive, into: &output)
        scheduleFlush()
    }

    /// Whether pending output is below the high watermark, so more body may be queued now.
    public var hasRoomForBody: Bool {
        output.count - outputOffset <= limits.outputHighWatermark
    }

    /// Asks for ``RequestSink/responseWritable()`` once pending output drains below the low watermark.
    public func notifyWhenWritable() {
        sinkWantsWritable = true
    }

    /// Queues body bytes (chunk-framed when the response is chunked). Returns false once pending output is above
    /// the high watermark: the caller should pause, and ``RequestSink/responseWritable()`` follows.
    @discardableResult
    public func writeBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard phase == .exchange, let framing = responseFraming else { return false }
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
            sinkWantsWritable = true
            return false
        }
        return true
    }

    /// Completes the response; the next pipelined request (if any) is handled after it is flushed.
    public func finishResponse() {
        guard phase == .exchange, let framing = responseFraming else { return }
        if framing == .chunked { output.append(contentsOf: ResponseWriter.lastChunk) }
        sink = nil
        requestsServed += 1
        // A request body not read to its end leaves the stream unparseable: close after this response.
        if !responseKeepAlive || !requestComplete || framing == .closeDelimited {
            beginClosing()
        } else {
            enter(.idle)
        }
        scheduleFlush()
    }

    /// Ends the connection without completing the framing, so a cut-off body can never look complete.
    public func abortResponse() {
        guard phase != .closed else { return }
        sink = nil
        if responseFraming == nil {
            close()
        } else {
            // What is already queued is sent first; the missing end of the framing tells the client.
            beginClosing(drainInput: false)
            scheduleFlush()
        }
    }

    /// Answers the current request with a complete JSON error response produced by the proxy itself.
    public func respondWithError(status: Int, code: String, detail: String, extraHeaders: HTTPHeaders = []) {
        guard phase == .exchange, responseFraming == nil else { return }
        let keepAlive = requestKeepAlive && requestComplete && !server.isDraining
        output.append(
            contentsOf: ErrorResponse.bytes(
                status: status, code: code, detail: detail, keepAlive: keepAlive, extraHeaders: extraHeaders))
        responseFraming = .contentLength(0)
        responseKeepAlive = keepAlive
        finishResponse()
    }

    /// A malformed request: answer with its status and close.
    func reject(_ error: HTTP1Error) {
        sink?.clientGone()
        sink = nil
        if phase == .exchange && responseFraming != nil {
            abortResponse()
            return
        }
        output.append(contentsOf: ErrorResponse.bytes(for: error))
        beginClosing()
        scheduleFlush()
    }

    func scheduleFlush() {
        guard !flushScheduled, phase != .closed else { return }
        flushScheduled = true
        loop.runAtEndOfIteration(self)
    }

    public func runDeferred() {
        flushScheduled = false
        flush()
        if phase == .idle && pendingCount > 0 {
            enter(.readingHead)
            processPending()
        } else if phase == .exchange && !requestComplete && !readingPaused && pendingCount > 0 {
            processPending()
        }
        // Input that arrived while it was not wanted produced no new edge: read it now.
        if readReady { readAvailable() }
    }

    /// Writes pending output until the socket is full; then waits for EPOLLOUT.
    func flush() {
        while writeReady && outputOffset < output.count {
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
            if phase == .exchange && output.capacity <= 4 * limits.outputHighWatermark {
                output.removeAll(keepingCapacity: true)
            } else {
                output = []
            }
            outputOffset = 0
            if phase == .closing { finishClosing() }
        } else if outputOffset > limits.outputHighWatermark {
            output.removeFirst(outputOffset)
            outputOffset = 0
        }
        if sinkWantsWritable && output.count - outputOffset <= limits.outputLowWatermark {
            sinkWantsWritable = false
            sink?.responseWritable()
        }
    }
}
