import Testing

@testable import retryd

/// Reading retryd's retry and give-up log lines, in the wording Exchange writes them.
@Suite struct DemoLogEntryTests {
    private static func entry(_ message: String) -> DemoLogEntry {
        DemoLogEntry(level: .info, message: message, endsExchange: false)
    }

    @Test func retryLineGivesReasonAndWait() {
        let entry = Self.entry("retrying GET /v1/jobs/42 after 503 (attempt 1 of 5), waiting 150ms")
        #expect(entry.event == .retry(reason: "503", wait: "150ms"))
    }

    @Test func retryReasonMayHaveSpacesAndPathMayContainAfter() {
        let entry = Self.entry("retrying GET /after/x after no response (attempt 2 of 5), waiting 1.2s")
        #expect(entry.event == .retry(reason: "no response", wait: "1.2s"))
    }

    @Test func giveUpLineGivesQuotedReason() {
        let entry = Self.entry(
            #"retry gave up upstream=vendor method=POST path=/v1/encodings status=504 reason="not safe to retry" "#
                + #"attempts=1 history=504 ids="" time=2026-11-23T11:27:13.123Z body="{\"error\":1}""#)
        #expect(entry.event == .giveUp(reason: "not safe to retry"))
    }

    @Test func logfmtValueHandlesBareAndEscapedValues() {
        #expect(DemoLogEntry.logfmtValue(named: "status", in: "x status=504 reason=y") == "504")
        #expect(DemoLogEntry.logfmtValue(named: "body", in: #"x body="a \"b\" c""#) == #"a "b" c"#)
        #expect(DemoLogEntry.logfmtValue(named: "body", in: #"x body="unterminated"#) == nil)
        #expect(DemoLogEntry.logfmtValue(named: "missing", in: "x status=504") == nil)
    }

    @Test func otherLinesAreNotRetryEvents() {
        #expect(Self.entry("GET /v1/jobs/42 200 27 509.5ms").event == .other)
        #expect(Self.entry("listening on 127.0.0.1:8080 for vendor -> http://127.0.0.1:1").event == .other)
    }
}
