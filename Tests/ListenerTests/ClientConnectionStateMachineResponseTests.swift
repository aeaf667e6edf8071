import HTTP1
import ListenerCore
import Testing

/// Responses on a client connection, decided by its pure state machine: keep-alive, 100-continue, back-pressure,
/// flushing and closing. No socket, no clock, no sleep.
@Suite("Client connection state machine: responses")
struct ClientConnectionStateMachineResponseTests {
    /// A driver whose request `text` has been read completely (its flush not yet asked for).
    static func afterRequest(_ text: String = request(), now: Int64 = 0) -> MachineDriver {
        var driver = MachineDriver()
        driver.read(text, now: now)
        return driver
    }

    struct KeepAliveCase: CustomTestStringConvertible, Sendable {
        let request: String
        let framing: ResponseFraming
        let draining: Bool
        let keepAlive: Bool
        var testDescription: String { "\(request.prefix(while: { $0 != "\r" })) \(framing) draining=\(draining)" }
    }

    @Test(
        "the response head keeps the connection alive only when the request, the framing and the server allow",
        arguments: [
            KeepAliveCase(request: request(), framing: .contentLength(2), draining: false, keepAlive: true),
            KeepAliveCase(request: request(), framing: .chunked, draining: false, keepAlive: true),
            KeepAliveCase(request: request(), framing: .closeDelimited, draining: false, keepAlive: false),
            KeepAliveCase(request: request(), framing: .contentLength(2), draining: true, keepAlive: false),
            KeepAliveCase(
                request: request(headers: ["Connection: close"]), framing: .contentLength(2), draining: false,
                keepAlive: false),
            KeepAliveCase(
                request: "GET / HTTP/1.0\r\n\r\n", framing: .contentLength(2), draining: false, keepAlive: false),
        ])
    func keepAlive(_ example: KeepAliveCase) {
        var driver = Self.afterRequest(example.request)
        let head = ResponseHead(status: 200)
        let version: HTTPVersion = example.request.contains("HTTP/1.0") ? .http10 : .http11
        let written = driver.machine.writeResponseHead(head, framing: example.framing, isDraining: example.draining)
        #expect(
            written
                == action(
                    output: .head(head, framing: example.framing, clientVersion: version, keepAlive: example.keepAlive),
                    flush: true))
        let finished = driver.machine.finishResponse(now: 1 * second)
        if example.keepAlive {
            #expect(finished.timer == .arm(at: 61 * second))
            #expect(driver.machine.isIdle)
        } else {
            // Closing lingers: the timer bounds the drain of unread input.
            #expect(finished.timer == .arm(at: 3 * second))
            #expect(finished.dropInput)
        }
        #expect(finished.output == (example.framing == .chunked ? .lastChunk : nil))
    }

    @Test("a response finished before the request body ended closes the connection after it")
    func earlyAnswerCloses() {
        var driver = Self.afterRequest("POST /a HTTP/1.1\r\nHost: vendor\r\nContent-Length: 9\r\n\r\nab")
        _ = driver.machine.writeResponseHead(ResponseHead(status: 413), framing: .contentLength(0), isDraining: false)
        #expect(driver.machine.finishResponse(now: 0) == action(dropInput: true, timer: .arm(at: 2 * second)))
        #expect(driver.read("cdefghi").decision == .skip, "the rest of the body is drained, not parsed")
        #expect(driver.events == ["head /a", "body s1 2"])
    }

    @Test("Expect: 100-continue is answered when the exchange asks, and only before the response head")
    func expectContinue() {
        var driver = Self.afterRequest(
            "PUT /asset HTTP/1.1\r\nHost: vendor\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(driver.machine.sendContinue() == action(output: .continue100, flush: true))
        #expect(ConnectionOutput.continue100.bytes == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        driver.read("body")
        #expect(driver.events == ["head /asset", "body s1 4", "end s1"])
        _ = driver.machine.writeResponseHead(ResponseHead(status: 201), framing: .contentLength(0), isDraining: false)
        #expect(driver.machine.sendContinue().isEmpty)
    }

    @Test("one flush per loop iteration, however many writes ask for it; none for a closed connection")
    func oneFlushPerIteration() {
        var driver = Self.afterRequest(request(headers: ["Expect: 100-continue"]))
        #expect(driver.machine.sendContinue().flush)
        #expect(
            !driver.machine.writeResponseHead(ResponseHead(status: 200), framing: .chunked, isDraining: false).flush)
        let flushRuns = driver.machine.deferredFlushRuns()
        #expect(flushRuns)
        #expect(driver.machine.writeBody(count: 5) == .append(chunked: true, flush: true))
        _ = driver.machine.close()
        let runsAfterClose = driver.machine.deferredFlushRuns()
        #expect(!runsAfterClose, "the flush queued before the close finds nothing to do")
    }

    @Test("body writes: refused before a head, skipped when empty or bodiless, chunk-framed when chunked")
    func bodyWrites() {
        var driver = Self.afterRequest()
        #expect(driver.machine.writeBody(count: 3) == .refuse)
        _ = driver.machine.writeResponseHead(ResponseHead(status: 200), framing: .contentLength(3), isDraining: false)
        #expect(driver.machine.writeBody(count: 0) == .skip)
        #expect(driver.machine.writeBody(count: 3) == .append(chunked: false, flush: false))
        var head = Self.afterRequest(request(method: "HEAD"))
        _ = head.machine.writeResponseHead(ResponseHead(status: 200), framing: .none, isDraining: false)
        #expect(head.machine.writeBody(count: 3) == .skip)
    }

    @Test("back-pressure: above the high watermark the exchange pauses; at the low watermark it hears once")
    func backPressure() {
        var driver = Self.afterRequest()
        _ = driver.machine.writeResponseHead(ResponseHead(status: 200), framing: .chunked, isDraining: false)
        let high = driver.limits.outputHighWatermark
        let low = driver.limits.outputLowWatermark
        #expect(driver.machine.hasRoomForBody(queued: high) == true)
        #expect(driver.machine.hasRoomForBody(queued: high + 1) == false)
        let roomAtHigh = driver.machine.bodyQueued(queued: high)
        #expect(roomAtHigh)
        let roomAboveHigh = driver.machine.bodyQueued(queued: high + 1)
        #expect(!roomAboveHigh)
        #expect(driver.machine.flushed(remaining: low + 1) == action(keepsOutputCapacity: true))
        #expect(
            driver.machine.flushed(remaining: low)
                == action(keepsOutputCapacity: true, sinkEvent: ("s1", .responseWritable)))
        #expect(driver.machine.flushed(remaining: 0) == action(keepsOutputCapacity: true), "heard once")
        driver.machine.notifyWhenWritable()
        #expect(
            driver.machine.flushed(remaining: 0)
                == action(keepsOutputCapacity: true, sinkEvent: ("s1", .responseWritable)))
    }

    @Test("a write that would block waits for epoll's writable edge")
    func writeReadiness() {
        var driver = MachineDriver()
        #expect(driver.machine.canWrite() == true)
        driver.machine.writeWouldBlock()
        #expect(driver.machine.canWrite() == false)
        driver.machine.writable()
        #expect(driver.machine.canWrite() == true)
        _ = driver.machine.close()
        #expect(driver.machine.canWrite() == false)
    }

    @Test("an aborted response is cut: what is queued goes out, then the connection closes without lingering")
    func abortResponse() {
        var started = Self.afterRequest()
        _ = started.machine.writeResponseHead(ResponseHead(status: 200), framing: .chunked, isDraining: false)
        #expect(started.machine.abortResponse(now: 0) == action(dropInput: true, timer: .arm(at: 2 * second)))
        #expect(started.machine.flushed(remaining: 0) == action(timer: .cancel, socket: .close))
        var notStarted = Self.afterRequest()
        #expect(notStarted.machine.abortResponse(now: 0) == action(timer: .cancel, socket: .close))
    }

    @Test("a proxy error response keeps the connection only when the request body was read to its end")
    func errorResponse() {
        var complete = Self.afterRequest()
        let answer = complete.machine.respondWithError(
            status: 503, code: "upstream_unavailable", detail: "d", isDraining: false, now: 0)
        let body = ConnectionOutput.error(
            status: 503, code: "upstream_unavailable", detail: "d", extraHeaders: [], keepAlive: true)
        #expect(answer == action(output: body, timer: .arm(at: 60 * second), flush: true))
        var partial = Self.afterRequest("POST /a HTTP/1.1\r\nHost: vendor\r\nContent-Length: 9\r\n\r\nab")
        let cut = partial.machine.respondWithError(status: 502, code: "c", detail: "d", isDraining: false, now: 0)
        #expect(
            cut.output == .error(status: 502, code: "c", detail: "d", extraHeaders: [], keepAlive: false))
        #expect(cut.timer == .arm(at: 2 * second))
    }

    @Test("closeAfterResponse turns keep-alive off before the head and changes nothing after it")
    func closeAfterResponse() {
        var before = Self.afterRequest()
        before.machine.closeAfterResponse()
        let head = ResponseHead(status: 200)
        #expect(
            before.machine.writeResponseHead(head, framing: .contentLength(0), isDraining: false).output
                == .head(head, framing: .contentLength(0), clientVersion: .http11, keepAlive: false))
        var after = Self.afterRequest()
        _ = after.machine.writeResponseHead(head, framing: .contentLength(0), isDraining: false)
        after.machine.closeAfterResponse()
        #expect(after.machine.finishResponse(now: 0).timer == .arm(at: 60 * second))
    }

    @Test("a close tells the sink once; a reset closes with SO_LINGER 0; both only once")
    func closeAndReset() {
        var driver = Self.afterRequest()
        #expect(driver.machine.reset() == action(timer: .cancel, socket: .reset, sinkEvent: ("s1", .clientGone)))
        #expect(driver.machine.close().isEmpty)
        #expect(driver.machine.reset().isEmpty)
    }

    @Test("a handler that answers inside its head callback leaves the sink out of the rest of the request")
    func answeredAtOnce() {
        var driver = MachineDriver()
        let bytes = Array(request().utf8)
        let step = bytes.withUnsafeBytes { driver.machine.parse($0, now: 0) }
        guard case .head(_, let consumed, _) = step else {
            Issue.record("expected a head, got \(step)")
            return
        }
        _ = driver.machine.writeResponseHead(ResponseHead(status: 204), framing: .none, isDraining: false)
        // The request's end had not been parsed yet, so the connection cannot be reused.
        #expect(driver.machine.finishResponse(now: 0).socket == nil)
        driver.machine.attach(NamedSink("late"))
        let rest = bytes.withUnsafeBytes {
            driver.machine.parse(UnsafeRawBufferPointer(rebasing: $0[consumed...]), now: 0)
        }
        guard case .stop(let restConsumed, let keepsRest) = rest else {
            Issue.record("expected a stop, got \(rest)")
            return
        }
        #expect(restConsumed == 0 && !keepsRest)
    }
}
