import Admin
import Config
import Forwarder
import Foundation
import Journal
import Listener
import Notify
import Proxy
import Retry
import Testing

@Suite struct ExampleConfigTests {
    /// config/retryd.toml at the top of the repository, found from this file's location.
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/retryd.toml").path

    @Test func exampleLoads() throws {
        let config = try ConfigLoader.load(path: Self.examplePath, environment: ["VENDOR_KEY": "k-123"])
        #expect(config.source == Self.examplePath)
        let upstream = try #require(config.upstreams.first)
        #expect(config.upstreams.count == 1)
        #expect(upstream.name == "encoding")
        #expect(upstream.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(upstream.url == UpstreamURL(scheme: "https", host: "api.vendor.example", basePath: "/v2"))
        #expect(upstream.setHeaders.map(\.name) == ["X-Api-Key"])
        #expect(upstream.setHeaders.map(\.value) == ["k-123"])
        #expect(upstream.requestIDHeaders == ["X-Vendor-Trace"])
        #expect(config.secrets.contains("k-123"))

        var rulePolicy = RetryPolicy()
        rulePolicy.retryStatuses = [404, 500, 502, 503, 504]
        rulePolicy.schedule = [.seconds(5), .seconds(10), .seconds(15)]
        #expect(upstream.rules.count == 2)
        #expect(
            upstream.rules.first
                == EndpointRule(methods: ["GET"], path: PathPattern("/v1/projects/*/tasks/*"), policy: rulePolicy))
        var verify = VerifyProbe(
            path: "/v1/encoding/encodings/{1}/status", judge: .field(JSONField("data.status")!, notApplied: ["CREATED"])
        )
        verify.verifyOn = [500, 502, 503, 504]
        #expect(upstream.rules.last?.verify == verify, "the shown verify_on and on_applied are the defaults")
        #expect(upstream.rules.last?.methods == ["POST"])
    }

    /// The example promises that the values it shows are the defaults; hold it to that.
    @Test func exampleValuesAreTheDocumentedDefaults() throws {
        let config = try ConfigLoader.load(path: Self.examplePath, environment: ["VENDOR_KEY": "k"])
        let upstream = try #require(config.upstreams.first)
        let defaults = UpstreamSettings(name: upstream.name, listen: upstream.listen, url: upstream.url)
        #expect(upstream.connectTimeout == defaults.connectTimeout)
        #expect(upstream.attemptTimeout == defaults.attemptTimeout)
        #expect(upstream.attemptsHeader == defaults.attemptsHeader)
        #expect(upstream.retry == RetryPolicy())
        #expect(upstream.budget == defaults.budget)
        #expect(upstream.breaker == defaults.breaker)
        #expect(config.limits == ProxyLimits())
        #expect(config.log == LogConfig())
        #expect(config.admin == nil)
        #expect(config.notify == nil)
        #expect(config.stateDir == RetrydConfig.defaultStateDir)
        #expect(config.journal == JournalPolicy())
    }

    @Test func exampleNeedsVendorKey() {
        do {
            _ = try ConfigLoader.load(path: Self.examplePath, environment: [:])
            Issue.record("loaded without VENDOR_KEY")
        } catch {
            #expect(error.key == "upstream[0].set_headers.X-Api-Key")
            #expect(error.line != nil)
        }
    }

    /// Keys shown commented out must be valid too once uncommented.
    @Test func commentedOutKeysAreValid() throws {
        let caFile = try temporaryFile(contents: "-----BEGIN CERTIFICATE-----\n")
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        var text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let caLine = "# ca_file = \"/etc/ssl/vendor-ca.pem\""
        let scheduleLine = "# schedule = [\"5s\", \"10s\", \"15s\"]"
        #expect(text.contains(caLine))
        #expect(text.contains(scheduleLine))
        text = text.replacingOccurrences(of: caLine, with: "ca_file = \"\(caFile)\"")
        text = text.replacingOccurrences(of: scheduleLine, with: String(scheduleLine.dropFirst(2)))
        let config = try parseConfig(text, environment: ["VENDOR_KEY": "k"])
        #expect(config.upstreams[0].caFile == caFile)
        #expect(config.upstreams[0].retry.schedule == [.seconds(5), .seconds(10), .seconds(15)])
    }

    /// The commented-out [admin] and [notify] tables turn on with the documented defaults once uncommented.
    @Test func commentedOutOperationsTablesAreValidDefaults() throws {
        var text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let lines = [
            "[admin]", "listen = \"127.0.0.1:9901\"", "[notify]", "webhook = \"https://hooks.example/retryd\"",
            "max_queue = 1000", "max_attempts = 5", "timeout = \"10s\"",
            "headers = { \"Authorization\" = \"Bearer ${HOOK_TOKEN}\" }",
        ]
        for line in lines {
            #expect(text.contains("\n# \(line)\n"), "\(line)")
            text = text.replacingOccurrences(of: "\n# \(line)\n", with: "\n\(line)\n")
        }
        let config = try parseConfig(text, environment: ["VENDOR_KEY": "k", "HOOK_TOKEN": "h-1"])
        #expect(config.admin == AdminSettings(listen: AdminSettings.defaultListen))
        let notify = try #require(config.notify)
        var expected = NotifySettings(webhook: UpstreamURL(scheme: "https", host: "hooks.example", basePath: "/retryd"))
        expected.headers = [("Authorization", "Bearer h-1")]
        #expect(notify == expected)
        #expect(config.secrets.contains("Bearer h-1"))
    }
}
