import Admin
import Foundation
import TestSupport
import Testing

/// The admin endpoints as an operator's probes and curl see them, live on 127.0.0.1.
@Suite("AdminServer")
struct AdminServerTests {
    @Test("/healthz answers 200 with a JSON status")
    func health() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let response = try harness.request("/healthz")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.jsonObject?["status"] as? String == "ok")
    }

    @Test("/readyz answers 200 while ready and 503 once readiness says no")
    func readiness() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let ready = try harness.request("/readyz")
        #expect(ready.status == 200)
        #expect(ready.jsonObject?["status"] as? String == "ready")
        harness.ready.value = false
        let notReady = try harness.request("/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.jsonObject?["status"] as? String == "not_ready")
        #expect(try harness.request("/status").jsonObject?["ready"] as? Bool == false)
    }

    @Test("/status describes the upstream, its bound port, its policy and the version")
    func status() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200)])
        let harness = try AdminHarness(upstream) { $0.retry.maxAttempts = 3 }
        let response = try harness.request("/status")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let json = try #require(response.jsonObject)
        #expect(json["version"] as? String == AdminHarness.version)
        #expect(json["ready"] as? Bool == true)
        #expect((json["uptime_seconds"] as? Double).map { $0 >= 0 && $0 < 60 } == true)
        let api = try #require((json["upstreams"] as? [[String: Any]])?.first)
        #expect(api["name"] as? String == "api")
        #expect(api["bound_port"] as? Int == Int(harness.proxyPort))
        #expect(api["url"] as? String == upstream.baseURL)
        #expect(api["in_flight"] as? Int == 0)
        #expect((api["policy"] as? [String: Any])?["max_attempts"] as? Int == 3)
    }

    @Test("an unknown path gets a 404 JSON error")
    func notFound() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let response = try harness.request("/nope")
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.jsonObject?["error"] as? String == "not_found")
    }

    @Test("another method gets a 405 JSON error with Allow, its body read and dropped, the connection kept")
    func methodNotAllowed() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let client = try TestClient(port: harness.adminPort, timeout: .seconds(5))
        defer { client.close() }
        try client.send(RequestBytes.make(method: "POST", target: "/metrics", body: Array("x=1&y=2".utf8)))
        let refused = try client.readResponse()
        #expect(refused.status == 405)
        #expect(refused.header("Allow") == "GET, HEAD")
        #expect(refused.jsonObject?["error"] as? String == "method_not_allowed")
        #expect(refused.header("Connection") == nil)
        try client.send(RequestBytes.make(target: "/healthz"))
        #expect(try client.readResponse().status == 200)
    }

    @Test("HEAD announces the length a GET would send, without a body")
    func head() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let get = try harness.request("/healthz")
        let head = try harness.request("/healthz", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") == String(get.body.count))
    }

    @Test("/metrics counts real traffic: statuses, retries by reason, a give-up, rate-limit waits, histograms")
    func metricsAfterTraffic() throws {
        let upstream = try TestUpstream(responses: [
            .respond(status: 200),  // /ok
            .respond(status: 503), .respond(status: 200),  // /flaky: one retry
            .respond(status: 503), .respond(status: 503),  // /down: gives up after 2 attempts
            .respond(status: 429, headers: [("Retry-After", "0")]), .respond(status: 200),  // /limited
        ])
        let harness = try AdminHarness(upstream) { api in
            api.retry.maxAttempts = 2
            api.retry.schedule = [.milliseconds(1)]
        }
        #expect(try harness.proxy("/ok").status == 200)
        #expect(try harness.proxy("/flaky").status == 200)
        #expect(try harness.proxy("/down").status == 503)
        #expect(try harness.proxy("/limited").status == 200)

        let response = try harness.request("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let lines = Set(response.bodyString.split(separator: "\n").map(String.init))
        let expected = [
            #"retryd_requests_total{upstream="api",status_class="2xx"} 3"#,
            #"retryd_requests_total{upstream="api",status_class="5xx"} 1"#,
            #"retryd_attempts_total{upstream="api",outcome="2xx"} 3"#,
            #"retryd_attempts_total{upstream="api",outcome="5xx"} 3"#,
            #"retryd_attempts_total{upstream="api",outcome="4xx"} 1"#,
            #"retryd_retries_total{upstream="api",reason="5xx"} 2"#,
            #"retryd_retries_total{upstream="api",reason="429"} 1"#,
            #"retryd_giveups_total{upstream="api",reason="attempts_exhausted"} 1"#,
            #"retryd_rate_limit_waits_total{upstream="api"} 1"#,
            #"retryd_upstream_latency_seconds_count{upstream="api"} 7"#,
            #"retryd_upstream_latency_seconds_bucket{upstream="api",le="+Inf"} 7"#,
            #"retryd_retry_wait_seconds_count{upstream="api"} 3"#,
            #"retryd_inflight_exchanges{upstream="api"} 0.0"#,
            "# TYPE retryd_requests_total counter",
            "# TYPE retryd_retry_wait_seconds histogram",
        ]
        for line in expected {
            #expect(lines.contains(line), "missing \(line)")
        }
        #expect(upstream.requests.count == 7)
    }

    @Test("an exchange waiting on a slow upstream shows as in flight in /status and /metrics")
    func inFlight() throws {
        let upstream = try TestUpstream(responses: [.delay(.seconds(1), then: .respond(status: 200))])
        let harness = try AdminHarness(upstream)
        let client = try TestClient(port: harness.proxyPort, timeout: .seconds(5))
        defer { client.close() }
        try client.send(RequestBytes.make(target: "/slow"))
        #expect(upstream.waitForRequests(1))
        let api = try #require((try harness.request("/status").jsonObject?["upstreams"] as? [[String: Any]])?.first)
        #expect(api["in_flight"] as? Int == 1)
        #expect(try harness.metricLines().contains(#"retryd_inflight_exchanges{upstream="api"} 1.0"#))
        #expect(try client.readResponse().status == 200)
    }
}
