import Foundation
import Glibc
import Logging
import Retry
import Testing

@testable import Service

/// 2026-11-23T11:27:13.123Z, the wall clock every log test pretends it is.
private let fixedTime = WallTime(seconds: 1_795_433_233, milliseconds: 123)

private func makeLogger(
    _ capture: PipeCapture, format: LogFormat = .text, level: Logger.Level = .trace, journald: Bool = false,
    redactor: Redactor = Redactor(), store: LogSettingsStore? = nil
) -> Logger {
    let store =
        store ?? LogSettingsStore(LogSettings(format: format, level: level, journald: journald, redactor: redactor))
    return Logger(label: "retryd") { label in
        RetrydLogHandler(label: label, store: store, fd: capture.writeFD, clock: { fixedTime })
    }
}

private func jsonObject(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any])
}

@Suite struct LogHandlerTests {
    @Test func writesATextLineWithTimestampLevelLabelAndSortedMetadata() throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture)

        logger.info("upstream answered", metadata: ["upstream": "encoding vendor", "status": "503"])

        #expect(
            capture.text()
                == "2026-11-23T11:27:13.123Z info retryd: upstream answered status=503 upstream=\"encoding vendor\"\n")
    }

    @Test func mergesHandlerMetadataUnderTheMessagesOwn() throws {
        let capture = try PipeCapture()
        var logger = makeLogger(capture)
        logger[metadataKey: "exchange"] = "x-1"
        logger[metadataKey: "attempt"] = "1"

        logger.notice("retrying", metadata: ["attempt": "2"])

        #expect(capture.lines() == ["2026-11-23T11:27:13.123Z notice retryd: retrying attempt=2 exchange=x-1"])
    }

    @Test func rendersNestedMetadataAsOneValue() throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture)

        logger.info("gave up", metadata: ["waits": ["1s", "2s"], "limits": ["max": "5"]])

        #expect(
            capture.lines() == [#"2026-11-23T11:27:13.123Z info retryd: gave up limits="[max: 5]" waits="[1s, 2s]""#])
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func prefixesJournaldPriorityAndDropsTheTimestamp(level: Logger.Level, priority: Int) throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture, journald: true)

        logger.log(level: level, "listening", metadata: ["port": "8080"])

        #expect(capture.lines() == ["<\(priority)>\(level.rawValue) retryd: listening port=8080"])
    }

    @Test func writesParseableJSONWithTypedMetadata() throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture, format: .json)

        logger.warning(
            "said \"no\"\nthen closed",
            metadata: [
                "attempt": .stringConvertible(3), "retryable": .stringConvertible(true), "upstream": "encoding",
                "waits": ["1s", "2s"], "limits": ["max": "5"], "level": "shadowed",
            ])

        let lines = capture.lines()
        try #require(lines.count == 1)
        #expect(lines[0].hasPrefix("{"))
        let object = try jsonObject(lines[0])
        #expect(object["time"] as? String == "2026-11-23T11:27:13.123Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "retryd")
        #expect(object["message"] as? String == "said \"no\"\nthen closed")
        #expect(object["attempt"] as? Int == 3)
        #expect(object["retryable"] as? Bool == true)
        #expect(object["upstream"] as? String == "encoding")
        #expect(object["waits"] as? [String] == ["1s", "2s"])
        #expect(object["limits"] as? [String: String] == ["max": "5"])
        #expect(object["meta.level"] as? String == "shadowed")
    }

    @Test func prefixesJSONLinesForJournaldToo() throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture, format: .json, journald: true)

        logger.error("upstream unreachable")

        let lines = capture.lines()
        try #require(lines.count == 1)
        #expect(lines[0].hasPrefix("<3>{"))
        #expect(try jsonObject(String(lines[0].dropFirst(3)))["message"] as? String == "upstream unreachable")
    }

    @Test func keepsEachMessageOnOneLine() throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture)

        logger.info("body:\nfake 2026-01-01T00:00:00Z critical retryd: forged\r", metadata: ["body": "a\nb"])

        let text = capture.text()
        #expect(text.filter { $0 == "\n" }.count == 1)
        #expect(
            text == #"2026-11-23T11:27:13.123Z info retryd: body:\nfake 2026-01-01T00:00:00Z critical retryd: forged\r"#
                + #" body="a\nb""# + "\n")
    }

    @Test(arguments: LogFormat.allCases)
    func redactsSecretsAndCredentialHeaders(format: LogFormat) throws {
        let capture = try PipeCapture()
        let logger = makeLogger(capture, format: format, redactor: Redactor(secrets: ["sk-live-123"]))

        logger.info(
            "sent with key sk-live-123\nAuthorization: Bearer eyJ0",
            metadata: ["Authorization": "Basic dXNlcjpwYXNz", "url": "https://api.example/v1?key=sk-live-123"])

        let text = capture.text()
        for secret in ["sk-live-123", "eyJ0", "dXNlcjpwYXNz"] {
            #expect(!text.contains(secret))
        }
        #expect(text.contains("key=[redacted]"))
        switch format {
        case .text:
            #expect(text.contains(#"sent with key [redacted]\nAuthorization: [redacted]"#))
            #expect(text.contains("Authorization=[redacted]"))
        case .json:
            let object = try jsonObject(String(text.dropLast()))
            #expect(object["message"] as? String == "sent with key [redacted]\nAuthorization: [redacted]")
            #expect(object["Authorization"] as? String == "[redacted]")
        }
    }

    @Test func followsTheStoreAcrossAReload() throws {
        let capture = try PipeCapture()
        let store = LogSettingsStore(LogSettings(format: .text, level: .warning))
        let logger = makeLogger(capture, store: store)

        logger.info("dropped")
        logger.warning("kept")
        store.update { settings in
            settings.level = .debug
            settings.format = .json
            settings.redactor = Redactor(secrets: ["new-key"])
        }
        logger.debug("now visible with new-key")

        let lines = capture.lines()
        try #require(lines.count == 2)
        #expect(lines[0] == "2026-11-23T11:27:13.123Z warning retryd: kept")
        #expect(try jsonObject(lines[1])["message"] as? String == "now visible with [redacted]")
    }

    @Test func aLoggersOwnLevelOverridesTheStore() throws {
        let capture = try PipeCapture()
        let store = LogSettingsStore(LogSettings(level: .info))
        var chatty = makeLogger(capture, store: store)
        chatty.logLevel = .trace
        let quiet = makeLogger(capture, store: store)

        chatty.trace("chatty")
        quiet.debug("quiet")

        #expect(capture.lines() == ["2026-11-23T11:27:13.123Z trace retryd: chatty"])
        #expect(quiet.logLevel == .info)
    }

    @Test(arguments: LogFormat.allCases)
    func writesEachLineWithOneWriteCall(format: LogFormat) throws {
        // On a datagram socket every write(2) is one datagram, so the datagrams show exactly how lines were written.
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        let logger = Logger(label: "retryd") { label in
            RetrydLogHandler(label: label, format: format, level: .info, journald: true, fd: fds[1])
        }

        logger.info("first", metadata: ["attempt": "1"])
        logger.warning("second\nline")

        var datagrams: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fds[0], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { break }
            datagrams.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        try #require(datagrams.count == 2)
        #expect(datagrams.allSatisfy { $0.hasSuffix("\n") && $0.filter { $0 == "\n" }.count == 1 })
        #expect(datagrams[0].hasPrefix("<6>"))
        #expect(datagrams[1].hasPrefix("<4>"))
    }

    @Test func recognizesTheJournalStreamByDeviceAndInode() throws {
        let capture = try PipeCapture()
        var info = stat()
        try #require(fstat(capture.writeFD, &info) == 0)
        let stream = "\(info.st_dev):\(info.st_ino)"

        #expect(RetrydLogHandler.isJournalStream(environment: ["JOURNAL_STREAM": stream], fd: capture.writeFD))
        #expect(
            !RetrydLogHandler.isJournalStream(
                environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"], fd: capture.writeFD))
        #expect(!RetrydLogHandler.isJournalStream(environment: ["JOURNAL_STREAM": "garbage"], fd: capture.writeFD))
        #expect(!RetrydLogHandler.isJournalStream(environment: [:], fd: capture.writeFD))
    }

    @Test func aStandaloneHandlerUsesItsOwnSettings() throws {
        let capture = try PipeCapture()
        let handler = RetrydLogHandler(
            label: "retryd", format: .text, level: .error, journald: true, fd: capture.writeFD)
        let logger = Logger(label: "retryd") { _ in handler }

        logger.warning("below the level")
        logger.error("shown")

        #expect(capture.lines() == ["<3>error retryd: shown"])
    }
}
