/// A wall-clock instant to the millisecond, rendered as RFC 3339 UTC without Foundation.
package struct WallTime: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    package var seconds: Int64
    /// 0...999
    package var milliseconds: Int

    /// Creates an instant from whole seconds and milliseconds.
    package init(seconds: Int64, milliseconds: Int) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    /// The instant `epochSeconds` rounded to the nearest millisecond (epoch doubles rarely hold .123 exactly); a value
    /// that is not finite or beyond the year 5138 becomes the epoch.
    package init(epochSeconds: Double) {
        let total = epochSeconds.isFinite && abs(epochSeconds) < 1e14 ? Int64((epochSeconds * 1000).rounded()) : 0
        seconds = total >= 0 ? total / 1000 : -((-total + 999) / 1000)
        milliseconds = Int(total - seconds * 1000)
    }

    /// "2026-11-23T11:27:13.123Z".
    package var iso8601: String {
        var bytes: [UInt8] = []
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `iso8601` as bytes: every log line carries one, and digits written in place cost no allocation.
    package func appendISO8601(to buffer: inout [UInt8]) {
        appendSecond(to: &buffer)
        appendMilliseconds(to: &buffer)
    }

    /// Appends `iso8601`, taking all but the milliseconds from `cache` when it holds this instant's second: the
    /// access log writes a line per request, and the calendar arithmetic was most of its timestamp's cost.
    package func appendISO8601(to buffer: inout [UInt8], cache: inout ISO8601SecondCache) {
        if cache.seconds != seconds || cache.prefix.isEmpty {
            cache.prefix.removeAll(keepingCapacity: true)
            appendSecond(to: &cache.prefix)
            cache.seconds = seconds
        }
        buffer.append(contentsOf: cache.prefix)
        appendMilliseconds(to: &buffer)
    }

    /// "2026-11-23T11:27:13.", the part shared by every instant within one second.
    private func appendSecond(to buffer: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = CivilDate.civilFromDays(Int(days))
        DecimalText.append(year, minimumDigits: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        DecimalText.append(month, minimumDigits: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        DecimalText.append(day, minimumDigits: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        DecimalText.append(secondOfDay / 3_600, minimumDigits: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        DecimalText.append(secondOfDay % 3_600 / 60, minimumDigits: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        DecimalText.append(secondOfDay % 60, minimumDigits: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
    }

    /// "123Z".
    private func appendMilliseconds(to buffer: inout [UInt8]) {
        DecimalText.append(milliseconds, minimumDigits: 3, to: &buffer)
        buffer.append(UInt8(ascii: "Z"))
    }
}

/// The rendered second of the last instant a writer stamped, for ``WallTime/appendISO8601(to:cache:)``.
package struct ISO8601SecondCache: Sendable {
    /// The second `prefix` renders.
    var seconds: Int64 = 0
    /// "2026-11-23T11:27:13."; empty until the first use.
    var prefix: [UInt8] = []

    /// An empty cache.
    package init() {}
}
