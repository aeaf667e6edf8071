import Admission
import Config
import Glibc
import Redis
import Testing

@Suite struct QuotaConfigTests {
    @Test func quotaDefaultsAreOnAndCloseOnRateLimitStatusesAnd503() throws {
        let config = try parseConfig(minimalUpstream)
        let quota = try #require(config.upstreams.first).quota
        #expect(quota.gate && quota.pace)
        #expect(quota.reserve == 0 && quota.maxInFlight == 0)
        #expect(quota.closingStatuses == [429, 503])
        #expect(config.shared == nil)
    }

    @Test func quotaTableAndRuleBucketAreRead() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.retry]
                rate_limit_statuses = [429, 420]
                [upstream.quota]
                gate = false
                pace = true
                reserve = 2
                max_in_flight = 8
                [[upstream.rule]]
                path = "/v1/renditions/**"
                bucket = "renditions"
                """
        )
        let upstream = try #require(config.upstreams.first)
        #expect(!upstream.quota.gate && upstream.quota.pace)
        #expect(upstream.quota.reserve == 2 && upstream.quota.maxInFlight == 8)
        #expect(upstream.quota.closingStatuses == [420, 429, 503])
        #expect(upstream.rules.first?.bucket == "renditions")
        let lines = config.summary.split(separator: "\n").map(String.init)
        #expect(lines.contains("  quota: no gate, paced from quota headers, reserve 2, at most 8 in flight"))
        #expect(lines.contains { $0.hasPrefix("  rule 1 (any method /v1/renditions/**) [bucket renditions]: ") })
    }

    @Test func sharedIsReadAndItsPasswordIsASecret() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [shared]
                redis = "redis://:${REDIS_PASSWORD}@redis.internal:6380/2"
                prefix = "media"
                instance = "pod-7"
                """,
            environment: ["REDIS_PASSWORD": "hunter2-redis"]
        )
        let shared = try #require(config.shared)
        #expect(shared.redis.endpoint == .tcp(host: "redis.internal", port: 6380))
        #expect(shared.redis.password == "hunter2-redis" && shared.redis.database == 2)
        #expect(shared.prefix == "media" && shared.instance == "pod-7")
        let summary = config.summary
        #expect(
            summary.contains(
                "shared: gates and quotas through redis://:***@redis.internal:6380/2, prefix media, instance pod-7"))
        #expect(!summary.contains("hunter2-redis"))
        #expect(config.secrets.contains("hunter2-redis"))
    }

    @Test func sharedInstanceDefaultsToHostAndPid() throws {
        let config = try parseConfig(minimalUpstream + "\n[shared]\nredis = \"unix:///run/redis.sock?db=1\"")
        let shared = try #require(config.shared)
        #expect(shared.redis.endpoint == .unix(path: "/run/redis.sock") && shared.redis.database == 1)
        #expect(shared.prefix == "retryd")
        #expect(shared.instance.hasSuffix(":\(getpid())"))
    }

    static let badQuota: [ErrorCase] = [
        ErrorCase(
            text: minimalUpstream + "\n[upstream.quota]\ngate = \"yes\"", line: 6, key: "upstream[0].quota.gate",
            message: "expected true or false, found a string"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.quota]\nreserve = -1", line: 6, key: "upstream[0].quota.reserve",
            message: "-1 is out of range"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.quota]\nmax_inflight = 4", line: 6,
            key: "upstream[0].quota.max_inflight", message: "unknown key (did you mean max_in_flight?)"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\nbucket = \"video renditions\"", line: 6,
            key: "upstream[0].rule[0].bucket", message: "is not a valid bucket name"),
        ErrorCase(
            text: minimalUpstream + "\n[shared]\nprefix = \"x\"", line: 5, key: "shared.redis",
            message: "required key is missing"),
        ErrorCase(
            text: minimalUpstream + "\n[shared]\nredis = \"http://redis:6379\"", line: 6, key: "shared.redis",
            message: "http"),
        ErrorCase(
            text: minimalUpstream + "\n[shared]\nredis = \"redis://r\"\nprefix = \"a b\"", line: 7,
            key: "shared.prefix", message: "is not a valid prefix"),
        ErrorCase(
            text: minimalUpstream + "\n[shared]\nredis = \"redis://r\"\ninstance = \"\"", line: 7,
            key: "shared.instance", message: "must be non-empty"),
        ErrorCase(
            text: minimalUpstream + "\n[shared]\nredis = \"redis://r\"\nhost = \"r\"", line: 7, key: "shared.host",
            message: "unknown key"),
    ]

    @Test(arguments: badQuota) func badQuotaOrSharedNamesLineAndKey(_ errorCase: ErrorCase) {
        check(errorCase)
    }
}
