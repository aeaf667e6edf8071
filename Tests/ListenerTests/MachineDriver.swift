import HTTP1
import ListenerCore

@testable import Listener

/// The machine under test.
typealias Machine = ClientConnectionStateMachine

/// A sink that only has a name ("s1", "s2", ...), so tests can say which request heard what.
final class NamedSink: RequestSink {
    let name: String

    init(_ name: String) {
        self.name = name
    }

    func requestBody(_ bytes: UnsafeRawBufferPointer) {}
    func requestEnd() {}
    func responseWritable() {}
    func clientGone() {}
}

/// The name of a sink the tests made, "-" for none.
func name(_ sink: Machine.Sink?) -> String {
    guard let sink else { return "-" }
    return (sink as? NamedSink)?.name ?? "?"
}

/// An action as tests compare it: the same fields, with the sink by name.
struct ExpectedAction: Equatable {
    var output: ConnectionOutput?
    var dropInput = false
    var timer: TimerChange?
    var socket: SocketChange?
    var flush = false
    var keepsOutputCapacity = false
    /// "<sink> <call>", e.g. "s1 clientGone".
    var sinkEvent: String?
}

extension ExpectedAction {
    /// What the machine returned, for comparison.
    init(_ action: Machine.Action) {
        self.init(
            output: action.output, dropInput: action.dropInput, timer: action.timer, socket: action.socket,
            flush: action.flush, keepsOutputCapacity: action.keepsOutputCapacity,
            sinkEvent: action.sinkEvent.map { "\(name($0.sink)) \($0.event)" })
    }
}

/// Compares what the machine returned with what a test expects.
func == (actual: Machine.Action, expected: ExpectedAction) -> Bool {
    ExpectedAction(actual) == expected
}

/// One second of the machine's monotonic nanoseconds.
let second: Int64 = 1_000_000_000

/// Drives a ``ClientConnectionStateMachine`` as the shell does, without a socket: bytes go through its parse loop,
/// each head gets the next sink name, and what the sinks hear is recorded.
struct MachineDriver {
    var machine: Machine
    let limits: ConnectionLimits
    /// What happened, in order: "head <target>", "body <sink> <bytes>", "end <sink>", "end -" (no sink).
    var events: [String] = []
    /// The actions parsing asked for (head timers, rejections), in order.
    var actions: [ExpectedAction] = []
    private var sinks = 0

    /// A started machine (idle since `now`) with the default server limits, changed by `configure`.
    init(now: Int64 = 0, _ configure: (inout ServerLimits) -> Void = { _ in }) {
        var limits = ServerLimits()
        configure(&limits)
        self.limits = limits.connection
        machine = Machine(limits: self.limits)
        _ = machine.start(now: now)
    }

    /// Feeds freshly read `text` as the shell does: `received`, then the parse loop. Returns the parse decision and
    /// how many bytes were consumed and kept.
    @discardableResult
    mutating func read(_ text: String, now: Int64 = 0, shortRead: Bool = true) -> (
        decision: Machine.InputDecision, consumed: Int, keepsRest: Bool
    ) {
        let bytes = Array(text.utf8)
        let decision = machine.received(bytes.count, capacity: bytes.count + (shortRead ? 1 : 0), now: now)
        guard case .parse = decision else { return (decision, 0, false) }
        let (consumed, keepsRest) = parse(bytes, now: now)
        return (decision, consumed, keepsRest)
    }

    /// The shell's parse loop over `bytes`: until the machine says stop.
    mutating func parse(_ bytes: [UInt8], now: Int64 = 0) -> (consumed: Int, keepsRest: Bool) {
        var offset = 0
        while true {
            let step = bytes.withUnsafeBytes {
                machine.parse(UnsafeRawBufferPointer(rebasing: $0[offset...]), now: now)
            }
            switch step {
            case .stop(let consumed, let keepsRest):
                return (offset + consumed, keepsRest)
            case .head(let head, let consumed, let action):
                offset += consumed
                actions.append(ExpectedAction(action))
                events.append("head \(head.target)")
                sinks += 1
                machine.attach(NamedSink("s\(sinks)"))
            case .body(let sink, let range, let consumed):
                offset += consumed
                events.append("body \(name(sink)) \(range.count)")
            case .end(let sink, let consumed):
                offset += consumed
                events.append("end \(name(sink))")
            case .rejected(let action):
                actions.append(ExpectedAction(action))
                return (offset, false)
            }
        }
    }
}

/// Builds an expected action; fields left out are the empty action's.
func action(
    output: ConnectionOutput? = nil, dropInput: Bool = false, timer: TimerChange? = nil, socket: SocketChange? = nil,
    flush: Bool = false, keepsOutputCapacity: Bool = false, sinkEvent: (String, SinkCall)? = nil
) -> ExpectedAction {
    ExpectedAction(
        output: output, dropInput: dropInput, timer: timer, socket: socket, flush: flush,
        keepsOutputCapacity: keepsOutputCapacity, sinkEvent: sinkEvent.map { "\($0.0) \($0.1)" })
}

/// A request head as the client would send it.
func request(_ target: String = "/", method: String = "GET", headers: [String] = [], body: String? = nil) -> String {
    var lines = ["\(method) \(target) HTTP/1.1", "Host: vendor"] + headers
    if let body { lines.append("Content-Length: \(body.utf8.count)") }
    return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
}
