import HTTP1
import Retry
import TestSupport

@testable import ExchangeCore

/// One second of the loop's monotonic clock, in nanoseconds.
let second: Int64 = 1_000_000_000
/// The wall clock the state machine tests pretend it is.
let wallClock = 1_795_433_233.0

typealias Machine = ExchangeStateMachine
typealias Action = ExchangeStateMachine.Action

extension ExchangeStateMachine {
    /// A machine for one request with quick, jitter-free retries: 50 ms, 100 ms, 200 ms, ...
    static func make(
        method: String = "GET",
        target: String = "/v1/jobs/7",
        headers: HTTPHeaders = [("Host", "vendor")],
        framing: BodyFraming = .none,
        expectsContinue: Bool = false,
        policy: RetryPolicy = .quick(maxAttempts: 3),
        replayLimit: Int = 1024,
        attemptTimeout: Duration = .seconds(1),
        hasUpstreamTarget: Bool = true,
        usesGate: Bool = false,
        consultsHealth: Bool = false,
        usesBreaker: Bool = true,
        now: Int64 = 0,
        verification: Verification? = nil
    ) -> ExchangeStateMachine {
        let head = RequestHead(
            method: method, target: target, headers: headers, framing: framing, expectsContinue: expectsContinue)
        return ExchangeStateMachine(
            request: head, policy: policy,
            configuration: Configuration(
                replayLimit: replayLimit, attemptTimeout: attemptTimeout, attemptsHeader: "X-Retryd-Attempts",
                usesGate: usesGate, consultsHealth: consultsHealth, usesBreaker: usesBreaker),
            hasUpstreamTarget: hasUpstreamTarget, now: now, verification: verification)
    }

    /// Feeds a whole response head, line by line as libcurl would, and returns the last line's action.
    mutating func head(
        _ text: String, now: Int64, allowance: RetryAllowance = .allowed, random: inout SplitMix64
    ) -> Action {
        var last = Action.none
        // Split on LF bytes: as Characters, "\r\n" is one grapheme and never equals "\n".
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == UInt8(ascii: "\n") {
                lines.append(current)
                current = []
            }
        }
        if !current.isEmpty { lines.append(current) }
        for line in lines {
            last = line.withUnsafeBytes {
                headerLine($0, allowance: allowance, now: now, wallClock: wallClock, random: &random)
            }
            if last != .none { break }
        }
        return last
    }

    /// A piece of response body.
    mutating func body(_ text: String, receivedBefore: Int = 0, clientHasRoom: Bool = true, now: Int64) -> Action {
        Array(text.utf8).withUnsafeBytes {
            responseBody($0, receivedBefore: receivedBefore, clientHasRoom: clientHasRoom, now: now)
        }
    }

    /// A piece of the client's request body.
    mutating func clientBody(_ bytes: [UInt8], now: Int64 = 0) -> Action {
        bytes.withUnsafeBytes { requestBody($0, now: now) }
    }

    /// libcurl asks for up to `count` bytes of a streaming body; returns what it got.
    mutating func pull(_ count: Int) -> (read: BodyRead, resumeClient: Bool, bytes: [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: count)
        let action = buffer.withUnsafeMutableBytes { readUpload(into: $0) }
        guard case .uploadRead(let read, let resume) = action else { return (.abort, false, []) }
        if case .bytes(let taken) = read { return (read, resume, Array(buffer.prefix(taken))) }
        return (read, resume, [])
    }

    /// Like ``pull(_:)``, without the bytes.
    mutating func take(_ count: Int) -> (BodyRead, Bool) {
        let pulled = pull(count)
        return (pulled.read, pulled.resumeClient)
    }

    /// The current transfer completed.
    mutating func completed(
        _ result: TransferResult = .success, now: Int64, allowance: RetryAllowance = .allowed,
        random: inout SplitMix64
    ) -> Action {
        transferCompleted(result, allowance: allowance, now: now, wallClock: wallClock, random: &random)
    }

    /// The exchange's timer fired.
    mutating func timer(
        now: Int64, mayHaveBeenSent: Bool = true, allowance: RetryAllowance = .allowed, random: inout SplitMix64
    ) -> Action {
        timerFired(
            now: now, mayHaveBeenSent: mayHaveBeenSent, allowance: allowance, wallClock: wallClock, random: &random)
    }
}

extension ExchangeStateMachine.TransferResult {
    /// A reset after sending.
    static let reset = Self.failure(
        TransportFailure(kind: .maybeProcessed, message: "Connection reset by peer"), isPermanent: false)
    /// A refused connection: nothing was sent.
    static let refused = Self.failure(
        TransportFailure(kind: .unsent, message: "Connection refused"), isPermanent: false)
    /// A certificate that does not verify.
    static let badCertificate = Self.failure(
        TransportFailure(kind: .unsent, message: "SSL certificate problem"), isPermanent: true)
}

extension ExchangeStateMachine.Action {
    /// The action once the transfer in flight is released, if it is: what follows `.release`.
    var afterRelease: Self {
        if case .release(_, _, let then) = self { return then }
        if case .finish(var finish) = self, finish.release != nil {
            finish.release = nil
            return .finish(finish)
        }
        return self
    }

    /// What the action hands back of the attempt first: a release around it, or an ending's own.
    var release: ExchangeStateMachine.TransferRelease? {
        switch self {
        case .release(let cancel, let gatePlace, _): .init(cancelTransfer: cancel, gatePlace: gatePlace)
        case .finish(let finish): finish.release
        default: nil
        }
    }

    /// The exchange's ending, under any release or verdict around it; nil when the action does not finish.
    var finish: ExchangeStateMachine.Finish? {
        switch self {
        case .finish(let finish): finish
        case .release(_, _, let then), .verified(_, let then), .sendContinue(let then): then.finish
        default: nil
        }
    }

    /// The retry, under any release or verdict around it; nil when the action does not retry.
    var retry: ExchangeStateMachine.Retry? {
        switch self {
        case .retry(let retry): retry
        case .release(_, _, let then), .verified(_, let then): then.retry
        default: nil
        }
    }

    /// Whether the action cancels the transfer in flight.
    var cancelsTransfer: Bool {
        release?.cancelTransfer == true
    }
}

/// The attempt `number` starting, bounded by `timeout`, with `body`.
func start(_ number: Int, timeout: Duration = .seconds(1), body: RequestBody = .none) -> Action {
    .startAttempt(ExchangeStateMachine.AttemptStart(number: number, timeout: timeout, body: body))
}
