import Forwarder
import HTTP1
import Retry

extension Exchange: TransferDelegate {
    func transfer(_ transfer: Transfer, didReceiveHeaderLine line: UnsafeRawBufferPointer) -> Bool {
        let event: UpstreamHeadParser.Event
        do {
            event = try headParser.feed(line: line)
        } catch {
            // libcurl then ends the transfer with a write error; the completion reports this instead.
            headError = error
            return false
        }
        guard case .complete(let response, let contentLength, let isChunked) = event else { return true }
        return responseHeadArrived(response, contentLength: isChunked ? nil : contentLength)
    }

    /// The final response head: relay it to the client, framed for the client's version, or discard it and retry.
    func responseHeadArrived(_ response: ResponseHead, contentLength: Int?) -> Bool {
        guard let connection, !finished else { return false }
        switch decide(on: response) {
        case .retry(let wait, let reason):
            discarding = true
            pendingRetry = (wait, reason)
            lastResponse = (response, [], false)
            if let budget = planner.attemptBudget(elapsed: elapsed, attemptTimeout: upstream.attemptTimeout) {
                armAttemptTimer(budget)
            }
            return true
        case .giveUp(let reason):
            giveUpReason = reason
        case .deliver:
            break
        }
        // From here the response is final: the deadline no longer applies, the body streams with an idle bound.
        delivering = true
        lastBodyAt = service.loop.now
        armAttemptTimer(upstream.attemptTimeout)
        finalStatus = response.status
        var relayed = response
        relayed.headers = response.headers.removingHopByHop()
        for (name, value) in attemptsHeaders { relayed.headers.replaceOrAdd(name: name, value: value) }
        let framing = ResponseWriter.framing(
            requestMethod: head.method, clientVersion: head.version, status: response.status,
            contentLength: contentLength)
        connection.writeResponseHead(relayed, framing: framing)
        return true
    }

    func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition {
        if discarding {
            remember(bytes)
            // A large error body is not worth reading for connection reuse.
            guard transfer.bodyBytesReceived + bytes.count <= Self.discardLimit else { return .abort }
            lastResponse?.body.append(contentsOf: bytes)
            return .accepted
        }
        guard delivering, let connection else { return .abort }
        if clientFull || !connection.hasRoomForBody {
            clientFull = true
            connection.notifyWhenWritable()
            return .pause
        }
        // Only bytes taken count: a paused chunk is delivered again by libcurl.
        if giveUpReason != nil { remember(bytes) }
        bytesDelivered += bytes.count
        lastBodyAt = service.loop.now
        if !connection.writeBody(bytes) { clientFull = true }
        return .accepted
    }

    func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let available = body.count - uploadOffset
        if available == 0 {
            if requestEnded { return .bytes(0) }
            if finished { return .abort }
            uploadWaiting = true
            return .pause
        }
        let count = min(available, buffer.count)
        body.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + uploadOffset, byteCount: count)
        }
        uploadOffset += count
        // Streamed bodies are not kept: drop what libcurl has taken once it is a good share of the buffer.
        if uploadOffset > 64 * 1024 && uploadOffset * 2 > body.count {
            body.removeFirst(uploadOffset)
            uploadOffset = 0
        }
        if body.count - uploadOffset <= service.replayLimit / 2 { connection?.setReadingPaused(false) }
        return .bytes(count)
    }

    func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>) {
        guard self.transfer === transfer, !finished else { return }
        self.transfer = nil
        if discarding, let (wait, reason) = pendingRetry {
            // The retryable response's body is done with (or abandoned): its connection result does not matter.
            pendingRetry = nil
            if case .success = result { lastResponse?.complete = true }
            scheduleRetry(after: wait, reason: reason)
            return
        }
        if !delivering, let failure = badHead(after: result) {
            attemptFailed(failure)
            return
        }
        switch result {
        case .success:
            if delivering {
                connection?.finishResponse()
                complete(status: finalStatus)
            } else {
                attemptFailed(Self.cutOffHead)
            }
        case .failure(let error):
            if delivering {
                // Part of the body is out: end the connection so the truncation shows.
                connection?.abortResponse()
                service.logger.warning(
                    "response cut off after \(bytesDelivered) body bytes: \(error.message)",
                    metadata: ["upstream": .string(upstream.name)])
                complete(status: finalStatus)
            } else {
                attemptFailed(error)
            }
        }
    }

    /// The upstream closed inside its head: "cut-off headers", maybe processed (README rule 1), so it is retried
    /// exactly when a reset after sending would be. libcurl reports it as success or as a receive error.
    static let cutOffHead = TransportFailure(
        kind: .maybeProcessed, isBadResponse: true, message: "the upstream closed the connection inside the response head")

    /// The failure to report when the attempt ended without a head because that head was malformed or cut off.
    func badHead(after result: Result<Void, UpstreamError>) -> TransportFailure? {
        if let headError {
            return TransportFailure(kind: .maybeProcessed, isBadResponse: true, message: headError.detail)
        }
        if case .failure = result, headParser.isInsideHead { return Self.cutOffHead }
        return nil
    }
}
