import Retry
import Testing

/// The reason codes a journal row, a metric label and a `--reason` filter carry.
@Suite struct GiveUpReasonTests {
    static let every: [GiveUpReason] = [
        .attemptsExhausted, .deadlineExceeded, .waitTooLong(.seconds(30)), .notSafeToRetry, .bodyNotReplayable,
        .verifyInconclusive, .notRetryable, .budgetExhausted, .breakerOpen, .gateClosed, .shuttingDown,
    ]

    @Test("the list a filter checks against holds every reason's code, once, in declaration order")
    func codesAreComplete() {
        #expect(GiveUpReason.codes == Self.every.map(\.code))
        #expect(Set(GiveUpReason.codes).count == GiveUpReason.codes.count)
    }

    @Test("the breaker, the budget and the gate refuse; the rest are the request's own give-ups")
    func refusals() {
        #expect(Self.every.filter(\.isRefusal).map(\.code) == ["budget_exhausted", "breaker_open", "gate_closed"])
        #expect(GiveUpReason.refusalCodes == Set(Self.every.filter(\.isRefusal).map(\.code)))
        #expect(GiveUpReason.gateClosed.description == "quota gate closed")
    }
}
