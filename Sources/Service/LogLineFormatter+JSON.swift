import Logging
import Retry

extension LogLineFormatter {
    /// `{"time":…,"level":…,"label":…,"message":…, metadata…}` on one line.
    func jsonBody(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, time: WallTime
    ) -> String {
        var fields = [
            ("time", TextEscaping.jsonString(time.iso8601)),
            ("level", TextEscaping.jsonString(level.rawValue)),
            ("label", TextEscaping.jsonString(label)),
            ("message", TextEscaping.jsonString(settings.redactor.redact(message))),
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            let name = Self.reservedJSONKeys.contains(key) ? "meta." + key : key
            fields.append((name, json(value, key: key)))
        }
        return "{" + fields.map { TextEscaping.jsonString($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// A metadata value as JSON, secrets removed: numbers and booleans stay bare so shippers can aggregate them.
    func json(_ value: Logger.MetadataValue, key: String) -> String {
        let redactor = settings.redactor
        if redactor.isSensitive(name: key) { return TextEscaping.jsonString(Redactor.placeholder) }
        switch value {
        case .string(let string):
            return TextEscaping.jsonString(redactor.redact(string))
        case .stringConvertible(let convertible):
            let description = convertible.description
            let redacted = redactor.redact(description)
            return redacted == description && Self.isBareJSON(convertible)
                ? description : TextEscaping.jsonString(redacted)
        case .array(let elements):
            return "[" + elements.map { json($0, key: "") }.joined(separator: ",") + "]"
        case .dictionary(let entries):
            let members = entries.sorted { $0.key < $1.key }.map {
                TextEscaping.jsonString($0.key) + ":" + json($0.value, key: $0.key)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    private static func isBareJSON(_ value: any CustomStringConvertible) -> Bool {
        switch value {
        case is Bool, is any BinaryInteger: true
        case let double as Double: double.isFinite
        default: false
        }
    }
}
