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
