import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// What the machine decides for the upstream's retry budget and breaker: which retries spend, what an exchange's
/// end counts for, and a trial's own retries.
@Suite("Exchange state machine: budget spending and breaker outcomes")
struct ExchangeStateMachineBreakerTests {
    /// A retryable head, whether the upstream's health is consulted, and whether the retry it leads to spends.
    static let spending: [(head: String, consultsHealth: Bool, spends: Bool)] = [
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", true, true),
        ("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n", true, false),
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", false, false),
    ]

    @Test(
        "a retry spends the budget, except a rate limit's announced wait; without health nothing is spent",
        arguments: spending)
    func retryableHeadSpends(head: String, consultsHealth: Bool, spends: Bool) {
        var random = SplitMix64(seed: 1)
        var machine = Phase.attempting.machine(consultsHealth: consultsHealth)
        guard case .discardResponse(_, _, let spendsBudget, _) = machine.head(head, now: 0, random: &random) else {
            Issue.record("not discarded")
            return
        }
        #expect(spendsBudget == spends)
        // The budget was spent with the head: the retry that follows the body spends nothing more.
        #expect(machine.completed(now: 0, random: &random).retry?.spendsBudget == false)
    }

    @Test("a transport failure's retry spends the budget when health is consulted", arguments: [true, false])
    func failureSpends(consultsHealth: Bool) {
        var random = SplitMix64(seed: 1)
        var machine = Phase.attempting.machine(consultsHealth: consultsHealth)
        let retry = machine.completed(.reset, now: 0, random: &random).retry
        #expect(retry?.spendsBudget == consultsHealth)
        #expect(retry?.ended == .init(status: nil, duration: .zero))
    }

    /// How an exchange ends, and what its end tells the breaker.
    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case success, finalRetryableStatus, transportFailure, clientLeftMidAttempt, trialSucceeded, trialLeft

        var testDescription: String { rawValue }

        var outcome: Machine.HealthOutcome? {
            switch self {
            case .success: .record(failed: false, trial: nil, usesBreaker: true)
            case .finalRetryableStatus: .record(failed: true, trial: nil, usesBreaker: true)
            case .transportFailure: .record(failed: true, trial: nil, usesBreaker: true)
            // The retry's attempt never ended: the breaker hears nothing of the exchange.
            case .clientLeftMidAttempt: nil
            case .trialSucceeded: .record(failed: false, trial: 4, usesBreaker: true)
            case .trialLeft: .abandon(trial: 4)
            }
        }
    }

    @Test(
        "the exchange's end counts for the breaker when its last attempt ended; a trial without one is abandoned",
        arguments: Ending.allCases)
    func outcome(ending: Ending) {
        var random = SplitMix64(seed: 1)
        let trial = ending == .trialSucceeded || ending == .trialLeft ? 4 : nil
        var machine = Machine.make(
            method: ending == .transportFailure ? "POST" : "GET",
            policy: .quick(maxAttempts: ending == .finalRetryableStatus ? 1 : 3), consultsHealth: true)
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: trial), now: 0)
        let action: Action
        switch ending {
        case .success, .trialSucceeded:
            _ = machine.head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
            action = machine.completed(now: 0, random: &random)
        case .finalRetryableStatus:
            _ = machine.head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
            action = machine.completed(now: 0, random: &random)
        case .transportFailure:
            action = machine.completed(.reset, now: 0, random: &random)
        case .clientLeftMidAttempt:
            // The first attempt failed and was reported; the client leaves during the second.
            _ = machine.completed(.reset, now: 0, random: &random)
            _ = machine.timer(now: second, random: &random)
            _ = machine.consulted(.go(trial: nil), now: second)
            action = machine.clientGone()
        case .trialLeft:
            action = machine.clientGone()
        }
        #expect(action.finish != nil)
        #expect(action.finish?.health == ending.outcome)
    }

    @Test("a rule that keeps the breaker out says so with the outcome")
    func ruleWithoutBreaker() {
        var random = SplitMix64(seed: 1)
        var machine = Machine.make(consultsHealth: true, usesBreaker: false)
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: nil), now: 0)
        _ = machine.head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        #expect(
            machine.completed(now: 0, random: &random).finish?.health
                == .record(failed: false, trial: nil, usesBreaker: false))
    }

    @Test("a trial's own retry after a rate limit asks again without the breaker: still the one trial")
    func trialRetryKeepsItsPlace() {
        var random = SplitMix64(seed: 1)
        var machine = Machine.make(consultsHealth: true)
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: 7), now: 0)
        _ = machine.head(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        _ = machine.completed(now: 0, random: &random)
        #expect(machine.timer(now: second, random: &random) == .consultHealth(firstAttempt: false, usesBreaker: false))
        #expect(machine.consulted(.go(trial: nil), now: second) == start(2))
    }

    @Test("the allowance a completion brings decides its retry: a denied one gives up with its reason")
    func deniedAllowanceAtCompletion() {
        var random = SplitMix64(seed: 1)
        var machine = Machine.make(consultsHealth: true)
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: nil), now: 0)
        let action = machine.completed(.reset, now: 0, allowance: .denied(.breakerOpen), random: &random)
        #expect(action.finish?.giveUp == .breakerOpen)
        #expect(action.finish?.status == 502)
    }

    @Test("a refused consult at the end of a wait with nothing kept is the breaker's 503, as a give-up")
    func refusedRetryWithNothingKept() {
        var random = SplitMix64(seed: 1)
        var machine = Machine.make(consultsHealth: true)
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: nil), now: 0)
        _ = machine.completed(.reset, now: 0, random: &random)
        _ = machine.timer(now: second, random: &random)
        let refusal = Machine.Refusal(status: 503, code: "circuit_open", retryAfter: 2, detail: "open")
        let finish = machine.consulted(.refuse(refusal), now: second).finish
        #expect(finish?.answer == .refusal(refusal) && finish?.giveUp == .breakerOpen)
        #expect(finish?.health == .record(failed: true, trial: nil, usesBreaker: true))
    }
}
