import Admin
import Events
import Forwarder
import Foundation
import Listener
import Proxy
import Retry
import Testing

/// The `/status` document says what each upstream does, in the configuration's own terms, and hides header values.
@Suite("StatusReport")
struct StatusReportTests {
    /// What the runtime hands the report: the upstream's settings as `/status` shows them.
    static func upstreams() throws -> [ConfiguredUpstream] {
        let url = try #require(UpstreamURL.parse("https://api.vendor.example:8443/v2"))
        var upstream = UpstreamSettings(name: "pay", listen: ListenAddress(host: "127.0.0.1", port: 0), url: url)
        upstream.setHeaders = [(name: "Authorization", value: "Bearer sk_live_secret")]
        var strict = upstream.retry
        strict.maxAttempts = 2
        strict.schedule = [.milliseconds(250), .seconds(1)]
        upstream.rules = [
            EndpointRule(methods: ["POST", "DELETE"], path: PathPattern("/charges/**"), policy: strict)
        ]
        return [ConfiguredUpstream(upstream)]
    }

    static func json(_ report: StatusReport) throws -> [String: Any] {
        let response = AdminResponse.json(status: 200, report)
        return try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test("upstreams carry listen, bound port, URL, in-flight count and timeouts")
    func upstreams() throws {
        let report = StatusReport(
            upstreams: try Self.upstreams(), boundPorts: ["pay": 41000], inFlight: ["pay": 3],
            uptime: .milliseconds(12_345),
            version: "1.2.3", ready: true)
        let json = try Self.json(report)
        #expect(json["version"] as? String == "1.2.3")
        #expect(json["uptime_seconds"] as? Double == 12.345)
        #expect(json["ready"] as? Bool == true)
        let upstreams = try #require(json["upstreams"] as? [[String: Any]])
        let pay = try #require(upstreams.first)
        #expect(pay["name"] as? String == "pay")
        #expect(pay["listen"] as? String == "127.0.0.1:0")
        #expect(pay["bound_port"] as? Int == 41000)
        #expect(pay["url"] as? String == "https://api.vendor.example:8443/v2")
        #expect(pay["in_flight"] as? Int == 3)
        #expect(pay["connect_timeout"] as? String == "5s")
        #expect(pay["attempt_timeout"] as? String == "30s")
    }

    @Test("the policy and each rule's complete policy appear with durations as written in the configuration")
    func policies() throws {
        let report = StatusReport(
            upstreams: try Self.upstreams(), boundPorts: [:], inFlight: [:], uptime: .zero, version: "x", ready: false)
        let pay = try #require((try Self.json(report)["upstreams"] as? [[String: Any]])?.first)
        #expect(pay["in_flight"] as? Int == 0)
        let policy = try #require(pay["policy"] as? [String: Any])
        #expect(policy["max_attempts"] as? Int == 5)
        #expect(policy["deadline"] as? String == "1m")
        #expect(policy["retry_statuses"] as? [Int] == [500, 502, 503, 504])
        #expect(policy["rate_limit_statuses"] as? [Int] == [429])
        #expect(policy["non_idempotent_statuses"] as? [Int] == [429, 503])
        #expect(policy["max_rate_limit_wait"] as? String == "1m")
        let backoff = try #require(policy["backoff"] as? [String: Any])
        #expect(backoff["initial"] as? String == "2s")
        #expect(backoff["multiplier"] as? Double == 2)
        #expect(backoff["max"] as? String == "30s")
        #expect(backoff["jitter"] as? String == "equal")
        #expect(policy["schedule"] == nil)

        let rule = try #require((pay["rules"] as? [[String: Any]])?.first)
        #expect(rule["methods"] as? [String] == ["DELETE", "POST"])
        #expect(rule["path"] as? String == "/charges/**")
        let rulePolicy = try #require(rule["policy"] as? [String: Any])
        #expect(rulePolicy["max_attempts"] as? Int == 2)
        #expect(rulePolicy["schedule"] as? [String] == ["250ms", "1s"])
        #expect(rulePolicy["backoff"] == nil)
    }

    @Test("header values configured for the upstream never appear")
    func noSecrets() throws {
        let report = StatusReport(
            upstreams: try Self.upstreams(), boundPorts: [:], inFlight: [:], uptime: .zero, version: "x", ready: true)
        let text = String(decoding: AdminResponse.json(status: 200, report).body, as: UTF8.self)
        #expect(!text.contains("sk_live_secret"))
        #expect(text.contains(#""url":"https://api.vendor.example:8443/v2""#))
    }
}
