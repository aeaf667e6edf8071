import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// Every phase of an exchange, and how a test brings a fresh machine there through its inputs alone.
enum Phase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case receivingRequest, waitingAtGate, attempting, discarding, waiting, probing, delivering, finished

    /// The phases in which a transfer is in flight.
    static let withTransfer: [Phase] = [.attempting, .discarding, .probing, .delivering]
    /// The phases in which no transfer is in flight.
    static let withoutTransfer: [Phase] = [.receivingRequest, .waitingAtGate, .waiting, .finished]

    var testDescription: String { rawValue }

    /// The probe of the machines that reach `.probing`.
    static let verification = ExchangeStateMachine.Verification(
        probe: VerifyProbe(path: "/e/{1}/status", judge: .field(JSONField("data.status")!, notApplied: ["CREATED"])),
        target: "/e/7/status")

    /// A machine in this phase; with `usesGate`, every attempt went through the quota gate first.
    func machine(usesGate: Bool = false, consultsHealth: Bool = false) -> ExchangeStateMachine {
        var random = SplitMix64(seed: 17)
        let needsProbe = self == .probing
        var machine = ExchangeStateMachine.make(
            method: needsProbe || self == .receivingRequest ? "POST" : "GET",
            target: needsProbe ? "/e/7/start" : "/v1/jobs/7",
            framing: needsProbe || self == .receivingRequest ? .contentLength(2) : .none,
            usesGate: usesGate || self == .waitingAtGate, consultsHealth: consultsHealth,
            verification: needsProbe ? Self.verification : nil)
        _ = machine.begin(now: 0)
        if self == .receivingRequest { return machine }
        if needsProbe { _ = machine.clientBody(Array("{}".utf8)) }
        var next = machine.requestEnd(now: 0)
        Self.proceed(&machine, &next, stoppingAtGate: self == .waitingAtGate)
        switch self {
        case .receivingRequest, .waitingAtGate, .attempting:
            break
        case .discarding:
            _ = machine.head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\n", now: 0, random: &random)
        case .waiting:
            _ = machine.completed(.reset, now: 0, random: &random)
        case .probing:
            _ = machine.head("HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 2\r\n\r\n", now: 0, random: &random)
            _ = machine.body("gw", now: 0)
            _ = machine.completed(now: 0, random: &random)
            _ = machine.timer(now: second / 20, random: &random)
        case .delivering:
            _ = machine.head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", now: 0, random: &random)
        case .finished:
            _ = machine.clientGone()
        }
        precondition(machine.phase.hasPrefix(rawValue), "reached \(machine.phase), not \(rawValue)")
        return machine
    }

    /// Answers the health and gate questions `action` asks with a go, until an attempt starts.
    static func proceed(_ machine: inout ExchangeStateMachine, _ action: inout Action, stoppingAtGate: Bool) {
        while true {
            switch action {
            case .consultHealth:
                action = machine.consulted(.go(trial: nil), now: 0)
            case .askGate where !stoppingAtGate:
                action = machine.admitted(now: 0)
            default:
                return
            }
        }
    }
}
