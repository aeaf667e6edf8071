import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// The exchange's phases and every transition between them, without sockets, clocks or sleeps.
@Suite("Exchange state machine")
struct ExchangeStateMachineTests {
    var random = SplitMix64(seed: 7)

    // MARK: Beginning

    @Test("CONNECT and a request-target with no path are answered by retryd, nothing is sent")
    func unforwardableRequests() {
        var connect = ExchangeStateMachine.make(method: "CONNECT", target: "vendor:443")
        guard case .finish(let finish) = connect.begin(now: 0) else {
            Issue.record("not refused")
            return
        }
        #expect(
            finish.answer
                == .error(
                    status: 405, code: "method_not_allowed", detail: "CONNECT is not supported by a reverse proxy"))
        #expect(finish.giveUp == nil && finish.health == nil)
        #expect(connect.phase == "finished 405" && connect.attempts == 0)

        var noTarget = ExchangeStateMachine.make(hasUpstreamTarget: false)
        guard case .finish(let other) = noTarget.begin(now: 0) else {
            Issue.record("not refused")
            return
        }
        #expect(other.status == 400)
        #expect(noTarget.requestEnd(now: 0) == .none, "a finished exchange ignores the body's end")
    }

    @Test("a bodiless request starts its first attempt at the body's end, bounded by attempt_timeout")
    mutating func bodilessRequestStartsAtEnd() {
        var machine = ExchangeStateMachine.make()
        #expect(machine.begin(now: 0) == .none)
        #expect(machine.phase == "receivingRequest")
        #expect(machine.requestEnd(now: 0) == start(1))
        #expect(machine.phase == "attempting 1")
    }

    @Test("a held body waits for 100 Continue and its end, then goes out whole and replayable")
    func heldBody() {
        var machine = ExchangeStateMachine.make(
            method: "POST", framing: .contentLength(6), expectsContinue: true)
        #expect(machine.begin(now: 0) == .sendContinue(then: .none))
        #expect(machine.clientBody(Array("abc".utf8)) == .none)
        #expect(machine.clientBody(Array("def".utf8)) == .none)
        #expect(machine.requestEnd(now: 0) == start(1, body: .buffered(Array("abcdef".utf8))))
        #expect(machine.planner.request.replayable)
    }

    @Test("a body over replay_limit streams: the attempt starts at once and is not replayable")
    func streamingBody() {
        var machine = ExchangeStateMachine.make(
            method: "PUT", framing: .contentLength(4096), expectsContinue: true, replayLimit: 1024)
        let action = machine.begin(now: 0)
        #expect(action == .sendContinue(then: start(1, body: .streaming(length: 4096))))
        #expect(!machine.planner.request.replayable)
    }

    @Test("a chunked body that outgrows replay_limit switches to streaming and starts the attempt")
    func chunkedBodyOutgrowsReplayLimit() {
        var machine = ExchangeStateMachine.make(method: "POST", framing: .chunked, replayLimit: 8)
        #expect(machine.begin(now: 0) == .none)
        #expect(machine.clientBody(Array("12345678".utf8)) == .none)
        #expect(machine.clientBody(Array("9".utf8)) == start(1, body: .streaming(length: nil)))
        #expect(!machine.planner.request.replayable)
        // What arrived before the switch is sent first.
        let pulled = machine.pull(64)
        #expect(pulled.read == .bytes(9))
        #expect(pulled.bytes == Array("123456789".utf8))
    }

    @Test("with no time left for a first attempt the exchange ends in a deadline give-up, 504")
    func noTimeForTheFirstAttempt() {
        var machine = ExchangeStateMachine.make(policy: .quick(deadline: .seconds(1)))
        _ = machine.begin(now: 0)
        guard case .finish(let finish) = machine.requestEnd(now: 2 * second) else {
            Issue.record("an attempt started after the deadline")
            return
        }
        #expect(finish.ended == nil)
        #expect(finish.status == 504 && finish.giveUp == .deadlineExceeded)
        #expect(machine.attempts == 0)
    }

    // MARK: Streaming uploads

    @Test("a streaming upload: libcurl waits when it has everything, resumes when bytes come, ends at the end")
    func streamingUploadFlow() {
        var machine = ExchangeStateMachine.make(method: "PUT", framing: .contentLength(4000), replayLimit: 1000)
        _ = machine.begin(now: 0)
        #expect(machine.take(16) == (.pause, false))
        #expect(
            machine.clientBody(Array(repeating: 1, count: 10))
                == .flowUpload(resumeTransfer: true, pauseClientReading: false))
        #expect(machine.take(16) == (.bytes(10), true))
        // More than replay_limit waiting for libcurl: stop reading the client.
        #expect(
            machine.clientBody(Array(repeating: 2, count: 1001))
                == .flowUpload(resumeTransfer: false, pauseClientReading: true))
        #expect(machine.take(600) == (.bytes(600), true))
        #expect(machine.requestEnd(now: 0) == .none, "libcurl was not waiting")
        #expect(machine.take(600) == (.bytes(401), true))
        #expect(machine.take(600) == (.bytes(0), false))
    }

    @Test("the end of a streaming body resumes a waiting transfer")
    func streamingEndResumes() {
        var machine = ExchangeStateMachine.make(method: "PUT", framing: .contentLength(4000), replayLimit: 1000)
        _ = machine.begin(now: 0)
        _ = machine.pull(16)
        #expect(machine.requestEnd(now: 0) == .flowUpload(resumeTransfer: true, pauseClientReading: false))
    }

    // MARK: Final responses

    @Test("a final response is relayed with hop-by-hop fields removed and the attempts header set")
    mutating func finalResponseIsRelayed() {
        var machine = ExchangeStateMachine.make()
        _ = machine.begin(now: 0)
        _ = machine.requestEnd(now: 0)
        #expect(machine.head("HTTP/1.1 100 Continue\r\n\r\n", now: 1, random: &random) == .none)
        let action = machine.head(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nX-Job: 7\r\n\r\n",
            now: 40_000_000, random: &random)
        let relayed = ResponseHead(
            status: 200, reason: "OK", headers: [("Content-Length", "2"), ("X-Job", "7"), ("X-Retryd-Attempts", "1")])
        #expect(
            action
                == .deliverResponse(
                    ended: .init(status: 200, duration: .milliseconds(40)), head: relayed, framing: .contentLength(2),
                    timeout: .seconds(1)))
        #expect(machine.body("ok", now: 50_000_000) == .relayBody)
        guard case .finish(let finish) = machine.completed(now: 60_000_000, random: &random) else {
            Issue.record("not finished")
            return
        }
        #expect(finish == .init(status: 200, answer: .endResponse, bytesDelivered: 2))
        #expect(machine.phase == "finished 200")
    }

    @Test("trailer lines while delivering continue the transfer")
    mutating func linesOutsideAHead() {
        var machine = ExchangeStateMachine.make()
        _ = machine.begin(now: 0)
        _ = machine.requestEnd(now: 0)
        _ = machine.head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", now: 0, random: &random)
        #expect(machine.head("X-Checksum: 1\r\n", now: 0, random: &random) == .none)
    }

    @Test("back-pressure: a full client pauses the transfer until it drains")
    mutating func backPressure() {
        var machine = ExchangeStateMachine.make()
        _ = machine.begin(now: 0)
        _ = machine.requestEnd(now: 0)
        _ = machine.head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", now: 0, random: &random)
        #expect(machine.body("abc", clientHasRoom: false, now: 0) == .pauseTransfer)
        #expect(machine.body("abc", now: 0) == .pauseTransfer, "still full until the client drains")
        #expect(machine.clientWritable() == .resumeTransfer)
        #expect(machine.body("abc", now: 0) == .relayBody)
        #expect(machine.clientFull() == .none)
        #expect(machine.body("def", now: 0) == .pauseTransfer)
        #expect(machine.clientWritable() == .resumeTransfer)
        #expect(machine.body("def", now: 0) == .relayBody)
        guard case .delivering(let delivery) = machine.state else {
            Issue.record("not delivering")
            return
        }
        #expect(delivery.bytes == 6)
    }

    @Test("a body that goes silent for attempt_timeout is cut; a full client does not count as silence")
    mutating func stalledBody() {
        var machine = ExchangeStateMachine.make(attemptTimeout: .seconds(1))
        _ = machine.begin(now: 0)
        _ = machine.requestEnd(now: 0)
        _ = machine.head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", now: 0, random: &random)
        _ = machine.body("abc", now: 600_000_000)
        #expect(machine.timer(now: 1 * second, random: &random) == .rearmTimer(after: .milliseconds(600)))
        _ = machine.body("abc", clientHasRoom: false, now: 1_500_000_000)
        #expect(machine.timer(now: 2 * second, random: &random) == .rearmTimer(after: .seconds(1)))
        #expect(machine.clientWritable() == .resumeTransfer)
        _ = machine.body("abc", now: 2 * second)
        let action = machine.timer(now: 3 * second, random: &random)
        guard case .finish(let finish) = action, finish.release == .init(cancelTransfer: true, gatePlace: false) else {
            Issue.record("not cut: \(action)")
            return
        }
        #expect(finish.answer == .abortResponse && finish.bytesDelivered == 6)
        #expect(finish.warning == "response body stalled for 1s after 6 bytes")
    }

    @Test("a body cut off by the upstream ends the client connection unfinished, with a warning")
    mutating func bodyCutOff() {
        var machine = ExchangeStateMachine.make()
        _ = machine.begin(now: 0)
        _ = machine.requestEnd(now: 0)
        _ = machine.head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", now: 0, random: &random)
        _ = machine.body("abc", now: 0)
        guard case .finish(let finish) = machine.completed(.reset, now: 0, random: &random) else {
            Issue.record("not finished")
            return
        }
        #expect(finish.answer == .abortResponse && finish.status == 200)
        #expect(finish.warning == "response cut off after 3 body bytes: Connection reset by peer")
    }
}
