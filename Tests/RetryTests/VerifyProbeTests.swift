import Retry
import TestSupport
import Testing

@Suite struct VerifyProbeTests {
    @Test func starsCaptureWhatTheyMatched() {
        let pattern = PathPattern("/v1/encoding/encodings/*/start")
        #expect(pattern.starCount == 1)
        #expect(pattern.captures(in: "/v1/encoding/encodings/e-42/start") == ["e-42"])
        #expect(pattern.captures(in: "/v1/encoding/encodings/e-42/start?x=1") == ["e-42"])
        #expect(pattern.captures(in: "/v1/encoding/encodings/a/b/start") == nil)
        let two = PathPattern("/v1/apps/*/tasks/*")
        #expect(two.captures(in: "/v1/apps/app1/tasks/t9") == ["app1", "t9"])
        #expect(two.captures(in: "/v1/apps//tasks/t9") == ["", "t9"])
        let deep = PathPattern("/files/**/meta/*")
        #expect(deep.captures(in: "/files/a/b/c/meta/x") == ["a/b/c", "x"])
        #expect(
            PathPattern("/v1/*-*").captures(in: "/v1/a-b-c") == ["a-b", "c"], "later stars take as little as they can")
        #expect(PathPattern("/v1/jobs").captures(in: "/v1/jobs") == [])
    }

    @Test func templatesFillInCaptures() {
        let probe = VerifyProbe(path: "/v1/x/{2}/y/{1}", judge: .status(notApplied: [404]))
        #expect(probe.path(captures: ["a", "b"]) == "/v1/x/b/y/a")
        #expect(probe.path(captures: ["a"]) == nil)
        #expect(VerifyProbe(path: "/v1/s", judge: .status(notApplied: [404])).path(captures: []) == "/v1/s")
        #expect(VerifyProbe.highestCapture(in: "/v1/{1}/{3}") == 3)
        #expect(VerifyProbe.highestCapture(in: "/v1/plain") == 0)
        for bad in ["/v1/{0}", "/v1/{x}", "/v1/{1", "/v1/}"] {
            #expect(VerifyProbe.highestCapture(in: bad) == nil, "\(bad)")
        }
    }

    @Test func fieldVerdicts() {
        let probe = VerifyProbe(
            path: "/s", judge: .field(JSONField("data.status")!, notApplied: ["CREATED"]))
        func verdict(_ status: Int, _ body: String) -> ProbeVerdict? {
            probe.verdict(status: status, body: Array(body.utf8))
        }
        #expect(verdict(200, #"{"data":{"status":"CREATED"}}"#) == .notApplied("CREATED"))
        #expect(verdict(200, #"{"data":{"status":"RUNNING"}}"#) == .applied("RUNNING"))
        #expect(verdict(200, #"{"data":{}}"#) == .inconclusive("data.status missing in the answer"))
        #expect(verdict(200, "not json") == .inconclusive("data.status missing in the answer"))
        #expect(verdict(404, "") == .inconclusive("the probe was answered 404"))
        #expect(verdict(503, "") == nil, "a 5xx probe is retried")
        #expect(verdict(429, "") == nil, "a rate-limited probe is retried")
    }

    @Test func statusVerdicts() {
        let probe = VerifyProbe(path: "/s", judge: .status(notApplied: [404]))
        #expect(probe.verdict(status: 404, body: []) == .notApplied("404"))
        #expect(probe.verdict(status: 200, body: []) == .applied("200"))
        #expect(probe.verdict(status: 403, body: []) == .inconclusive("the probe was answered 403"))
        #expect(probe.verdict(status: 502, body: []) == nil)
        #expect(ProbeVerdict.notApplied("x").headerValue == "not-applied")
    }

    @Test func keysAreVersion4UUIDs() {
        var random = SplitMix64(seed: 7)
        let first = IdempotencyKey.generate(using: &random)
        let second = IdempotencyKey.generate(using: &random)
        #expect(first != second)
        let bytes = Array(first.utf8)
        #expect(bytes.count == 36)
        #expect([8, 13, 18, 23].allSatisfy { bytes[$0] == UInt8(ascii: "-") })
        #expect(bytes[14] == UInt8(ascii: "4"))
        #expect("89ab".utf8.contains(bytes[19]))
        #expect(first.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
    }
}
