import Retry
import Testing

@Suite struct PolicySelectorTests {
    private let base = RetryPolicy.make(maxAttempts: 5)
    private let uploads = RetryPolicy.make(maxAttempts: 2)
    private let jobs = RetryPolicy.make(maxAttempts: 3)
    private let deletes = RetryPolicy.make(maxAttempts: 7)

    private var selector: PolicySelector {
        PolicySelector(
            base: base,
            rules: [
                EndpointRule(methods: ["POST", "PUT"], path: PathPattern("/v1/uploads/**"), policy: uploads),
                EndpointRule(path: PathPattern("/v1/jobs/*"), policy: jobs),
                EndpointRule(methods: ["DELETE"], policy: deletes),
                EndpointRule(path: PathPattern("/v1/jobs/1"), policy: base),
            ]
        )
    }

    @Test func firstMatchingRuleWins() {
        #expect(selector.policy(method: "POST", target: "/v1/uploads/a/b") == uploads)
        #expect(selector.policy(method: "DELETE", target: "/v1/jobs/1") == jobs)
        #expect(selector.policy(method: "DELETE", target: "/v1/other") == deletes)
    }

    @Test func methodsRestrictARule() {
        #expect(selector.policy(method: "GET", target: "/v1/uploads/a") == base)
        #expect(selector.policy(method: "post", target: "/v1/uploads/a") == base)
    }

    @Test func noMatchFallsBackToTheUpstreamPolicy() {
        #expect(selector.policy(method: "GET", target: "/v2/jobs/1") == base)
        #expect(PolicySelector(base: jobs, rules: []).policy(method: "GET", target: "/") == jobs)
    }

    @Test func queryStringIsIgnored() {
        #expect(selector.policy(method: "GET", target: "/v1/jobs/9?expand=/a/b") == jobs)
    }

    @Test func absoluteFormTargetMatchesByPath() {
        #expect(selector.policy(method: "GET", target: "http://api.example.com/v1/jobs/9") == jobs)
        #expect(selector.policy(method: "GET", target: "https://api.example.com:8443/v1/jobs/9?x=1") == jobs)
        #expect(selector.policy(method: "DELETE", target: "http://api.example.com") == deletes)
    }
}
