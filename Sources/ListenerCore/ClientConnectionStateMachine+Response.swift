import HTTP1

extension ClientConnectionStateMachine {
    /// The exchange asks for "100 Continue", so a client waiting on `Expect: 100-continue` starts its body.
    package mutating func sendContinue() -> Action {
        var action = Action()
        guard case .notStarted? = request?.response else { return action }
        action.output = .continue100
        action.flush = requestFlush()
        return action
    }

    /// The exchange writes its response head; keep-alive follows from the request, the framing and whether the
    /// server is draining.
    package mutating func writeResponseHead(_ head: ResponseHead, framing: ResponseFraming, isDraining: Bool) -> Action
    {
        var action = Action()
        // In place: reading `request` first would copy it (and retain its sink) twice, ~1k instructions per response.
        let started = updateRequest { request -> (version: HTTPVersion, keepAlive: Bool)? in
            guard case .notStarted = request.response else { return nil }
            let keepAlive = request.keepAlive && framing != .closeDelimited && !isDraining
            request.response = .started(framing, keepAlive: keepAlive)
            return (request.version, keepAlive)
        }
        guard let started = started ?? nil else { return action }
        action.output = .head(head, framing: framing, clientVersion: started.version, keepAlive: started.keepAlive)
        action.flush = requestFlush()
        return action
    }

    /// The exchange has `count` body bytes to write: whether and how they are framed.
    package mutating func writeBody(count: Int) -> BodyWrite {
        guard let framing = request?.framing else { return .refuse }
        if count == 0 || framing == .none { return .skip }
        return .append(chunked: framing == .chunked, flush: requestFlush())
    }

    /// Body bytes were queued and `queued` bytes now wait: false above the high watermark, and the sink then hears
    /// ``SinkCall/responseWritable`` once output drains.
    package mutating func bodyQueued(queued: Int) -> Bool {
        assert(request?.framing != nil, "body queued that writeBody did not allow")
        guard queued > limits.outputHighWatermark else { return true }
        updateRequest { $0.wantsWritable = true }
        return false
    }

    /// The exchange asks to hear ``SinkCall/responseWritable`` once pending output drains.
    package mutating func notifyWhenWritable() {
        updateRequest { $0.wantsWritable = true }
    }

    /// Makes the current response the connection's last ("Connection: close"); only before its head.
    package mutating func closeAfterResponse() {
        updateRequest { request in
            if case .notStarted = request.response { request.keepAlive = false }
        }
    }

    /// The response is complete: the connection waits for the next request, or closes after the flush.
    package mutating func finishResponse(now: Int64) -> Action {
        var action = Action()
        guard let request, case .started(let framing, let keepAlive) = request.response else { return action }
        if framing == .chunked { action.output = .lastChunk }
        // A request body not read to its end leaves the stream unparseable: close after this response.
        if !keepAlive || !request.isBodyComplete || framing == .closeDelimited {
            action.merge(beginClosing(linger: true, now: now))
        } else {
            action.timer = enter(.idle, now: now)
        }
        action.flush = requestFlush()
        return action
    }

    /// The forward proxy accepted a CONNECT: "200 Connection established", then the connection waits for the
    /// tunnel's first request whatever the CONNECT said about keep-alive (an HTTP/1.0 CONNECT still keeps its tunnel).
    package mutating func answerTunnel(now: Int64) -> Action {
        let accepted = updateRequest { request -> Bool in
            guard case .notStarted = request.response, request.isBodyComplete else { return false }
            request.response = .started(.none, keepAlive: true)
            return true
        }
        guard accepted == true else { return Action() }
        var action = finishResponse(now: now)
        action.output = .connectionEstablished
        return action
    }

    /// Ends the connection without completing the framing, so a cut-off body can never look complete.
    package mutating func abortResponse(now: Int64) -> Action {
        if isClosed { return Action() }
        let started = request?.framing != nil
        _ = takeSink()
        guard started || isClosing else { return close() }
        // What is already queued is sent first; the missing end of the framing tells the client.
        var action = beginClosing(linger: false, now: now)
        action.flush = requestFlush()
        return action
    }

    /// Answers the current request with a whole JSON error response produced by the proxy itself.
    package mutating func respondWithError(
        status: Int, code: String, detail: String, extraHeaders: HTTPHeaders = [], isDraining: Bool, now: Int64
    ) -> Action {
        guard let request, case .notStarted = request.response else { return Action() }
        let keepAlive = request.keepAlive && request.isBodyComplete && !isDraining
        updateRequest { $0.response = .started(.contentLength(0), keepAlive: keepAlive) }
        var action = finishResponse(now: now)
        action.output = .error(
            status: status, code: code, detail: detail, extraHeaders: extraHeaders, keepAlive: keepAlive)
        return action
    }
}
