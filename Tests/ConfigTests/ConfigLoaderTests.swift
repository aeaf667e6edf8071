import Config
import Forwarder
import Foundation
import Listener
import Proxy
import Retry
import Testing

@Suite struct ConfigLoaderTests {
    @Test func minimalUpstreamGetsEveryDefault() throws {
        let config = try parseConfig(minimalUpstream)
        let expected = UpstreamSettings(
            name: "a",
            listen: ListenAddress(host: "127.0.0.1", port: 8080),
            url: UpstreamURL(scheme: "https", host: "api.example")
        )
        #expect(config.upstreams == [expected])
        #expect(config.upstreams[0].connectTimeout == .seconds(5))
        #expect(config.upstreams[0].attemptTimeout == .seconds(30))
        #expect(config.upstreams[0].attemptsHeader == "X-Retryd-Attempts")
        #expect(config.upstreams[0].retry == RetryPolicy())
        #expect(config.upstreams[0].rules.isEmpty)
        #expect(config.limits == ProxyLimits())
        #expect(config.source == nil)
    }

    @Test func everyUpstreamKeyLandsInItsField() throws {
        let caFile = try temporaryFile(contents: "-----BEGIN CERTIFICATE-----\n")
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        let config = try parseConfig(
            """
            [[upstream]]
            name = "vendor-1.eu_x"
            listen = "[::1]:9001"
            url = "http://api.vendor.example:8080/base/"
            connect_timeout = "250ms"
            attempt_timeout = "1.5s"
            ca_file = "\(caFile)"
            set_headers = { "X-Zeta" = "z", "X-Alpha" = "a", Accept = "application/json" }
            request_id_headers = ["X-Vendor-Trace", "X-Other"]
            attempts_header = ""
            """
        )
        let upstream = try #require(config.upstreams.first)
        #expect(upstream.name == "vendor-1.eu_x")
        #expect(upstream.listen == ListenAddress(host: "::1", port: 9001))
        #expect(upstream.url == UpstreamURL(scheme: "http", host: "api.vendor.example", port: 8080, basePath: "/base"))
        #expect(upstream.connectTimeout == .milliseconds(250))
        #expect(upstream.attemptTimeout == .milliseconds(1500))
        #expect(upstream.caFile == caFile)
        // Source order, not alphabetical order.
        #expect(upstream.setHeaders.map(\.name) == ["X-Zeta", "X-Alpha", "Accept"])
        #expect(upstream.setHeaders.map(\.value) == ["z", "a", "application/json"])
        #expect(upstream.requestIDHeaders == ["X-Vendor-Trace", "X-Other"])
        #expect(upstream.attemptsHeader == nil)
    }

    @Test func setHeadersAsAStandardTableKeepsSourceOrder() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.set_headers]
                "X-B" = "2"
                X-A = "1"
                """
        )
        #expect(config.upstreams[0].setHeaders.map(\.name) == ["X-B", "X-A"])
    }

    @Test func everyRetryKeyLandsInItsField() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.retry]
                max_attempts = 7
                deadline = "2m"
                retry_statuses = [502, 503]
                rate_limit_statuses = [429, 420]
                non_idempotent_statuses = []
                max_rate_limit_wait = "0s"
                backoff = { initial = "100ms", multiplier = 3, max = "5s", jitter = "decorrelated" }
                schedule = ["1s", "2s"]
                """
        )
        var expected = RetryPolicy()
        expected.maxAttempts = 7
        expected.deadline = .seconds(120)
        expected.retryStatuses = [502, 503]
        expected.rateLimitStatuses = [429, 420]
        expected.nonIdempotentStatuses = []
        expected.maxRateLimitWait = .zero
        expected.backoff = Backoff(initial: .milliseconds(100), multiplier: 3, max: .seconds(5), jitter: .decorrelated)
        expected.schedule = [.seconds(1), .seconds(2)]
        #expect(config.upstreams[0].retry == expected)
    }

    @Test func partialBackoffKeepsTheOtherDefaults() throws {
        let config = try parseConfig(minimalUpstream + "\n[upstream.retry]\nbackoff = { multiplier = 1.5 }")
        #expect(config.upstreams[0].retry.backoff == Backoff(multiplier: 1.5))
    }

    @Test func ruleInheritsTheUpstreamPolicyAndOverridesItsOwnKeys() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.retry]
                max_attempts = 3
                retry_statuses = [503]

                [[upstream.rule]]
                methods = ["get", "Head"]
                path = "/v1/projects/*/tasks/*"
                schedule = ["5s", "10s", "15s"]

                [[upstream.rule]]
                retry_statuses = [404]
                backoff = { max = "10s" }
                """
        )
        let upstream = try #require(config.upstreams.first)
        #expect(upstream.rules.count == 2)
        var first = upstream.retry
        first.schedule = [.seconds(5), .seconds(10), .seconds(15)]
        #expect(
            upstream.rules[0]
                == EndpointRule(
                    methods: ["GET", "HEAD"], path: PathPattern("/v1/projects/*/tasks/*"), policy: first))
        #expect(upstream.rules[0].policy.maxAttempts == 3)
        #expect(upstream.rules[0].policy.retryStatuses == [503])

        var second = upstream.retry
        second.retryStatuses = [404]
        second.backoff.max = .seconds(10)
        #expect(upstream.rules[1] == EndpointRule(methods: nil, path: nil, policy: second))
    }

    @Test func ruleBackoffReplacesAnInheritedSchedule() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.retry]
                schedule = ["1s"]
                [[upstream.rule]]
                path = "/a"
                backoff = { initial = "1s" }
                [[upstream.rule]]
                path = "/b"
                max_attempts = 2
                """
        )
        let rules = config.upstreams[0].rules
        #expect(rules[0].policy.schedule == nil)
        #expect(rules[0].policy.backoff.initial == .seconds(1))
        #expect(rules[1].policy.schedule == [.seconds(1)])
    }

    @Test func rulesAreCountedPerUpstream() throws {
        let config = try parseConfig(
            """
            [[upstream]]
            name = "a"
            listen = "127.0.0.1:8080"
            url = "https://a.example"
            [[upstream.rule]]
            path = "/a"
            [[upstream]]
            name = "b"
            listen = "127.0.0.1:8081"
            url = "https://b.example"
            [upstream.retry]
            max_attempts = 2
            [[upstream.rule]]
            path = "/b1"
            [[upstream.rule]]
            path = "/b2"
            """
        )
        #expect(config.upstreams.map(\.name) == ["a", "b"])
        #expect(config.upstreams[0].rules.map(\.path?.glob) == ["/a"])
        #expect(config.upstreams[1].rules.map(\.path?.glob) == ["/b1", "/b2"])
        #expect(config.upstreams[1].rules.allSatisfy { $0.policy.maxAttempts == 2 })
        #expect(config.upstreams[0].retry.maxAttempts == 5)
    }

    @Test func everyLimitLandsInItsField() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [limits]
                max_connections = 10
                max_header_bytes = 4096
                max_request_target_bytes = 1024
                max_body_bytes = 2048
                replay_limit = 0
                header_timeout = "1s"
                idle_timeout = "2s"
                shutdown_timeout = "0s"
                """
        )
        var expected = ProxyLimits()
        expected.maxConnections = 10
        expected.maxHeaderBytes = 4096
        expected.maxRequestTargetBytes = 1024
        expected.maxBodyBytes = 2048
        expected.replayLimit = 0
        expected.headerTimeout = .seconds(1)
        expected.idleTimeout = .seconds(2)
        expected.shutdownTimeout = .zero
        #expect(config.limits == expected)
    }

    @Test func ephemeralPortsMayRepeat() throws {
        let config = try parseConfig(
            """
            [[upstream]]
            name = "a"
            listen = "127.0.0.1:0"
            url = "https://a.example"
            [[upstream]]
            name = "b"
            listen = "127.0.0.1:0"
            url = "https://b.example"
            """
        )
        #expect(config.upstreams.count == 2)
    }

    @Test func loadReadsTheFileAndRecordsItsPath() throws {
        let path = try temporaryFile(contents: minimalUpstream)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(config.source == path)
        #expect(config.upstreams.map(\.name) == ["a"])
    }

    @Test func quickStartMakesOneDefaultUpstream() throws {
        let config = try RetrydConfig.quickStart(listen: "127.0.0.1:8080", upstream: "https://api.vendor.example")
        #expect(
            config.upstreams == [
                UpstreamSettings(
                    name: "default",
                    listen: ListenAddress(host: "127.0.0.1", port: 8080),
                    url: UpstreamURL(scheme: "https", host: "api.vendor.example")
                )
            ]
        )
        #expect(config.limits == ProxyLimits())
        #expect(config.source == nil)
    }

    @Test func quickStartNamesTheBadFlag() {
        #expect(throws: ConfigError.self) { try RetrydConfig.quickStart(listen: "nowhere", upstream: "https://h") }
        do {
            _ = try RetrydConfig.quickStart(listen: "127.0.0.1:1", upstream: "ftp://h")
            Issue.record("ftp upstream accepted")
        } catch {
            #expect(error.key == "--upstream")
            #expect(error.file == "command line")
            #expect(error.line == nil)
        }
    }

    @Test func summaryShowsEffectivePolicies() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [[upstream.rule]]
                methods = ["GET"]
                path = "/tasks/*"
                schedule = ["5s", "10s"]
                """
        )
        let lines = config.summary.split(separator: "\n").map(String.init)
        #expect(lines.first == "upstream a: 127.0.0.1:8080 -> https://api.example")
        #expect(
            lines.contains {
                $0.hasPrefix("  policy: up to 5 attempts within 1m;")
                    && $0.contains("backoff 2s x2.0 up to 30s, equal jitter")
            })
        #expect(lines.contains { $0.hasPrefix("  rule 1 (GET /tasks/*):") && $0.contains("waits 5s, 10s") })
        #expect(lines.last?.hasPrefix("limits: 1024 connections, header 64 KiB") == true)
    }
}

/// Writes `contents` to a fresh file in the temporary directory and returns its path.
func temporaryFile(contents: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("retryd-config-\(UUID().uuidString)").path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
