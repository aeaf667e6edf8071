import Notify
import Retry
import Testing

/// The pure delivery core: order, retries, Retry-After, rejection and the bounded queue, without sockets or clocks.
@Suite struct DeliveryQueueTests {
    /// Backoff without jitter (1 s, 2 s, 4 s, …) so waits are exact.
    static func policy(maxAttempts: Int = 5, deadline: Duration = .seconds(3600)) -> RetryPolicy {
        var delivery = DeliveryPolicy()
        delivery.backoff = Backoff(initial: .seconds(1), multiplier: 2, max: .seconds(60), jitter: .none)
        delivery.deadline = deadline
        return delivery.retryPolicy(maxAttempts: maxAttempts)
    }

    static func event(_ name: String) -> WebhookEvent {
        WebhookEvent(body: Array("{\"id\":\"\(name)\"}".utf8), idempotencyKey: "key-\(name)")
    }

    static let refused = AttemptOutcome.failure(TransportFailure(kind: .unsent, message: "connection refused"))

    static func response(_ status: Int, _ headers: [(name: String, value: String)] = []) -> AttemptOutcome {
        .response(status: status, headers: headers)
    }

    /// Ends the attempt in flight at `seconds` on the monotonic clock (jitter is off, so the generator is unused).
    private func end(
        _ queue: inout DeliveryQueue, _ outcome: AttemptOutcome, at seconds: Int64 = 0
    ) -> DeliveryQueue.Verdict {
        var random = SystemRandomNumberGenerator()
        return queue.attemptEnded(outcome, at: .seconds(seconds), wallClock: 1_800_000_000, using: &random)
    }

    @Test func oneEventIsInFlightAtATime() {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy())
        #expect(queue.nextAttempt(at: .zero) == nil)
        _ = queue.enqueue(Self.event("a"))
        _ = queue.enqueue(Self.event("b"))
        #expect(queue.nextAttempt(at: .zero) == Self.event("a"))
        #expect(queue.nextAttempt(at: .zero) == nil)
        #expect(queue.isBusy)
        #expect(end(&queue, Self.response(204)) == .delivered(attempts: 1))
        #expect(!queue.isBusy)
        #expect(queue.nextAttempt(at: .zero) == Self.event("b"))
        #expect(queue.delivered == 1)
        #expect(queue.count == 1)
    }

    @Test func serverErrorsAreRetriedWithBackoffUntilDelivered() {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        #expect(queue.nextAttempt(at: .zero) == Self.event("a"))
        #expect(end(&queue, Self.response(503)) == .retry(after: .seconds(1), reason: .status(503), attempt: 1))
        #expect(queue.isBusy)
        #expect(queue.nextAttempt(at: .seconds(1)) == Self.event("a"))
        #expect(end(&queue, Self.response(599), at: 1) == .retry(after: .seconds(2), reason: .status(599), attempt: 2))
        #expect(queue.nextAttempt(at: .seconds(3)) == Self.event("a"))
        #expect(end(&queue, Self.response(200), at: 3) == .delivered(attempts: 3))
        #expect(queue.delivered == 1)
        #expect(queue.failed == 0)
    }

    @Test func transportFailuresAreRetriedUntilAttemptsRunOut() {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy(maxAttempts: 3))
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .zero)
        #expect(end(&queue, Self.refused) == .retry(after: .seconds(1), reason: .unsent, attempt: 1))
        _ = queue.nextAttempt(at: .seconds(1))
        // The event carries an Idempotency-Key, so even a maybe-processed POST is repeated.
        let noResponse = AttemptOutcome.failure(TransportFailure(kind: .maybeProcessed, message: "empty reply"))
        #expect(end(&queue, noResponse, at: 1) == .retry(after: .seconds(2), reason: .maybeProcessed, attempt: 2))
        _ = queue.nextAttempt(at: .seconds(3))
        let verdict = end(&queue, Self.refused, at: 3)
        let history = [
            GiveUpReport.Attempt(outcome: "connection refused", waitedAfter: .seconds(1)),
            GiveUpReport.Attempt(outcome: "empty reply", waitedAfter: .seconds(2)),
            GiveUpReport.Attempt(outcome: "connection refused"),
        ]
        #expect(verdict == .failed(.attemptsExhausted, history: history))
        #expect(queue.failed == 1)
        #expect(!queue.isBusy)
    }

    @Test func retryAfterIsHonouredOnRateLimitsAndServerErrors() {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .zero)
        #expect(
            end(&queue, Self.response(429, [("Retry-After", "7")]))
                == .retry(after: .seconds(7), reason: .rateLimited(429), attempt: 1))
        _ = queue.nextAttempt(at: .seconds(7))
        #expect(
            end(&queue, Self.response(503, [("retry-after", "3")]), at: 7)
                == .retry(after: .seconds(3), reason: .status(503), attempt: 2))
    }

    @Test func retryAfterBeyondTheLimitFailsTheEvent() {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .zero)
        let verdict = end(&queue, Self.response(429, [("Retry-After", "600")]))
        #expect(verdict == .failed(.waitTooLong(.seconds(600)), history: [GiveUpReport.Attempt(outcome: "429")]))
    }

    @Test func deadlineCountsFromTheFirstAttempt() {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy(deadline: .seconds(10)))
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .seconds(100))
        #expect(
            end(&queue, Self.response(500), at: 100) == .retry(after: .seconds(1), reason: .status(500), attempt: 1))
        _ = queue.nextAttempt(at: .seconds(111))
        guard case .failed(.deadlineExceeded, _) = end(&queue, Self.response(500), at: 111) else {
            Issue.record("retried past the deadline")
            return
        }
    }

    @Test(arguments: [400, 401, 404, 410, 301])
    func otherStatusesAreRejectedWithoutRetry(_ status: Int) {
        var queue = DeliveryQueue(capacity: 10, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        _ = queue.enqueue(Self.event("b"))
        _ = queue.nextAttempt(at: .zero)
        #expect(end(&queue, Self.response(status)) == .rejected(status: status, attempts: 1))
        #expect(queue.failed == 1)
        #expect(queue.nextAttempt(at: .zero) == Self.event("b"))
    }

    @Test func fullQueueDropsTheOldestWaitingEvent() {
        var queue = DeliveryQueue(capacity: 3, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .zero)
        _ = queue.enqueue(Self.event("b"))
        _ = queue.enqueue(Self.event("c"))
        #expect(queue.dropped == 0)
        #expect(queue.count == 3)
        // "a" is in flight but was queued before; "d" does not fit, and here "a" is the oldest.
        #expect(queue.enqueue(Self.event("d")) == true)
        #expect(queue.dropped == 1)
        #expect(queue.count == 3)
        #expect(queue.nextAttempt(at: .zero) == Self.event("b"))
        #expect(queue.enqueue(Self.event("e")) == true)
        #expect(queue.nextAttempt(at: .zero) == Self.event("c"))
    }

    @Test func droppingTheEventInARetryWaitMovesOnToTheNext() {
        var queue = DeliveryQueue(capacity: 2, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .zero)
        _ = end(&queue, Self.response(503))
        _ = queue.enqueue(Self.event("b"))
        #expect(queue.enqueue(Self.event("c")) == true)
        #expect(!queue.isBusy)
        #expect(queue.nextAttempt(at: .zero) == Self.event("b"))
        #expect(queue.dropped == 1)
    }

    @Test func waitingEventsAreDroppedOldestFirstWhenNothingIsInFlight() {
        var queue = DeliveryQueue(capacity: 2, policy: Self.policy())
        for name in ["a", "b", "c", "d", "e"] { #expect(queue.enqueue(Self.event(name)) == false) }
        #expect(queue.dropped == 3)
        #expect(queue.nextAttempt(at: .zero) == Self.event("d"))
    }

    @Test func capacityOneKeepsOnlyTheNewestEvent() {
        var queue = DeliveryQueue(capacity: 1, policy: Self.policy())
        _ = queue.enqueue(Self.event("a"))
        _ = queue.nextAttempt(at: .zero)
        #expect(queue.enqueue(Self.event("b")) == true)
        #expect(queue.count == 1)
        #expect(queue.nextAttempt(at: .zero) == Self.event("b"))
    }

    @Test func deliveryPolicyRetriesEveryServerErrorAndRateLimitOnly() {
        let policy = DeliveryPolicy().retryPolicy(maxAttempts: 4)
        #expect(policy.maxAttempts == 4)
        #expect(policy.retryStatuses == Set(500...599))
        #expect(policy.rateLimitStatuses == [429])
        #expect(policy.maxRateLimitWait == DeliveryPolicy().maxRetryAfter)
        #expect(policy.schedule == nil)
    }
}
