import Forwarder
import HTTP1
import Retry
import TestSupport

@testable import Proxy

/// One second of the loop's monotonic clock, in nanoseconds.
let second: Int64 = 1_000_000_000
/// The wall clock the state machine tests pretend it is.
let wallClock = 1_795_433_233.0

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
        now: Int64 = 0,
        verification: Verification? = nil
    ) -> ExchangeStateMachine {
        let head = RequestHead(
            method: method, target: target, headers: headers, framing: framing, expectsContinue: expectsContinue)
        return ExchangeStateMachine(
            request: head, policy: policy,
            configuration: Configuration(
                replayLimit: replayLimit, attemptTimeout: attemptTimeout, attemptsHeader: "X-Retryd-Attempts"),
            hasUpstreamTarget: hasUpstreamTarget, now: now, verification: verification)
    }

    /// Feeds a whole response head, line by line as libcurl would, and returns the last line's action.
    mutating func head(_ text: String, now: Int64, random: inout SplitMix64) -> HeadAction {
        var last = HeadAction.more
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
            last = line.withUnsafeBytes { headerLine($0, now: now, wallClock: wallClock, random: &random) }
            if last != .more { break }
        }
        return last
    }

    /// A piece of response body.
    mutating func body(_ text: String, receivedBefore: Int = 0, clientHasRoom: Bool = true, now: Int64) -> BodyAction {
        Array(text.utf8).withUnsafeBytes {
            responseBody($0, receivedBefore: receivedBefore, clientHasRoom: clientHasRoom, now: now)
        }
    }

    /// A piece of the client's request body.
    mutating func clientBody(_ bytes: [UInt8], now: Int64 = 0) -> UploadAction {
        bytes.withUnsafeBytes { requestBody($0, now: now) }
    }

    /// libcurl asks for up to `count` bytes of a streaming body; returns what it got.
    mutating func pull(_ count: Int) -> (read: BodyRead, resumeClient: Bool, bytes: [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: count)
        let (read, resume) = buffer.withUnsafeMutableBytes { readUpload(into: $0) }
        if case .bytes(let taken) = read { return (read, resume, Array(buffer.prefix(taken))) }
        return (read, resume, [])
    }

    /// Like ``pull(_:)``, without the bytes.
    mutating func take(_ count: Int) -> (BodyRead, Bool) {
        let pulled = pull(count)
        return (pulled.read, pulled.resumeClient)
    }

    /// The current transfer completed.
    mutating func completed(_ result: Result<Void, UpstreamError> = .success(()), now: Int64, random: inout SplitMix64)
        -> Step
    {
        transferCompleted(result, now: now, wallClock: wallClock, random: &random)
    }

    /// The exchange's timer fired.
    mutating func timer(now: Int64, mayHaveBeenSent: Bool = true, random: inout SplitMix64) -> Step {
        timerFired(now: now, mayHaveBeenSent: mayHaveBeenSent, wallClock: wallClock, random: &random)
    }

    /// The phase's name, for assertions that need not spell out its data.
    var phase: String {
        switch state {
        case .receivingRequest: "receivingRequest"
        case .waitingAtGate(let number): "waitingAtGate \(number)"
        case .attempting(let attempt): "attempting \(attempt.number)"
        case .discarding(let attempt, _): "discarding \(attempt.number)"
        case .probing(let probe): "probing \(probe.number)"
        case .waiting(let pending): "waiting after \(pending.plan.attempt)"
        case .delivering(let delivery): "delivering \(delivery.status)"
        case .finished(let status): "finished \(status)"
        }
    }
}

extension UpstreamError {
    /// A reset after sending.
    static let reset = UpstreamError(
        code: 56, message: "Connection reset by peer", mayHaveBeenSent: true, isTimeout: false)
    /// A refused connection: nothing was sent.
    static let refused = UpstreamError(code: 7, message: "Connection refused", mayHaveBeenSent: false, isTimeout: false)
    /// A certificate that does not verify.
    static let badCertificate = UpstreamError(
        code: 60, message: "SSL certificate problem", mayHaveBeenSent: false, isTimeout: false)
}

/// The attempt `number` starting, bounded by `timeout`, with `body`.
func start(_ number: Int, timeout: Duration = .seconds(1), body: RequestBody = .none) -> ExchangeStateMachine.Step {
    .start(ExchangeStateMachine.AttemptStart(number: number, timeout: timeout, body: body))
}
