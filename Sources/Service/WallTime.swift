/// A wall-clock instant to the millisecond, rendered as RFC 3339 UTC without Foundation.
struct WallTime: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    var seconds: Int64
    /// 0...999
    var milliseconds: Int

    /// "2026-11-23T11:27:13.123Z".
    var iso8601: String {
        var bytes: [UInt8] = []
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `iso8601` as bytes: every log line carries one, and digits written in place cost no allocation.
    func appendISO8601(to buffer: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        Self.append(year, digits: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        Self.append(month, digits: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        Self.append(day, digits: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        Self.append(secondOfDay / 3_600, digits: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        Self.append(secondOfDay % 3_600 / 60, digits: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        Self.append(secondOfDay % 60, digits: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        Self.append(milliseconds, digits: 3, to: &buffer)
        buffer.append(UInt8(ascii: "Z"))
    }

    /// Zero-padded to at least `digits`; a negative or wider value is written in full, as `String(value)` would.
    private static func append(_ value: Int, digits: Int, to buffer: inout [UInt8]) {
        guard value >= 0, value < 10_000 else {
            let text = String(value)
            buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(digits - text.utf8.count, 0)))
            buffer.append(contentsOf: text.utf8)
            return
        }
        var divisor = 1_000
        var width = 4
        while width > digits && value < divisor {
            divisor /= 10
            width -= 1
        }
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    // Howard Hinnant's civil_from_days: exact for every year, no tables.
    private static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
