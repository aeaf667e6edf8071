import HTTP1
import ListenerCore
import TestSupport
import Testing

/// Seeded random walks through the machine: every input in any order the shell could give it, checking the rules
/// that must hold whatever happens. A failing seed replays exactly.
@Suite("Client connection state machine: random walks")
struct ClientConnectionStateMachineWalkTests {
    @Test(
        "closed is final, one flush per iteration, timers never in the past, a gone sink hears nothing more",
        arguments: 0..<32 as Range<UInt64>)
    func walk(seed: UInt64) {
        var walk = MachineWalk(random: SplitMix64(seed: seed))
        var connections = 0
        for _ in 0..<2000 {
            walk.step()
            guard walk.closed else { continue }
            // Whatever comes after the close does nothing; then the next connection starts.
            for _ in 0..<20 { walk.step() }
            _ = walk.check(walk.machine.close(), "close")
            let usable = walk.machine.wantsRead(pending: 0) || walk.machine.canWrite()
            #expect(!usable, "a closed connection still reads or writes")
            connections += 1
            walk = MachineWalk(random: walk.random)
        }
        #expect(connections > 5, "the walk hardly got anywhere")
    }
}

/// One random walk: a client stream of mixed requests, read in random pieces, and the exchange's calls in between.
struct MachineWalk {
    var machine = Machine(limits: MachineDriver().limits)
    var random: SplitMix64
    var now: Int64 = 0
    /// The timer's deadline while armed.
    var armed: Int64?
    /// What the client has still to send, and what was read and not parsed.
    var stream: [UInt8]
    var pending: [UInt8] = []
    var flushOwed = false
    var closed = false
    var sinks = 0
    var gone: Set<String> = []

    init(random: SplitMix64) {
        self.random = random
        var text = ""
        for index in 0..<8 {
            switch self.random.next() % 6 {
            case 0: text += request("/\(index)", body: "hello")
            case 1: text += request("/\(index)", headers: ["Expect: 100-continue"], body: "0123456789")
            case 2: text += request("/\(index)", headers: ["Connection: close"])
            case 3: text += request("/\(index)", headers: ["Transfer-Encoding: chunked"]) + "3\r\nabc\r\n0\r\n\r\n"
            case 4 where index == 7: text += "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"
            default: text += request("/\(index)")
            }
        }
        stream = Array(text.utf8)
        _ = check(machine.start(now: now), "start")
    }

    mutating func pick(_ count: UInt64) -> Int { Int(random.next() % count) }

    /// An action with only a timer change or a flush, for the decisions that come without one.
    func effect(timer: TimerChange? = nil, flush: Bool = false) -> Machine.Action {
        var action = Machine.Action()
        action.timer = timer
        action.flush = flush
        return action
    }

    /// Checks one action against the walk's rules and keeps the shell's side (timer, input, flush) in step.
    @discardableResult
    mutating func check(_ action: Machine.Action, _ input: String) -> Machine.Action {
        if closed { #expect(action.isEmpty, "\(input) after the close did \(action)") }
        if action.flush {
            #expect(!flushOwed, "\(input) asked for a second flush in one iteration")
            flushOwed = true
        }
        switch action.timer {
        case .arm(let deadline)?:
            #expect(deadline >= now, "\(input) armed the timer in the past")
            armed = deadline
        case .cancel?: armed = nil
        case nil: break
        }
        if action.dropInput { pending = [] }
        if action.socket == .close || action.socket == .reset {
            #expect(action.timer == .cancel, "\(input) closed with the timer armed")
            closed = true
        }
        if let event = action.sinkEvent {
            let sink = name(event.sink)
            #expect(!gone.contains(sink), "\(input): \(sink) heard \(event.event) after it was gone")
            if event.event == .clientGone { gone.insert(sink) }
        }
        return action
    }

    /// Parses `pending` as the shell does, keeping what the machine says to keep.
    mutating func parsePending() {
        var offset = 0
        parsing: while true {
            let step = pending.withUnsafeBytes {
                machine.parse(UnsafeRawBufferPointer(rebasing: $0[offset...]), now: now)
            }
            switch step {
            case .stop(let consumed, let keepsRest):
                offset += consumed
                pending = keepsRest ? Array(pending[min(offset, pending.count)...]) : []
                break parsing
            case .head(_, let consumed, let action):
                #expect(!closed)
                offset += consumed
                check(action, "head")
                sinks += 1
                machine.attach(NamedSink("s\(sinks)"))
            case .body(let sink, _, let consumed), .end(let sink, let consumed):
                offset += consumed
                #expect(!gone.contains(name(sink)), "\(name(sink)) heard body after it was gone")
            case .rejected(let action):
                check(action, "rejection")
                pending = []
                break parsing
            }
        }
    }

    mutating func step() {
        now += Int64(pick(3)) * second / 2
        // Reads are the commonest input; the ones that end a connection (timer, hang-up, abort) are rare, so that a
        // walk gets through several requests first.
        switch pick(18) {
        case 0, 1, 2, 15, 16:
            machine.readable()
            guard machine.wantsRead(pending: pending.count), !stream.isEmpty else { return }
            let count = min(stream.count, 1 + pick(40))
            let piece = Array(stream.prefix(count))
            stream.removeFirst(count)
            guard case .parse(let timer) = machine.received(count, capacity: 64, now: now) else { return }
            check(effect(timer: timer), "received")
            pending += piece
            parsePending()
        case 3:
            guard let deadline = armed, pick(8) == 0 else { return }
            now = max(now, deadline)
            armed = nil
            check(machine.timerFired(now: now), "timer")
        case 4: check(machine.sendContinue(), "sendContinue")
        case 5:
            let framings: [ResponseFraming] = [.contentLength(3), .chunked, .none, .closeDelimited]
            let head = machine.writeResponseHead(
                ResponseHead(status: 200), framing: framings[pick(4)], isDraining: pick(10) == 0)
            check(head, "writeResponseHead")
        case 6:
            guard case .append(_, let flush) = machine.writeBody(count: pick(3) * 100) else { return }
            check(effect(flush: flush), "writeBody")
            _ = machine.bodyQueued(queued: pick(2) * 300_000)
        case 7: check(machine.finishResponse(now: now), "finishResponse")
        case 8: if pick(8) == 0 { check(machine.abortResponse(now: now), "abortResponse") }
        case 9:
            check(machine.respondWithError(status: 502, code: "c", detail: "d", isDraining: false, now: now), "error")
        case 10: check(machine.setReadingPaused(pick(2) == 0), "setReadingPaused")
        case 11: pick(2) == 0 ? machine.notifyWhenWritable() : machine.closeAfterResponse()
        case 12, 13:
            guard flushOwed else { return }
            flushOwed = false
            guard machine.deferredFlushRuns() else { return }
            check(machine.flushed(remaining: [0, 64 * 1024, 300_000][pick(3)]), "flushed")
            if !pending.isEmpty, case .parse(let timer) = machine.resumeParsing(now: now) {
                check(effect(timer: timer), "resumeParsing")
                parsePending()
            }
        case 14: if pick(8) == 0 { check(machine.hangUp(pending: pending.count), "hangUp") }
        default:
            if stream.isEmpty && pick(4) == 0 { check(machine.endOfInput(), "endOfInput") }
        }
    }
}
