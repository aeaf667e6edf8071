import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// Retries, give-ups, the client leaving and shutdown, as transitions of the exchange's state machine.
@Suite("Exchange state machine: retries and endings")
struct ExchangeStateMachineRetryTests {
    var random = SplitMix64(seed: 11)

    /// A machine whose first attempt is in flight.
    static func attempting(
        method: String = "GET", policy: RetryPolicy = .quick(maxAttempts: 3), attemptTimeout: Duration = .seconds(1)
    ) -> ExchangeStateMachine {
        var machine = ExchangeStateMachine.make(
            method: method, framing: method == "POST" ? .contentLength(2) : .none, policy: policy,
            attemptTimeout: attemptTimeout)
        _ = machine.begin(now: 0)
        if method == "POST" { _ = machine.clientBody(Array("{}".utf8)) }
        _ = machine.requestEnd(now: 0)
        return machine
    }

    @Test("a retryable status: its body is discarded, the retry waits the backoff, the next attempt starts")
    mutating func retryableStatus() {
        var machine = Self.attempting()
        let action = machine.head(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\n", now: second / 10, random: &random)
        let plan = ExchangeStateMachine.RetryPlan(attempt: 1, wait: .milliseconds(50), reason: .status(503))
        #expect(
            action
                == .discardResponse(
                    ended: .init(status: 503, duration: .milliseconds(100)), retry: plan, spendsBudget: false,
                    timeout: .seconds(1)))
        #expect(machine.body("busy", now: second / 10) == .none)
        #expect(machine.lastBody == Array("busy".utf8))
        #expect(machine.completed(now: second / 10, random: &random) == .retry(.init(plan: plan)))
        #expect(machine.phase == "waiting after 1")
        #expect(machine.timer(now: second / 5, random: &random) == start(2))
        guard
            case .deliverResponse(_, let head, _, _) = machine.head(
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", now: second / 5, random: &random)
        else {
            Issue.record("not delivered")
            return
        }
        #expect(head.headers.first(name: "X-Retryd-Attempts") == "2")
        #expect(machine.planner.history.map(\.outcome) == ["503", "200"])
    }

    @Test("an announced wait is taken instead of the backoff")
    mutating func announcedWait() {
        var machine = Self.attempting()
        _ = machine.head(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        let plan = ExchangeStateMachine.RetryPlan(attempt: 1, wait: .seconds(1), reason: .rateLimited(429))
        #expect(machine.completed(now: 0, random: &random) == .retry(.init(plan: plan)))
    }

    @Test("when attempts run out the retryable response goes to the client as a give-up, its body remembered")
    mutating func attemptsExhausted() {
        var machine = Self.attempting(policy: .quick(maxAttempts: 1))
        guard
            case .deliverResponse(_, let head, let framing, _) = machine.head(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\n", now: 0, random: &random)
        else {
            Issue.record("not delivered")
            return
        }
        #expect(head.status == 502 && framing == .contentLength(3))
        #expect(machine.body("bad", now: 0) == .relayBody)
        #expect(machine.lastBody == Array("bad".utf8))
        guard case .finish(let finish) = machine.completed(now: 0, random: &random) else {
            Issue.record("open")
            return
        }
        #expect(finish.giveUp == .notRetryable && finish.answer == .endResponse && finish.status == 502)
    }

    @Test("a retryable body longer than the discard limit is abandoned; the retry still comes")
    mutating func largeRetryableBody() {
        var machine = Self.attempting()
        _ = machine.head(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100000\r\n\r\n", now: 0, random: &random)
        #expect(machine.body("x", receivedBefore: 64 * 1024, now: 0) == .abortTransfer)
        guard case .retry(let retry) = machine.completed(.reset, now: 0, random: &random), retry.ended == nil else {
            Issue.record("no retry")
            return
        }
        // Not kept whole, so a shutdown now answers 503 rather than a partial response.
        #expect(machine.shutdown().finish?.status == 503)
    }

    @Test("a retryable body that stalls is given up on at the attempt bound, and the retry goes on")
    mutating func stalledRetryableBody() {
        var machine = Self.attempting()
        _ = machine.head("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 10\r\n\r\n", now: 0, random: &random)
        guard case .release(true, false, .retry(let retry)) = machine.timer(now: second, random: &random),
            retry.ended == nil
        else {
            Issue.record("no retry")
            return
        }
        #expect(machine.phase == "waiting after 1")
    }

    @Test(
        "a malformed or cut-off head is a maybe-processed failure: a GET retries, a POST gets 502",
        arguments: [
            (
                "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", Machine.TransferResult.reset,
                "The upstream sent a malformed header field."
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Type: appli", .success,
                "the upstream closed the connection inside the response head"
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", .reset,
                "the upstream closed the connection inside the response head"
            ),
        ])
    func badHeads(head: String, result: Machine.TransferResult, message: String) {
        var random = SplitMix64(seed: 3)
        var get = Self.attempting()
        _ = get.head(head, now: 0, random: &random)
        guard case .retry(let retry) = get.completed(result, now: 0, random: &random), let ended = retry.ended else {
            Issue.record("GET not retried")
            return
        }
        #expect(retry.plan.reason == .maybeProcessed && ended.status == nil)
        #expect(get.planner.history.first?.outcome == message)

        var post = Self.attempting(method: "POST")
        _ = post.head(head, now: 0, random: &random)
        guard case .finish(let finish) = post.completed(result, now: 0, random: &random) else {
            Issue.record("POST retried")
            return
        }
        #expect(finish.giveUp == .notSafeToRetry)
        guard case .error(502, "bad_upstream_response", let detail) = finish.answer else {
            Issue.record("answer \(finish.answer)")
            return
        }
        #expect(detail.hasPrefix(message))
    }

    @Test("transport failures: unsent is retried even for a POST, maybe-processed is not, permanent never is")
    mutating func transportFailures() {
        var unsent = Self.attempting(method: "POST")
        guard case .retry(let retry) = unsent.completed(.refused, now: 0, random: &random) else {
            Issue.record("unsent POST not retried")
            return
        }
        #expect(retry.plan.reason == .unsent)

        var reset = Self.attempting(method: "POST")
        guard case .finish(let finish) = reset.completed(.reset, now: 0, random: &random) else {
            Issue.record("maybe-processed POST retried")
            return
        }
        #expect(finish.status == 502 && finish.giveUp == .notSafeToRetry && finish.ended != nil)

        var certificate = Self.attempting()
        guard case .finish(let refused) = certificate.completed(.badCertificate, now: 0, random: &random) else {
            Issue.record("certificate failure retried")
            return
        }
        #expect(refused.giveUp == .notRetryable && certificate.attempts == 1)
        #expect(certificate.planner.history.map(\.outcome) == ["SSL certificate problem"])
    }

    @Test("an attempt that times out: a GET retries (cancelling it), a sent POST gets 504, an unsent one retries")
    mutating func attemptTimeout() {
        var get = Self.attempting()
        guard case .release(true, false, .retry(let retry)) = get.timer(now: second, random: &random) else {
            Issue.record("GET not retried")
            return
        }
        #expect(retry.ended == .init(status: nil, duration: .seconds(1)))

        var post = Self.attempting(method: "POST")
        guard case .finish(let finish) = post.timer(now: second, random: &random),
            finish.release == .init(cancelTransfer: true, gatePlace: false)
        else {
            Issue.record("sent POST retried")
            return
        }
        #expect(finish.status == 504)

        var unsent = Self.attempting(method: "POST")
        guard case .release(true, false, .retry) = unsent.timer(now: second, mayHaveBeenSent: false, random: &random)
        else {
            Issue.record("unsent POST not retried")
            return
        }
    }

    @Test("a wait that ends past the deadline finishes the exchange instead of starting an attempt")
    mutating func waitEndsPastDeadline() {
        var machine = Self.attempting(policy: .quick(maxAttempts: 3, deadline: .seconds(2)))
        _ = machine.completed(.reset, now: 0, random: &random)
        guard case .finish(let finish) = machine.timer(now: 3 * second, random: &random) else {
            Issue.record("started after the deadline")
            return
        }
        #expect(finish.status == 504 && finish.giveUp == .deadlineExceeded && machine.attempts == 1)
    }

    @Test("the client leaving ends the exchange in every phase, cancelling a transfer only when one is in flight")
    mutating func clientGoneInEveryPhase() {
        var receiving = ExchangeStateMachine.make(method: "POST", framing: .contentLength(5))
        _ = receiving.begin(now: 0)
        #expect(receiving.clientGone() == .finish(.init(status: 499, answer: .none)))

        var attempting = Self.attempting()
        #expect(attempting.clientGone().cancelsTransfer)
        #expect(attempting.clientGone() == .none, "only once")

        var waiting = Self.attempting()
        _ = waiting.completed(.reset, now: 0, random: &random)
        #expect(!waiting.clientGone().cancelsTransfer)

        var delivering = Self.attempting(policy: .quick(maxAttempts: 1))
        _ = delivering.head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 1\r\n\r\n", now: 0, random: &random)
        let gone = delivering.clientGone()
        #expect(gone.cancelsTransfer && gone.finish?.giveUp == .notRetryable && gone.finish?.status == 499)
    }

    @Test("shutdown: a kept retryable response is delivered whole, otherwise 503, a streaming body is cut")
    mutating func shutdownInEveryPhase() {
        var waiting = Self.attempting()
        _ = waiting.head(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nX-Request-Id: r1\r\n\r\n", now: 0, random: &random
        )
        _ = waiting.body("busy", now: 0)
        _ = waiting.completed(now: 0, random: &random)
        let keptAction = waiting.shutdown()
        #expect(!keptAction.cancelsTransfer)
        let kept = keptAction.finish
        let head = ResponseHead(
            status: 503, reason: "Service Unavailable",
            headers: [("Content-Length", "4"), ("X-Request-Id", "r1"), ("X-Retryd-Attempts", "1")])
        #expect(kept?.answer == .kept(head: head, framing: .contentLength(4), body: Array("busy".utf8)))
        #expect(kept?.status == 503 && kept?.bytesDelivered == 4)
        #expect(kept?.giveUp == .shuttingDown, "the vendor's 503 relayed because the retry never came")

        var discarding = Self.attempting()
        _ = discarding.head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\n", now: 0, random: &random)
        let cutAction = discarding.shutdown()
        let cut = cutAction.finish
        #expect(cut?.status == 503 && cutAction.cancelsTransfer)
        guard case .error(503, "shutting_down", _)? = cut?.answer else {
            Issue.record("not shutting_down")
            return
        }

        var delivering = Self.attempting()
        _ = delivering.head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", now: 0, random: &random)
        #expect(delivering.shutdown().finish?.answer == .abortResponse)
        #expect(delivering.shutdown() == .none)

        var receiving = ExchangeStateMachine.make(method: "POST", framing: .contentLength(5))
        _ = receiving.begin(now: 0)
        let receivingAction = receiving.shutdown()
        #expect(!receivingAction.cancelsTransfer && receivingAction.finish?.status == 503)
        #expect(receivingAction.finish?.giveUp == .shuttingDown)
    }

    @Test("a drained client with nothing paused changes nothing")
    mutating func drainedClientOutsideADelivery() {
        var receiving = ExchangeStateMachine.make(method: "POST", framing: .contentLength(5))
        _ = receiving.begin(now: 0)
        #expect(receiving.clientWritable() == .none)
        #expect(receiving.phase == "receivingRequest")
    }
}
