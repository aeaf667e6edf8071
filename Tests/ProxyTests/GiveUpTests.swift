import Foundation
import Proxy
import TestSupport
import Testing

extension Live {
    /// When retrying stops: what the client gets, and the warning the operator gets.
    @Suite("Giving up")
    struct GiveUpTests {
        /// How the upstream fails every attempt, and what retryd answers once it gives up.
        enum Failure: String, CaseIterable, Sendable {
            case unreachable, reset, timeout

            var status: Int { self == .timeout ? 504 : 502 }
            var code: String { self == .timeout ? "upstream_timeout" : "upstream_unreachable" }
        }

        @Test(
            "with no upstream response to pass on, the client gets a 502 or 504 with a JSON body",
            arguments: Failure.allCases)
        func noResponse(failure: Failure) throws {
            let upstream = try TestUpstream(responses: [
                failure == .reset ? .reset : .delay(.seconds(5), then: .respond(status: 200, text: "too late"))
            ])
            let refusing = try RefusingPort()
            let url = failure == .unreachable ? refusing.url : upstream.baseURL
            let proxy = try ProxyHarness.quick(upstreamURL: url) { upstream, _ in
                upstream.retry.maxAttempts = 2
                upstream.attemptTimeout = .milliseconds(150)
            }
            let response = try proxy.request(target: "/v1/jobs")
            #expect(response.status == failure.status)
            #expect(response.header("Content-Type") == "application/json")
            let json = try #require(response.jsonObject)
            #expect(json["error"] as? String == failure.code)
            #expect((json["detail"] as? String)?.contains("gave up after 2 attempts") == true, "\(json)")
            #expect(response.header("X-Retryd-Attempts") == "2")
            #expect(upstream.requests.count == (failure == .unreachable ? 0 : 2))
        }

        @Test("giving up logs one warning with the upstream, request, attempts, vendor request ids and body prefix")
        func warning() throws {
            let capture = LogCapture()
            let upstream = try TestUpstream(responses: [
                .respond(
                    status: 503,
                    headers: [("X-Request-Id", "vendor-req-77"), ("X-Vendor-Trace", "trace-9"), ("X-Other", "no")],
                    text: "{\"error\":\"overloaded\"}\nretry later")
            ])
            let proxy = try ProxyHarness.quick(upstream, logger: capture.logger) { upstream, _ in
                upstream.retry.maxAttempts = 3
                upstream.requestIDHeaders = ["X-Vendor-Trace"]
            }
            let response = try proxy.request(method: "DELETE", target: "/v1/jobs/5?api_key=SECRET")
            #expect(response.status == 503)
            let warnings = capture.messages(at: .warning)
            try #require(warnings.count == 1, "\(warnings)")
            let line = warnings[0]
            for field in [
                "upstream=default", "method=DELETE", "path=/v1/jobs/5 ", "status=503", "attempts=3",
                "X-Request-Id=vendor-req-77", "X-Vendor-Trace=trace-9",
                #"body="{\"error\":\"overloaded\"}\nretry later""#,
            ] {
                #expect(line.contains(field), "missing \(field) in: \(line)")
            }
            #expect(!line.contains("SECRET"), "the query string (API keys) reached the log")
            #expect(!line.contains("X-Other"))
            #expect(!line.contains("\n"), "an upstream body broke the log line")
        }

        @Test("retryd's own give-up is logged too, with the cause of each attempt")
        func warningWithoutResponse() throws {
            let capture = LogCapture()
            let upstream = try TestUpstream(responses: [.reset])
            let proxy = try ProxyHarness.quick(upstream, logger: capture.logger) { upstream, _ in
                upstream.retry.maxAttempts = 2
            }
            let response = try proxy.request(method: "PUT", target: "/v1/assets/1", body: [1])
            #expect(response.status == 502)
            let warnings = capture.messages(at: .warning)
            try #require(warnings.count == 1, "\(warnings)")
            for field in [
                "method=PUT", "path=/v1/assets/1", "status=502", "attempts=2", "reason=\"attempts exhausted\"",
            ] {
                #expect(warnings[0].contains(field), "missing \(field) in: \(warnings[0])")
            }
        }

        @Test("X-Retryd-Attempts is on every response unless attempts_header is turned off", arguments: [true, false])
        func attemptsHeader(enabled: Bool) throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(503))
            let refusing = try RefusingPort()
            let closed = refusing.url
            let configure: (inout UpstreamSettings, inout ProxyLimits) -> Void = { upstream, _ in
                upstream.retry.maxAttempts = 2
                if !enabled { upstream.attemptsHeader = nil }
            }
            let relayed = try ProxyHarness.quick(upstream, configure: configure).request(target: "/v1/jobs")
            let own = try ProxyHarness.quick(upstreamURL: closed, configure: configure).request(target: "/v1/jobs")
            #expect(relayed.status == 200)
            #expect(own.status == 502)
            #expect(relayed.header("X-Retryd-Attempts") == (enabled ? "2" : nil))
            #expect(own.header("X-Retryd-Attempts") == (enabled ? "2" : nil))
        }
    }
}
