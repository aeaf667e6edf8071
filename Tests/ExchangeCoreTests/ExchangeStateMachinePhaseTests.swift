import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// Every input in every phase it can reach, as tables: what the shell is told to do and where the machine moves.
@Suite("Exchange state machine: every input in every phase")
struct ExchangeStateMachinePhaseTests {
    /// Whether `action` hands back what an attempt held: the transfer (cancelled or ended) and its gate place.
    static func releases(_ action: Action) -> (cancel: Bool, gatePlace: Bool)? {
        action.release.map { ($0.cancelTransfer, $0.gatePlace) }
    }

    /// What an input that ends a phase must release: an attempt's transfer holds a gate place, a probe's does not.
    static func expectedRelease(_ phase: Phase, cancel: Bool, usesGate: Bool) -> (cancel: Bool, gatePlace: Bool)? {
        switch phase {
        case .attempting, .discarding, .delivering: return cancel || usesGate ? (cancel, usesGate) : nil
        case .probing: return cancel ? (true, false) : nil
        case .receivingRequest, .waitingAtGate, .waiting, .finished: return nil
        }
    }

    @Test(
        "the client leaving ends every phase; a transfer in flight is cancelled, an attempt's gate place handed back",
        arguments: Phase.allCases, [false, true])
    func clientGone(phase: Phase, usesGate: Bool) {
        var machine = phase.machine(usesGate: usesGate)
        let action = machine.clientGone()
        guard phase != .finished else {
            #expect(action == .none, "only once")
            return
        }
        let expected = Self.expectedRelease(phase, cancel: true, usesGate: usesGate)
        #expect(Self.releases(action)?.cancel == expected?.cancel)
        #expect(Self.releases(action)?.gatePlace == expected?.gatePlace)
        let finish = action.finish
        #expect(finish?.status == 499 && finish?.answer == ExchangeStateMachine.Answer.none)
        #expect(finish?.leaveGate == (phase == .waitingAtGate), "only a waiter leaves the gate's queue")
        #expect(finish?.giveUp == nil)
        #expect(machine.phase == "finished 499")
    }

    @Test(
        "shutdown answers every phase: a streaming response is cut, anything else is 503 shutting_down",
        arguments: Phase.allCases, [false, true])
    func shutdown(phase: Phase, usesGate: Bool) {
        var machine = phase.machine(usesGate: usesGate)
        let action = machine.shutdown()
        guard phase != .finished else {
            #expect(action == .none)
            return
        }
        let expected = Self.expectedRelease(phase, cancel: true, usesGate: usesGate)
        #expect(Self.releases(action)?.cancel == expected?.cancel)
        #expect(Self.releases(action)?.gatePlace == expected?.gatePlace)
        guard let finish = action.finish else {
            Issue.record("not finished: \(action)")
            return
        }
        if phase == .delivering {
            #expect(finish.status == 200 && finish.answer == .abortResponse)
        } else {
            #expect(finish.status == 503)
            guard case .error(503, "shutting_down", _) = finish.answer else {
                Issue.record("\(finish.answer)")
                return
            }
            // A request retryd fails is on record: the 503 of a shutdown is a give-up with its own reason.
            #expect(finish.giveUp == .shuttingDown)
        }
        #expect(machine.phase == "finished \(finish.status)")
    }

    @Test(
        "the timer: an attempt or a probe times out, a stalled discard moves on, a wait ends, a delivery re-arms",
        arguments: [Phase.attempting, .discarding, .waiting, .probing, .delivering, .waitingAtGate], [false, true])
    func timer(phase: Phase, usesGate: Bool) {
        var random = SplitMix64(seed: 3)
        var machine = phase.machine(usesGate: usesGate)
        let now = 2 * second
        let action = machine.timer(now: now, random: &random)
        let expected = Self.expectedRelease(phase, cancel: true, usesGate: usesGate)
        switch phase {
        case .attempting:
            #expect(Self.releases(action)?.gatePlace == expected?.gatePlace && action.cancelsTransfer)
            #expect(action.retry?.ended == .init(status: nil, duration: .seconds(2)))
            #expect(action.retry?.plan.reason == .maybeProcessed)
            #expect(machine.phase == "waiting after 1")
        case .discarding:
            #expect(Self.releases(action)?.gatePlace == expected?.gatePlace && action.cancelsTransfer)
            #expect(action.retry?.ended == nil, "reported with the head")
            #expect(action.retry?.plan.reason == .status(503))
            #expect(machine.phase == "waiting after 1")
        case .waiting:
            if usesGate {
                #expect(action == .askGate(maxWait: .seconds(8)))
                #expect(machine.phase == "waitingAtGate 2")
            } else {
                #expect(action == start(2))
                #expect(machine.phase == "attempting 2")
            }
        case .probing:
            #expect(Self.releases(action)?.cancel == true && Self.releases(action)?.gatePlace == false)
            #expect(action.retry?.plan.verifying == true)
            #expect(machine.probeHistory.map(\.outcome) == ["no probe response in time"])
        case .delivering:
            #expect(Self.releases(action)?.gatePlace == expected?.gatePlace && action.cancelsTransfer)
            #expect(action.finish?.answer == .abortResponse)
            #expect(action.finish?.warning == "response body stalled for 1s after 0 bytes")
        case .waitingAtGate:
            #expect(action == .none, "a stale bound has nothing to bound at the gate")
            #expect(machine.phase == "waitingAtGate 1")
        case .receivingRequest, .finished:
            Issue.record("impossible: see the exit tests")
        }
    }

    @Test("while the response streams, the timer re-arms for what is left of the idle bound")
    func timerWhileDelivering() {
        var random = SplitMix64(seed: 3)
        var machine = Phase.delivering.machine()
        #expect(machine.timer(now: second / 4, random: &random) == .rearmTimer(after: .milliseconds(750)))
        #expect(machine.phase == "delivering 200")
    }

    @Test(
        "a transfer's own end: the machine decides, an attempt's gate place is handed back, nothing is cancelled",
        arguments: Phase.withTransfer, [false, true])
    func transferSucceeded(phase: Phase, usesGate: Bool) {
        var random = SplitMix64(seed: 3)
        var machine = phase.machine(usesGate: usesGate)
        let action = machine.completed(now: second / 10, random: &random)
        let expected = Self.expectedRelease(phase, cancel: false, usesGate: usesGate)
        #expect(Self.releases(action)?.cancel == expected?.cancel)
        #expect(Self.releases(action)?.gatePlace == expected?.gatePlace)
        switch phase {
        case .attempting:
            // No head at all: the upstream closed inside it.
            #expect(action.retry?.plan.reason == .maybeProcessed && action.retry?.ended?.status == nil)
        case .discarding:
            #expect(
                action.retry == Machine.Retry(plan: .init(attempt: 1, wait: .milliseconds(50), reason: .status(503))))
        case .probing:
            let plan = Machine.RetryPlan(attempt: 1, wait: .milliseconds(50), reason: .maybeProcessed, verifying: true)
            #expect(action == .retry(.init(plan: plan)))
        case .delivering:
            #expect(action.afterRelease.finish == .init(status: 200, answer: .endResponse))
        case .receivingRequest, .waitingAtGate, .waiting, .finished:
            Issue.record("impossible: see the exit tests")
        }
    }

    @Test("a transfer that fails: retried, probed again, or a response cut off", arguments: Phase.withTransfer)
    func transferFailed(phase: Phase) {
        var random = SplitMix64(seed: 3)
        var machine = phase.machine()
        let action = machine.completed(.reset, now: second / 10, random: &random)
        #expect(Self.releases(action) == nil, "without a gate nothing is held")
        switch phase {
        case .attempting:
            #expect(action.retry?.plan.reason == .maybeProcessed)
            #expect(machine.planner.history.map(\.outcome) == ["Connection reset by peer"])
        case .discarding:
            #expect(action.retry?.plan.reason == .status(503))
            guard case .error(503, "shutting_down", _)? = machine.shutdown().finish?.answer else {
                Issue.record("a body cut short was kept")
                return
            }
        case .probing:
            #expect(action.retry?.plan.verifying == true)
            #expect(machine.probeHistory.map(\.outcome) == ["Connection reset by peer"])
        case .delivering:
            #expect(action.finish?.answer == .abortResponse)
            #expect(action.finish?.warning == "response cut off after 0 body bytes: Connection reset by peer")
        case .receivingRequest, .waitingAtGate, .waiting, .finished:
            Issue.record("impossible: see the exit tests")
        }
    }

    @Test(
        "a header line: read on in a transfer's phases (trailers included), stop a transfer the exchange outlived",
        arguments: [Phase.attempting, .discarding, .probing, .delivering, .finished])
    func headerLine(phase: Phase) {
        var random = SplitMix64(seed: 3)
        var machine = phase.machine()
        let line = phase == .attempting || phase == .probing ? "HTTP/1.1 200 OK\r\n" : "X-Trailer: 1\r\n"
        let action = machine.head(line, now: 0, random: &random)
        #expect(action == (phase == .finished ? .abortTransfer : .none))
        #expect(machine.phase.hasPrefix(phase.rawValue))
    }

    @Test(
        "a piece of response body: discarded while retrying or probing, relayed while delivering",
        arguments: [Phase.discarding, .probing, .delivering, .finished])
    func responseBody(phase: Phase) {
        var machine = phase.machine()
        let action = machine.body("abc", now: 0)
        let expected: [Phase: Action] = [
            .discarding: .none, .probing: .none, .delivering: .relayBody, .finished: .abortTransfer,
        ]
        #expect(action == expected[phase])
        #expect(machine.phase.hasPrefix(phase.rawValue))
    }

    @Test("a drained client resumes a delivery and nothing else", arguments: Phase.allCases)
    func clientWritable(phase: Phase) {
        var machine = phase.machine()
        #expect(machine.clientWritable() == (phase == .delivering ? .resumeTransfer : .none))
        #expect(machine.phase.hasPrefix(phase.rawValue))
    }

    @Test(
        "a full client pauses the next piece of a delivery; after the exchange ended it changes nothing",
        arguments: [Phase.delivering, .finished])
    func clientFull(phase: Phase) {
        var machine = phase.machine()
        #expect(machine.clientFull() == .none)
        #expect(machine.body("abc", now: 0) == (phase == .delivering ? .pauseTransfer : .abortTransfer))
    }

    @Test("the client's body after the exchange ended is ignored", arguments: [true, false])
    func requestAfterTheEnd(ends: Bool) {
        var machine = Phase.finished.machine()
        let action = ends ? machine.requestEnd(now: 0) : machine.clientBody([1])
        #expect(action == .none)
        #expect(machine.phase == "finished 499")
    }
}
