import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// Inputs that cannot reach a phase (the shell's transfer, timer and gate follow the machine's actions) are
/// assertions: a debug build stops at once rather than carry on from a state no action led to. Each runs in a child
/// process, which must end in failure. (Release builds return `.none` or `.abortTransfer` there instead.)
@Suite("Exchange state machine: impossible inputs stop a debug build")
struct ExchangeStateMachineImpossibleTests {
    @Test("begin twice")
    func beginTwice() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.attempting.machine()
            _ = machine.begin(now: 0)
        }
        expectStop("begin in attempting 1", result)
    }

    @Test("a timer while the request is still arriving")
    func timerWhileReceiving() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.receivingRequest.machine()
            _ = machine.timer(now: 0, random: &random)
        }
        expectStop("timer fired in receivingRequest", result)
    }

    @Test("a timer after the end")
    func timerAfterTheEnd() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.finished.machine()
            _ = machine.timer(now: 0, random: &random)
        }
        expectStop("timer fired in finished 499", result)
    }

    @Test("a transfer completing while the request is still arriving")
    func completionWhileReceiving() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.receivingRequest.machine()
            _ = machine.completed(now: 0, random: &random)
        }
        expectStop("transfer completed in receivingRequest", result)
    }

    @Test("a transfer completing at the gate")
    func completionAtTheGate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.waitingAtGate.machine()
            _ = machine.completed(now: 0, random: &random)
        }
        expectStop("transfer completed in waitingAtGate 1", result)
    }

    @Test("a transfer completing during a wait")
    func completionWhileWaiting() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.waiting.machine()
            _ = machine.completed(now: 0, random: &random)
        }
        expectStop("transfer completed in waiting after 1", result)
    }

    @Test("a transfer completing after the end")
    func completionAfterTheEnd() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.finished.machine()
            _ = machine.completed(now: 0, random: &random)
        }
        expectStop("transfer completed in finished 499", result)
    }

    @Test("a header line with no transfer in flight")
    func headerLineWhileWaiting() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.waiting.machine()
            _ = machine.head("HTTP/1.1 200 OK\r\n", now: 0, random: &random)
        }
        expectStop("header line in waiting after 1", result)
    }

    @Test("a header line before any attempt")
    func headerLineWhileReceiving() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var random = SplitMix64(seed: 1)
            var machine = Phase.receivingRequest.machine()
            _ = machine.head("HTTP/1.1 200 OK\r\n", now: 0, random: &random)
        }
        expectStop("header line in receivingRequest", result)
    }

    @Test("a response body before its head")
    func bodyBeforeItsHead() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.attempting.machine()
            _ = machine.body("x", now: 0)
        }
        expectStop("response body while attempting", result)
    }

    @Test("a response body during a wait")
    func bodyWhileWaiting() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.waiting.machine()
            _ = machine.body("x", now: 0)
        }
        expectStop("response body in waiting after 1", result)
    }

    @Test("libcurl reading a held body through the streaming path")
    func heldBodyRead() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Machine.make(method: "POST", framing: .contentLength(1))
            _ = machine.begin(now: 0)
            _ = machine.take(16)
        }
        expectStop("upload read of a body that does not stream", result)
    }

    @Test("the gate's go for an exchange that is not waiting")
    func admittedWhileAttempting() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.attempting.machine()
            _ = machine.admitted(now: 0)
        }
        expectStop("admitted in attempting 1", result)
    }

    @Test("the gate's refusal for an exchange that is not waiting")
    func refusedWhileDelivering() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.delivering.machine()
            _ = machine.refusedAtGate(.init(status: 429, code: "rate_limited", retryAfter: 1, detail: "closed"))
        }
        expectStop("refused at the gate in delivering 200", result)
    }

    @Test("the breaker's answer nobody asked for")
    func consultedWhileDiscarding() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.discarding.machine()
            _ = machine.consulted(.go(trial: nil), now: 0)
        }
        expectStop("consulted in discarding 1", result)
    }

    @Test("the request body ending twice")
    func requestEndTwice() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Machine.make(method: "POST", framing: .contentLength(1))
            _ = machine.clientBody([1])
            _ = machine.requestEnd(now: 0)
            _ = machine.requestEnd(now: 0)
        }
        expectStop("request body ended twice", result)
    }

    @Test("a bodiless request ending twice would start a second attempt")
    func bodilessEndTwice() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.attempting.machine()
            _ = machine.requestEnd(now: 0)
        }
        expectStop("a bodiless request ended in attempting 1", result)
    }

    @Test("body bytes after a body's end")
    func bodyAfterItsEnd() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Machine.make(method: "POST", framing: .contentLength(1))
            _ = machine.clientBody([1])
            _ = machine.requestEnd(now: 0)
            _ = machine.clientBody([2])
        }
        expectStop("request body after its end", result)
    }

    @Test("a full client with no delivery")
    func clientFullWhileWaiting() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var machine = Phase.waiting.machine()
            _ = machine.clientFull()
        }
        expectStop("client full in waiting after 1", result)
    }

    /// The child stopped at the machine's assertion for this input, not anywhere else.
    func expectStop(_ message: String, _ result: ExitTest.Result?, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains(message), "stopped elsewhere: \(output)", sourceLocation: sourceLocation)
    }
}
