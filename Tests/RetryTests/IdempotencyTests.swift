import Retry
import Testing

@Suite struct IdempotencyTests {
    @Test(arguments: ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"])
    func idempotentMethods(method: String) {
        #expect(RequestTraits(method: method).isIdempotent)
    }

    @Test(arguments: ["POST", "PATCH", "CONNECT", "get", "PROPFIND"])
    func otherMethodsAreNotIdempotent(method: String) {
        #expect(!RequestTraits(method: method).isIdempotent)
    }

    @Test func idempotencyKeyMakesAnyMethodIdempotent() {
        #expect(RequestTraits(method: "POST", hasIdempotencyKey: true).isIdempotent)
        let fromHeaders = RequestTraits(method: "PATCH", headers: [("Content-Type", "x"), ("idempotency-KEY", "k1")])
        #expect(fromHeaders.isIdempotent)
        #expect(!RequestTraits(method: "PATCH", headers: [("X-Idempotency", "k1")]).isIdempotent)
    }

    @Test(arguments: [500, 502, 504])
    func postIsNotRetriedOnStatusesThatMayHaveTakenEffect(status: Int) {
        #expect(decideOnce(.status(status), method: "POST") == .giveUp(.notSafeToRetry))
    }

    @Test func postIsRetriedOnRefusedStatuses() {
        #expect(decideOnce(.status(503), method: "POST") == .retry(after: .seconds(2), reason: .status(503)))
        #expect(decideOnce(.status(429), method: "PATCH") == .retry(after: .seconds(2), reason: .rateLimited(429)))
    }

    @Test func postWithIdempotencyKeyIsRetriedLikeGet() {
        #expect(
            decideOnce(.status(504), method: "POST", hasIdempotencyKey: true)
                == .retry(after: .seconds(2), reason: .status(504))
        )
        #expect(
            decideOnce(.connectionReset, method: "POST", hasIdempotencyKey: true)
                == .retry(after: .seconds(2), reason: .maybeProcessed)
        )
    }

    @Test func nonIdempotentStatusesComeFromThePolicy() {
        var policy = RetryPolicy.make()
        policy.nonIdempotentStatuses = [503]
        #expect(decideOnce(.status(429), method: "POST", policy: policy) == .giveUp(.notSafeToRetry))
        #expect(
            decideOnce(.status(503), method: "POST", policy: policy) == .retry(after: .seconds(2), reason: .status(503))
        )
    }
}
