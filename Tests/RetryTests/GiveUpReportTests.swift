import Foundation
import Retry
import Testing

@Suite struct GiveUpReportTests {
    private func makeReport(
        path: String = "/v1/jobs",
        body: [UInt8] = Array("{\"error\":\"busy\"}".utf8),
        time: Double = testNow + 0.123,
        finalStatus: Int? = 503
    ) -> GiveUpReport {
        GiveUpReport(
            upstream: "vendor-a",
            method: "POST",
            path: path,
            attempts: [
                .init(outcome: "503", waitedAfter: .milliseconds(2500)),
                .init(outcome: "connection refused", waitedAfter: .milliseconds(250)),
                .init(outcome: "503"),
            ],
            reason: .attemptsExhausted,
            requestIDs: [("X-Request-Id", "req-1")],
            time: time,
            body: body,
            finalStatus: finalStatus
        )
    }

    @Test func requestIDsAreFoundCaseInsensitivelyInHeaderOrder() {
        let headers: [(name: String, value: String)] = [
            ("x-resource-id", "res-9"), ("Content-Type", "application/json"), ("X-REQUEST-ID", "req-1"),
            ("X-Amzn-RequestId", "amz-3"), ("X-Other", "no"),
        ]
        let ids = GiveUpReport.requestIDs(in: headers, extraNames: ["x-amzn-requestid"])
        #expect(ids.map(\.name) == ["x-resource-id", "X-REQUEST-ID", "X-Amzn-RequestId"])
        #expect(ids.map(\.value) == ["res-9", "req-1", "amz-3"])
        #expect(GiveUpReport.requestIDs(in: headers, extraNames: []).count == 2)
    }

    @Test func bodyPrefixIsCappedAt512Bytes() {
        #expect(makeReport(body: Array(repeating: 0x41, count: 2_000)).bodyPrefix.count == 512)
        #expect(makeReport(body: Array(repeating: 0x41, count: 10)).bodyPrefix.count == 10)
    }

    @Test func queryStringIsDroppedFromThePath() {
        #expect(makeReport(path: "/v1/jobs?api_key=secret").path == "/v1/jobs")
        #expect(!makeReport(path: "/v1/jobs?api_key=secret").logMessage.contains("secret"))
    }

    @Test func timestampIsRFC3339UTCWithMilliseconds() {
        #expect(makeReport().utcTimestamp == "2026-11-23T11:27:13.123Z")
        #expect(makeReport(time: 0).utcTimestamp == "1970-01-01T00:00:00.000Z")
        #expect(makeReport(time: 951_825_599.9996).utcTimestamp == "2000-02-29T12:00:00.000Z")
    }

    @Test func logMessageIsOneEscapedLine() {
        let body = Array("line1\nline2\r\n\"quoted\" \\ \u{1B}[31m\u{2028}end".utf8)
        let message = makeReport(body: body).logMessage
        #expect(!message.contains("\n") && !message.contains("\r") && !message.contains("\u{1B}"))
        #expect(!message.contains("\u{2028}"))
        #expect(message.contains(#"body="line1\nline2\r\n\"quoted\" \\ \u{1b}[31m\u{2028}end""#))
        #expect(message.contains("upstream=vendor-a method=POST path=/v1/jobs status=503"))
        #expect(message.contains(#"reason="attempts exhausted" attempts=3"#))
        #expect(message.contains(#"history="503 wait 2.5s, connection refused wait 250ms, 503""#))
        #expect(message.contains(#"ids="X-Request-Id=req-1""#))
        #expect(message.contains("time=2026-11-23T11:27:13.123Z"))
    }

    @Test func jsonIsOneValidObjectWithTheSameFields() throws {
        let body = Array("bad \"json\"\n\u{0}".utf8) + [0xFF]
        let bytes = makeReport(body: body, finalStatus: nil).jsonBytes
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["upstream"] as? String == "vendor-a")
        #expect(object["method"] as? String == "POST")
        #expect(object["path"] as? String == "/v1/jobs")
        #expect(object["finalStatus"] is NSNull)
        #expect(object["reason"] as? String == "attempts exhausted")
        #expect(object["reasonCode"] as? String == "attempts_exhausted")
        #expect(object["time"] as? String == "2026-11-23T11:27:13.123Z")
        #expect(object["bodyPrefix"] as? String == "bad \"json\"\n\u{0}\u{FFFD}")
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["outcome"] as? String } == ["503", "connection refused", "503"])
        #expect(attempts.map { $0["waitedAfter"] as? Double } == [2.5, 0.25, nil])
        let ids = try #require(object["requestIDs"] as? [[String: String]])
        #expect(ids == [["name": "X-Request-Id", "value": "req-1"]])
    }

    @Test func probesKeyAndVerdictAreInTheLineAndTheJSON() throws {
        var report = makeReport()
        report.probes = [.init(outcome: "503", waitedAfter: .milliseconds(100)), .init(outcome: "200")]
        report.verdict = "unknown (data.status missing in the answer)"
        report.idempotencyKey = "9f1c"
        let line = report.logMessage
        #expect(line.contains(#"key=9f1c probes="503 wait 100ms, 200" verified="unknown (data.status missing"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.jsonBytes)) as? [String: Any])
        #expect((object["probes"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["503", "200"])
        #expect(object["verified"] as? String == "unknown (data.status missing in the answer)")
        #expect(object["idempotencyKey"] as? String == "9f1c")
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(makeReport().jsonBytes)) as? [String: Any])
        #expect(plain["idempotencyKey"] is NSNull && (plain["probes"] as? [Any])?.isEmpty == true)
        #expect(!makeReport().logMessage.contains("probes="))
    }

    @Test func requestIDsComeFromBodyFieldsByPath() {
        let body = Array(#"{"requestId":"bm-1","error":{"traceId":7}}"#.utf8)
        let ids = GiveUpReport.requestIDs(
            in: body, fields: [JSONField("requestId")!, JSONField("error.traceId")!, JSONField("missing")!])
        #expect(ids.map(\.name) == ["requestId", "error.traceId"])
        #expect(ids.map(\.value) == ["bm-1", "7"])
    }

    @Test func giveUpResponseIs504ForTimeoutsAnd502Otherwise() {
        let refused = TransportFailure(kind: .unsent, message: "connection refused")
        let timedOut = TransportFailure(kind: .maybeProcessed, isTimeout: true, message: "attempt timed out")
        #expect(GiveUpResponse.status(for: refused, reason: .attemptsExhausted) == 502)
        #expect(GiveUpResponse.status(for: refused, reason: .deadlineExceeded) == 504)
        #expect(GiveUpResponse.status(for: timedOut, reason: .attemptsExhausted) == 504)
    }

    @Test func giveUpResponseNamesCodeCauseAndAttempts() {
        let failure = TransportFailure(kind: .unsent, message: "could not resolve \"api\"")
        #expect(GiveUpResponse.code(for: failure, reason: .attemptsExhausted) == "upstream_unreachable")
        #expect(GiveUpResponse.code(for: failure, reason: .deadlineExceeded) == "upstream_timeout")
        #expect(
            GiveUpResponse.detail(for: failure, reason: .attemptsExhausted, attempts: 5)
                == "could not resolve \"api\"; gave up after 5 attempts: attempts exhausted")
        #expect(
            GiveUpResponse.detail(for: failure, reason: .notSafeToRetry, attempts: 1)
                == "could not resolve \"api\"; gave up after 1 attempt: not safe to retry")
    }

}
