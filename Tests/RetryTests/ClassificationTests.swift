import Retry
import Testing

@Suite struct ClassificationTests {
    @Test(arguments: [200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 422, 501, 505])
    func finalStatusesAreDelivered(status: Int) {
        #expect(decideOnce(.status(status)) == .deliver)
        #expect(decideOnce(.status(status), method: "POST") == .deliver)
    }

    @Test(arguments: [500, 502, 503, 504])
    func retryStatusesAreRetriedWithBackoff(status: Int) {
        #expect(decideOnce(.status(status)) == .retry(after: .seconds(2), reason: .status(status)))
    }

    @Test func rateLimitStatusIsRetriedAsRateLimited() {
        #expect(decideOnce(.status(429)) == .retry(after: .seconds(2), reason: .rateLimited(429)))
    }

    @Test func statusSetsComeFromThePolicy() {
        var policy = RetryPolicy.make()
        policy.retryStatuses = [520]
        policy.rateLimitStatuses = [420]
        #expect(decideOnce(.status(520), policy: policy) == .retry(after: .seconds(2), reason: .status(520)))
        #expect(decideOnce(.status(420), policy: policy) == .retry(after: .seconds(2), reason: .rateLimited(420)))
        #expect(decideOnce(.status(500), policy: policy) == .deliver)
        #expect(decideOnce(.status(429), policy: policy) == .deliver)
    }

    @Test func rateLimitSetWinsWhenAStatusIsInBoth() {
        var policy = RetryPolicy.make()
        policy.retryStatuses.insert(429)
        #expect(decideOnce(.status(429), policy: policy) == .retry(after: .seconds(2), reason: .rateLimited(429)))
    }

    @Test(arguments: ["GET", "POST", "PATCH"])
    func unsentFailuresAreRetriedForEveryMethod(method: String) {
        #expect(decideOnce(.connectionRefused, method: method) == .retry(after: .seconds(2), reason: .unsent))
    }

    @Test func maybeProcessedFailuresAreRetriedOnlyWhenIdempotent() {
        #expect(decideOnce(.connectionReset, method: "PUT") == .retry(after: .seconds(2), reason: .maybeProcessed))
        #expect(decideOnce(.connectionReset, method: "POST") == .giveUp(.notSafeToRetry))
    }

    @Test func streamedBodyIsNotReplayedOnceSent() {
        #expect(decideOnce(.status(503), method: "PUT", replayable: false) == .giveUp(.bodyNotReplayable))
        #expect(decideOnce(.connectionReset, method: "PUT", replayable: false) == .giveUp(.bodyNotReplayable))
        // Nothing of the body left the proxy, so the stream is still intact.
        #expect(
            decideOnce(.connectionRefused, method: "PUT", replayable: false)
                == .retry(after: .seconds(2), reason: .unsent)
        )
    }

    @Test func finalStatusIsDeliveredEvenWhenBodyIsNotReplayable() {
        #expect(decideOnce(.status(201), method: "POST", replayable: false) == .deliver)
    }

    @Test func policyWithoutRetriesGivesUpAsNotRetryable() {
        #expect(decideOnce(.status(503), policy: .make(maxAttempts: 1)) == .giveUp(.notRetryable))
        #expect(decideOnce(.status(200), policy: .make(maxAttempts: 1)) == .deliver)
    }

    @Test func reasonsDescribeThemselvesForLogs() {
        #expect(RetryReason.status(503).description == "503")
        #expect(RetryReason.rateLimited(429).description == "429")
        #expect(RetryReason.unsent.description == "connect failed")
        #expect(RetryReason.maybeProcessed.description == "no response")
        #expect(GiveUpReason.waitTooLong(.milliseconds(2500)).description == "announced wait 2.5s too long")
        #expect(GiveUpReason.waitTooLong(.seconds(120)).code == "wait_too_long")
    }

    @Test func outcomesCompareHeadersInOrder() {
        let a = AttemptOutcome.status(503, [("A", "1"), ("B", "2")])
        #expect(a == .status(503, [("A", "1"), ("B", "2")]))
        #expect(a != .status(503, [("B", "2"), ("A", "1")]))
        #expect(a != .status(502, [("A", "1"), ("B", "2")]))
        #expect(AttemptOutcome.connectionRefused != .connectionReset)
        #expect(a.summary == "503")
        #expect(AttemptOutcome.connectionRefused.summary == "connection refused")
    }
}
