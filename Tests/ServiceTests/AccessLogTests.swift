import Events
import Glibc
import Logging
import Retry
import Testing

@testable import Service

/// The access log's direct writer: the same line as the logger would write, byte for byte.
@Suite("Access log")
struct AccessLogTests {
    /// 2026-11-23T11:27:13.123Z.
    private static let time = WallTime(seconds: 1_795_433_233, milliseconds: 123)

    private static let entries: [AccessEntry] = [
        AccessEntry(
            method: "GET", path: "/v1/jobs/1234", status: 200, bytes: 90, tenthsOfMilliseconds: 12, attempts: 1,
            upstream: "vendor"),
        AccessEntry(
            method: "POST", path: "/v1/jobs", status: 499, bytes: 0, tenthsOfMilliseconds: 123_456, attempts: 3,
            upstream: "encoding vendor"),
        // A path with quotes, a control byte and a secret; an upstream name that needs quoting.
        AccessEntry(
            method: "DELETE", path: "/v1/a\"b\u{1}/key-SECRET/é", status: 502, bytes: 17, tenthsOfMilliseconds: 5,
            attempts: 2, upstream: "a=b"),
        AccessEntry(
            method: "GET", path: "/", status: 304, bytes: 0, tenthsOfMilliseconds: 0, attempts: 0, upstream: ""),
        // A colon: the redactor looks for a header value after it. Non-ASCII and DEL: escaped or quoted.
        AccessEntry(
            method: "PUT", path: "/v1/assets/urn:a:1", status: 201, bytes: 1_234_567_890_123, tenthsOfMilliseconds: 99,
            attempts: 12, upstream: "vendor:1"),
        AccessEntry(
            method: "GET", path: "/v1/\u{7F}x", status: 200, bytes: 1, tenthsOfMilliseconds: 10, attempts: 1,
            upstream: "vendör"),
    ]

    private static let settings: [LogSettings] = [LogFormat.text, .json].flatMap { format in
        [false, true].flatMap { journald in
            [Redactor(), Redactor(secrets: ["SECRET"])].map { redactor in
                LogSettings(format: format, level: .info, journald: journald, redactor: redactor)
            }
        }
    }

    @Test(
        "the direct line equals the logger's line for every format, journald mode and redaction",
        arguments: entries, settings)
    func sameBytesAsTheLogger(entry: AccessEntry, settings: LogSettings) {
        let formatter = LogLineFormatter(settings: settings)
        let general = formatter.line(
            level: .info, label: "retryd", message: entry.message,
            metadata: ["upstream": .string(entry.upstream), "attempts": .stringConvertible(entry.attempts)],
            time: Self.time)
        let direct = formatter.accessLine(entry, label: "retryd", time: Self.time)
        #expect(String(decoding: direct, as: UTF8.self) == String(decoding: general, as: UTF8.self))
    }

    @Test("lines stamped through a kept time cache equal lines stamped without one", arguments: settings)
    func timeCacheKeepsTheBytes(settings: LogSettings) {
        let formatter = LogLineFormatter(settings: settings)
        var cache = ISO8601SecondCache()
        let times = [
            Self.time, WallTime(seconds: 1_795_433_233, milliseconds: 999),
            WallTime(seconds: 1_795_433_234, milliseconds: 5),
        ]
        for (entry, time) in zip(Self.entries, times) {
            let cached = formatter.accessLine(entry, label: "retryd", time: time, timeCache: &cache)
            #expect(cached == formatter.accessLine(entry, label: "retryd", time: time))
        }
    }

    @Test("the message prints milliseconds with one decimal")
    func message() {
        #expect(Self.entries[0].message == "GET /v1/jobs/1234 200 90 1.2ms")
        #expect(Self.entries[1].message == "POST /v1/jobs 499 0 12345.6ms")
        #expect(Self.entries[3].message == "GET / 304 0 0.0ms")
    }

    @Test("the writer follows the store's level and secrets, and writes whole lines to its descriptor")
    func writerFollowsTheStore() throws {
        let capture = try PipeCapture()
        let store = LogSettingsStore(LogSettings(format: .text, level: .info, journald: true))
        let writer = AccessLogWriter(label: "retryd", store: store, fd: capture.writeFD)
        writer.record(Self.entries[0])
        store.update { $0.level = .notice }
        writer.record(Self.entries[1])
        store.update {
            $0.level = .info
            $0.redactor = Redactor(secrets: ["SECRET"])
        }
        writer.record(Self.entries[2])
        let lines = capture.lines()
        try #require(lines.count == 2, "\(lines)")
        #expect(lines[0] == "<6>info retryd: GET /v1/jobs/1234 200 90 1.2ms attempts=1 upstream=vendor")
        #expect(lines[1].hasPrefix("<6>info retryd: DELETE "))
        #expect(!lines[1].contains("SECRET"), "a secret reached the log")
    }
}

extension AccessEntry: CustomTestStringConvertible {
    public var testDescription: String { message }
}
