import Logging

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
        let prefix = settings.journald ? "<\(level.syslogPriority)>" : ""
        let body =
            switch settings.format {
            case .text: textBody(level: level, label: label, message: message, metadata: metadata, time: time)
            case .json: jsonBody(level: level, label: label, message: message, metadata: metadata, time: time)
            }
        return Array((prefix + body + "\n").utf8)
    }

    private func textBody(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, time: WallTime
    ) -> String {
        // journald stamps every line itself; a second timestamp would only be noise in `journalctl`.
        var body = settings.journald ? "" : time.iso8601 + " "
        body += level.rawValue + " " + LogEscaping.inlineText(label) + ": "
        body += LogEscaping.inlineText(settings.redactor.redact(message))
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            body += " " + LogEscaping.logValue(key) + "=" + LogEscaping.logValue(text(value, key: key))
        }
        return body
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
