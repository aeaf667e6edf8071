import Events
import Logging
import Retry

/// Renders one log message as one complete line, newline included: the pure core of `RetrydLogHandler`, with the
/// clock read by the caller.
struct LogLineFormatter {
    /// Format, journald mode and redactor to render with.
    var settings: LogSettings

    /// JSON keys the line itself uses; metadata under one of these names is renamed "meta.<name>" so that no key
    /// appears twice in an object.
    static let reservedJSONKeys: Set<String> = ["time", "level", "label", "message"]

    /// The bytes to write for one message.
    func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, time: WallTime)
        -> [UInt8]
    {
        // One buffer for the whole line: the access log renders one per request, and joined Strings cost a heap
        // allocation per piece.
        var line: [UInt8] = []
        line.reserveCapacity(128 + message.utf8.count)
        if settings.journald { line.append(contentsOf: "<\(level.syslogPriority)>".utf8) }
        switch settings.format {
        case .text:
            appendTextBody(level: level, label: label, message: message, metadata: metadata, time: time, to: &line)
        case .json:
            line.append(
                contentsOf: jsonBody(level: level, label: label, message: message, metadata: metadata, time: time).utf8)
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The access-log line of one exchange: the same bytes as ``line(level:label:message:metadata:time:)`` at info
    /// level with the message and the `attempts` and `upstream` fields, written without a metadata dictionary in the
    /// text format (JSON, which few use, goes the general way).
    func accessLine(_ entry: AccessEntry, label: String, time: WallTime) -> [UInt8] {
        var cache = ISO8601SecondCache()
        return accessLine(entry, label: label, time: time, timeCache: &cache)
    }

    /// ``accessLine(_:label:time:)`` stamping the time through `timeCache`, which a writer keeps between lines.
    func accessLine(_ entry: AccessEntry, label: String, time: WallTime, timeCache: inout ISO8601SecondCache)
        -> [UInt8]
    {
        var line: [UInt8] = []
        appendAccessLine(entry, label: label, time: time, timeCache: &timeCache, to: &line)
        return line
    }

    /// ``accessLine(_:label:time:timeCache:)`` appended to `line`, which a writer keeps between lines so that the
    /// usual line costs no allocation.
    func appendAccessLine(
        _ entry: AccessEntry, label: String, time: WallTime, timeCache: inout ISO8601SecondCache,
        to line: inout [UInt8]
    ) {
        if settings.format == .text,
            appendPlainAccessLine(entry, label: label, time: time, timeCache: &timeCache, to: &line)
        {
            return
        }
        line.append(contentsOf: generalAccessLine(entry, label: label, time: time))
    }

    /// The access line through the general formatter: JSON, or text that needs escaping or redacting.
    private func generalAccessLine(_ entry: AccessEntry, label: String, time: WallTime) -> [UInt8] {
        let attempts = Logger.MetadataValue.stringConvertible(entry.attempts)
        let upstream = Logger.MetadataValue.string(entry.upstream)
        guard settings.format == .text else {
            return line(
                level: .info, label: label, message: entry.message,
                metadata: ["attempts": attempts, "upstream": upstream], time: time)
        }
        let message = entry.message
        var line: [UInt8] = []
        line.reserveCapacity(128 + message.utf8.count)
        if settings.journald {
            line.append(contentsOf: "<\(Logger.Level.info.syslogPriority)>".utf8)
        } else {
            time.appendISO8601(to: &line)
            line.append(UInt8(ascii: " "))
        }
        line.append(contentsOf: Logger.Level.info.rawValue.utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: TextEscaping.inlineText(label).utf8)
        line.append(contentsOf: ": ".utf8)
        line.append(contentsOf: TextEscaping.inlineText(settings.redactor.redact(message)).utf8)
        // The fields in key order, as the general path sorts them.
        line.append(contentsOf: " attempts=".utf8)
        line.append(contentsOf: TextEscaping.logValue(text(attempts, key: "attempts")).utf8)
        line.append(contentsOf: " upstream=".utf8)
        line.append(contentsOf: TextEscaping.logValue(text(upstream, key: "upstream")).utf8)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The text line written byte by byte, for the usual case in which nothing in it needs escaping, quoting or
    /// redacting (no secrets configured, printable ASCII without a colon); false otherwise (nothing appended), and
    /// the caller takes the general route. The rules are those of `TextEscaping` and `Redactor`, checked byte-equal by the tests.
    private func appendPlainAccessLine(
        _ entry: AccessEntry, label: String, time: WallTime, timeCache: inout ISO8601SecondCache,
        to line: inout [UInt8]
    ) -> Bool {
        guard !settings.redactor.hasSecrets, !Self.accessFieldsAreSensitive,
            Self.isPlainMessageText(entry.method.utf8), Self.isPlainMessageText(entry.path.utf8),
            Self.isBareValue(entry.upstream.utf8), Self.isBareValue(label.utf8), entry.status >= 0, entry.bytes >= 0,
            entry.tenthsOfMilliseconds >= 0, entry.attempts >= 0
        else { return false }
        line.reserveCapacity(line.count + 96 + entry.path.utf8.count + entry.upstream.utf8.count)
        if settings.journald {
            line.append(contentsOf: "<\(Logger.Level.info.syslogPriority)>".utf8)
        } else {
            time.appendISO8601(to: &line, cache: &timeCache)
            line.append(UInt8(ascii: " "))
        }
        Self.append("info ", to: &line)
        Self.append(label, to: &line)
        Self.append(": ", to: &line)
        Self.append(entry.method, to: &line)
        line.append(UInt8(ascii: " "))
        Self.append(entry.path, to: &line)
        line.append(UInt8(ascii: " "))
        DecimalText.append(entry.status, to: &line)
        line.append(UInt8(ascii: " "))
        DecimalText.append(entry.bytes, to: &line)
        line.append(UInt8(ascii: " "))
        DecimalText.append(entry.tenthsOfMilliseconds / 10, to: &line)
        line.append(UInt8(ascii: "."))
        DecimalText.append(entry.tenthsOfMilliseconds % 10, to: &line)
        Self.append("ms attempts=", to: &line)
        DecimalText.append(entry.attempts, to: &line)
        Self.append(" upstream=", to: &line)
        Self.append(entry.upstream, to: &line)
        line.append(UInt8(ascii: "\n"))
        return true
    }

    /// A literal's bytes, copied at once: `append(contentsOf: String.UTF8View)` walks a string byte by byte.
    private static func append(_ text: StaticString, to line: inout [UInt8]) {
        line.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A string's bytes, copied from its contiguous storage when it has one.
    private static func append(_ text: some StringProtocol, to line: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { line.append(contentsOf: $0) }
        if copied == nil { line.append(contentsOf: text.utf8) }
    }

    /// Whether the field names `attempts` or `upstream` would be hidden as credentials (they are not; checked once).
    private static let accessFieldsAreSensitive =
        Redactor().isSensitive(name: "attempts") || Redactor().isSensitive(name: "upstream")

    /// Printable ASCII without a colon: `inlineText` leaves it as it is, and `redact` finds no header value in it.
    private static func isPlainMessageText(_ bytes: some Sequence<UInt8>) -> Bool {
        // Over the string's own storage when it has one: the generic walk of a UTF-8 view costs several times more.
        bytes.withContiguousStorageIfAvailable { $0.allSatisfy(isPlainMessageByte) }
            ?? bytes.allSatisfy(isPlainMessageByte)
    }

    private static func isPlainMessageByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: ":")
    }

    /// What `logValue` writes unquoted and `inlineText` and `redact` leave alone: visible ASCII without a quote, an
    /// equals sign, a backslash or a colon, and not empty.
    private static func isBareValue(_ bytes: String.UTF8View) -> Bool {
        !bytes.isEmpty
            && (bytes.withContiguousStorageIfAvailable { $0.allSatisfy(isBareByte) } ?? bytes.allSatisfy(isBareByte))
    }

    private static func isBareByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
            && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: ":")
    }

    private func appendTextBody(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, time: WallTime,
        to line: inout [UInt8]
    ) {
        // journald stamps every line itself; a second timestamp would only be noise in `journalctl`.
        if !settings.journald {
            time.appendISO8601(to: &line)
            line.append(UInt8(ascii: " "))
        }
        line.append(contentsOf: level.rawValue.utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: TextEscaping.inlineText(label).utf8)
        line.append(contentsOf: ": ".utf8)
        line.append(contentsOf: TextEscaping.inlineText(settings.redactor.redact(message)).utf8)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: TextEscaping.logValue(key).utf8)
            line.append(UInt8(ascii: "="))
            line.append(contentsOf: TextEscaping.logValue(text(value, key: key)).utf8)
        }
    }

    /// A metadata value as plain text, secrets removed, before logfmt quoting.
    func text(_ value: Logger.MetadataValue, key: String) -> String {
        let redactor = settings.redactor
        if redactor.isSensitive(name: key) { return Redactor.placeholder }
        switch value {
        case .string(let string):
            return redactor.redact(string)
        case .stringConvertible(let convertible):
            return redactor.redact(convertible.description)
        case .array(let elements):
            return "[" + elements.map { text($0, key: "") }.joined(separator: ", ") + "]"
        case .dictionary(let entries):
            let rendered = entries.sorted { $0.key < $1.key }.map { "\($0.key): " + text($0.value, key: $0.key) }
            return "[" + rendered.joined(separator: ", ") + "]"
        }
    }
}
