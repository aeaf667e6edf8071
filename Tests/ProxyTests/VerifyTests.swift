import Foundation
import Retry
import TestSupport
import Testing

/// A simulated encoding vendor that counts the starts of each encoding: a test fails if any encoding starts twice.
final class EncodingVendor {
    /// What the start call of one encoding does the first time it is called.
    enum Fault: String, CaseIterable, Sendable {
        /// Starts the encoding, then answers 504 (the gateway timed out while the backend went on).
        case appliedThen504 = "applied-504"
        /// Answers 504 without starting it.
        case lostWith504 = "lost-504"
        /// Starts the encoding, then resets the connection.
        case appliedThenReset = "applied-reset"
        /// Resets the connection without starting it.
        case lostWithReset = "lost-reset"
        /// Starts normally.
        case none
    }

    struct Encoding {
        var status = "CREATED"
        var startCalls = 0
        var starts = 0
    }

    let encodings = LockedBox([String: Encoding]())
    /// Status lookups answer 404 for these encodings, so a probe cannot tell.
    let statusUnknown: Set<String>
    let upstream: TestUpstream

    init(statusUnknown: Set<String> = []) throws {
        self.statusUnknown = statusUnknown
        let encodings = self.encodings
        upstream = try TestUpstream { request, _ in
            let parts = request.target.split(separator: "/").map(String.init)
            // /v1/encoding/encodings/{id}/start or /status
            guard parts.count == 5, let id = parts.last.map({ _ in parts[3] }) else {
                return .respond(status: 404, text: "no route")
            }
            switch (request.method, parts[4]) {
            case ("POST", "start"):
                var action = UpstreamAction.respond(
                    status: 200, headers: [("Content-Type", "application/json")],
                    text: "{\"requestId\":\"r-\(id)\",\"status\":\"SUCCESS\"}")
                encodings.mutate { all in
                    var encoding = all[id] ?? Encoding()
                    encoding.startCalls += 1
                    if encoding.status != "CREATED" {
                        action = .respond(status: 409, text: "{\"status\":\"ERROR\",\"message\":\"already started\"}")
                    } else {
                        let fault = encoding.startCalls == 1 ? Fault(rawValue: id.components(separatedBy: "_")[0]) : nil
                        switch fault ?? .none {
                        case .appliedThen504:
                            encoding.status = "QUEUED"
                            encoding.starts += 1
                            action = .respond(status: 504, text: "gateway timeout")
                        case .lostWith504:
                            action = .respond(status: 504, text: "gateway timeout")
                        case .appliedThenReset:
                            encoding.status = "QUEUED"
                            encoding.starts += 1
                            action = .reset
                        case .lostWithReset:
                            action = .reset
                        case .none:
                            encoding.status = "QUEUED"
                            encoding.starts += 1
                        }
                    }
                    all[id] = encoding
                }
                return action
            case ("GET", "status"):
                if statusUnknown.contains(id) { return .respond(status: 404, text: "not found") }
                let status = encodings.value[id]?.status ?? "CREATED"
                return .respond(
                    status: 200, headers: [("Content-Type", "application/json")],
                    text: "{\"requestId\":\"s-\(id)\",\"data\":{\"status\":\"\(status)\"}}")
            default:
                return .respond(status: 405, text: "no")
            }
        }
    }

    /// A verify rule for the start call, as the issue writes it.
    static func rule(inheriting policy: RetryPolicy, onApplied: VerifyProbe.OnApplied = .accepted) -> EndpointRule {
        var probe = VerifyProbe(
            path: "/v1/encoding/encodings/{1}/status", judge: .field(JSONField("data.status")!, notApplied: ["CREATED"])
        )
        probe.onApplied = onApplied
        var rule = EndpointRule(
            methods: ["POST"], path: PathPattern("/v1/encoding/encodings/*/start"), policy: policy)
        rule.verify = probe
        return rule
    }
}

@Suite("Verify before re-sending")
struct VerifyTests {
    private func proxy(
        for vendor: EncodingVendor, onApplied: VerifyProbe.OnApplied = .accepted, capture: LogCapture = LogCapture()
    ) throws -> ProxyHarness {
        try ProxyHarness.quick(vendor.upstream, logger: capture.logger) { upstream, _ in
            upstream.rules = [EncodingVendor.rule(inheriting: upstream.retry, onApplied: onApplied)]
        }
    }

    private func start(_ id: String, through proxy: ProxyHarness) throws -> ReceivedResponse {
        try proxy.request(
            method: "POST", target: "/v1/encoding/encodings/\(id)/start",
            headers: [("Host", "localhost"), ("X-Api-Key", "k-1"), ("Content-Type", "application/json")],
            body: Array("{}".utf8))
    }

    @Test("a 504 on a start that did start: the client gets 202 with the status, the vendor saw one start")
    func appliedGets202() throws {
        let vendor = try EncodingVendor()
        let proxy = try proxy(for: vendor)
        let response = try start("applied-504_a", through: proxy)
        #expect(response.status == 202)
        #expect(response.header("X-Retryd-Verified") == "applied")
        #expect(response.bodyString.contains("\"QUEUED\""))
        let encoding = vendor.encodings.value["applied-504_a"]
        #expect(encoding?.startCalls == 1)
        #expect(encoding?.starts == 1)
        // The probe carried the client's credential.
        let probe = vendor.upstream.requests.last
        #expect(probe?.method == "GET")
        #expect(probe?.target == "/v1/encoding/encodings/applied-504_a/status")
        #expect(probe?.header("X-Api-Key") == "k-1")
    }

    @Test("a 504 on a start that did not start: re-sent once, the vendor saw exactly one successful start")
    func notAppliedIsResent() throws {
        let vendor = try EncodingVendor()
        let proxy = try proxy(for: vendor)
        let response = try start("lost-504_b", through: proxy)
        #expect(response.status == 200)
        #expect(response.header("X-Retryd-Attempts") == "2")
        let encoding = vendor.encodings.value["lost-504_b"]
        #expect(encoding?.startCalls == 2)
        #expect(encoding?.starts == 1)
    }

    @Test(
        "a reset after sending is probed like a 504",
        arguments: [("applied-reset_c", 202, 1), ("lost-reset_d", 200, 2)])
    func resetIsProbed(id: String, status: Int, calls: Int) throws {
        let vendor = try EncodingVendor()
        let proxy = try proxy(for: vendor)
        let response = try start(id, through: proxy)
        #expect(response.status == status)
        #expect(vendor.encodings.value[id]?.startCalls == calls)
        #expect(vendor.encodings.value[id]?.starts == 1)
    }

    @Test("on_applied = original passes the vendor's 504 on, marked applied")
    func originalOnApplied() throws {
        let vendor = try EncodingVendor()
        let proxy = try proxy(for: vendor, onApplied: .original)
        let response = try start("applied-504_e", through: proxy)
        #expect(response.status == 504)
        #expect(response.bodyString == "gateway timeout")
        #expect(response.header("X-Retryd-Verified") == "applied")
        #expect(vendor.encodings.value["applied-504_e"]?.startCalls == 1)
    }

    @Test("a probe that cannot tell leaves the start alone: the 504 goes on, marked unknown")
    func inconclusiveProbe() throws {
        let vendor = try EncodingVendor(statusUnknown: ["lost-504_f"])
        let capture = LogCapture()
        let proxy = try proxy(for: vendor, capture: capture)
        let response = try start("lost-504_f", through: proxy)
        #expect(response.status == 504)
        #expect(response.header("X-Retryd-Verified") == "unknown")
        #expect(vendor.encodings.value["lost-504_f"]?.startCalls == 1)
        // The give-up record lists the probe and what it found.
        let warnings = capture.messages(at: .warning)
        try #require(warnings.count == 1, "\(warnings)")
        #expect(warnings[0].contains(#"reason="verify inconclusive""#), "\(warnings[0])")
        #expect(warnings[0].contains(#"probes=404"#), "\(warnings[0])")
        #expect(warnings[0].contains(#"verified="unknown (the probe was answered 404)""#), "\(warnings[0])")
    }

    @Test("many starts under every fault: no encoding ever starts twice")
    func neverTwoStarts() throws {
        let vendor = try EncodingVendor()
        let proxy = try proxy(for: vendor)
        let faults = EncodingVendor.Fault.allCases
        for round in 0..<4 {
            for fault in faults {
                let id = "\(fault.rawValue)_\(round)"
                let response = try start(id, through: proxy)
                #expect([200, 202].contains(response.status), "\(id): \(response.status)")
                let encoding = vendor.encodings.value[id]
                #expect(encoding?.starts == 1, "\(id) started \(encoding?.starts ?? 0) times")
                // A second call from the client itself is the vendor's 409, not a second start.
                let again = try start(id, through: proxy)
                #expect(again.status == 409)
                #expect(vendor.encodings.value[id]?.starts == 1)
            }
        }
    }
}

@Suite("Request ids from bodies")
struct BodyRequestIDTests {
    @Test("request_id_fields are read from the last body, past the 512 bytes the report keeps")
    func fieldsInTheGiveUpLine() throws {
        let capture = LogCapture()
        let padding = String(repeating: "x", count: 2000)
        let upstream = try TestUpstream(responses: [
            .respond(
                status: 503, headers: [("Content-Type", "application/json")],
                text: "{\"pad\":\"\(padding)\",\"requestId\":\"bm-42\",\"status\":\"ERROR\"}")
        ])
        let proxy = try ProxyHarness.quick(upstream, logger: capture.logger) { upstream, _ in
            upstream.retry.maxAttempts = 2
            upstream.requestIDFields = [JSONField("requestId")!]
        }
        let response = try proxy.request(target: "/v1/encodings")
        #expect(response.status == 503)
        let warnings = capture.messages(at: .warning)
        try #require(warnings.count == 1, "\(warnings)")
        #expect(warnings[0].contains(#"ids="requestId=bm-42""#), "\(warnings[0])")
    }
}

@Suite("Idempotency keys")
struct InjectedKeyTests {
    @Test("a key is added to a POST that has none, the same on every attempt")
    func sameKeyEveryAttempt() throws {
        let upstream = try RetryFixture.upstream(failing: 2, with: .reset)
        let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.idempotencyKey = "Idempotency-Key"
        }
        let response = try proxy.request(method: "POST", target: "/v1/encode", body: [1, 2, 3])
        #expect(response.status == 200)
        #expect(upstream.requests.count == 3)
        let keys = upstream.requests.map { $0.headers(named: "Idempotency-Key") }
        #expect(keys.allSatisfy { $0.count == 1 })
        let key = keys.first?.first ?? ""
        #expect(key.count == 36)
        #expect(Set(keys.map { $0.first ?? "" }).count == 1)
        // A second request gets a fresh one.
        _ = try proxy.request(method: "POST", target: "/v1/encode", body: [4])
        #expect(upstream.requests.last?.header("Idempotency-Key") != key)
    }

    @Test("a client's own key is kept, and a GET gets none")
    func clientKeyKept() throws {
        let upstream = try RetryFixture.upstream(failing: 0, with: .reset)
        let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.idempotencyKey = "Idempotency-Key"
        }
        _ = try proxy.request(
            method: "POST", target: "/v1/encode", headers: [("Host", "localhost"), ("Idempotency-Key", "mine")],
            body: [1])
        #expect(upstream.requests.last?.headers(named: "Idempotency-Key") == ["mine"])
        _ = try proxy.request(method: "GET", target: "/v1/encode")
        #expect(upstream.requests.last?.header("Idempotency-Key") == nil)
    }
}
