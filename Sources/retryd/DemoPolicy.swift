import Forwarder
import Listener
import Proxy
import Retry

/// The configuration the demo runs retryd with: the real defaults shrunk so the whole tour takes seconds.
enum DemoPolicy {
    /// The upstream's name in logs.
    static let upstreamName = "vendor"
    /// The endpoint rule's path: tasks that may 404 for a moment after they are created.
    static let taskPath = "/v1/projects/*/cloud-transcoder/tasks/*"

    /// The upstream-wide policy: backoff 200ms, 400ms, … with equal jitter; announced waits up to 5s.
    static var retry: RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = 5
        policy.deadline = .seconds(10)
        policy.backoff = Backoff(initial: .milliseconds(200), multiplier: 2, max: .seconds(2), jitter: .equal)
        policy.maxRateLimitWait = .seconds(5)
        return policy
    }

    /// The example rule: GETs of a task also retry 404, on a fixed 300ms schedule.
    static var taskRule: EndpointRule {
        var policy = retry
        policy.retryStatuses.insert(404)
        policy.schedule = [.milliseconds(300)]
        return EndpointRule(methods: ["GET"], path: PathPattern(taskPath), policy: policy)
    }

    /// The renditions endpoint has a quota of its own, announced in its answers' headers: a bucket of its own.
    static var renditionsRule: EndpointRule {
        EndpointRule(methods: ["GET"], path: PathPattern("/v1/renditions"), policy: retry, bucket: "renditions")
    }

    /// Bitmovin's encoding start, checked before it is sent again: still `CREATED` means it did not start.
    static var encodingStartRule: EndpointRule {
        var rule = EndpointRule(
            methods: ["POST"], path: PathPattern("/v1/encoding/encodings/*/start"), policy: retry)
        rule.verify = VerifyProbe(
            path: "/v1/encoding/encodings/{1}/status",
            judge: .field(JSONField("data.status")!, notApplied: ["CREATED"]))
        return rule
    }

    /// Uploads get an idempotency key from retryd, so the vendor can tell a repeat from a new upload.
    static var uploadsRule: EndpointRule {
        var policy = retry
        policy.idempotencyKey = "Idempotency-Key"
        return EndpointRule(methods: ["POST"], path: PathPattern("/v1/uploads"), policy: policy)
    }

    /// retryd listening on `listen`, forwarding to the simulated vendor on 127.0.0.1:`vendorPort`.
    static func settings(listen: ListenAddress, vendorPort: UInt16) -> ProxySettings {
        var upstream = UpstreamSettings(
            name: upstreamName, listen: listen, url: UpstreamURL(scheme: "http", host: "127.0.0.1", port: vendorPort))
        upstream.connectTimeout = .seconds(2)
        upstream.attemptTimeout = .seconds(5)
        upstream.retry = retry
        upstream.rules = [taskRule, renditionsRule, encodingStartRule, uploadsRule]
        return ProxySettings(upstreams: [upstream])
    }
}
