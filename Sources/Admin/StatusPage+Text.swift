import Retry

/// How the status page writes values: escaped for HTML, numbers and times short enough for a table cell.
enum PageText {
    /// `text` safe inside an element or a quoted attribute: `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A count with thousands separated: "12,345".
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A rate with the precision its size deserves: "0", "0.25", "12.3", "1,250".
    static func rate(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0" }
        if value >= 100 { return count(Int(value.rounded())) }
        return decimal(value, digits: value >= 10 ? 1 : 2)
    }

    /// `value` rounded to `digits` decimals, trailing zeros dropped: "2.5", "0.25", "3".
    static func decimal(_ value: Double, digits: Int) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        var fraction = String(scaled % scale)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? String(scaled / scale) : "\(scaled / scale).\(fraction)"
    }

    /// A latency in seconds as "800µs", "37ms" or "1.5s".
    static func latency(_ seconds: Double) -> String {
        Duration.seconds(seconds).compactDescription
    }

    /// A span of seconds as "42s", "5m 3s", "3h 12m" or "2d 4h".
    static func span(_ seconds: Double) -> String {
        let total = Int(max(seconds, 0))
        switch total {
        case ..<60: return "\(total)s"
        case ..<3_600: return "\(total / 60)m \(total % 60)s"
        case ..<86_400: return "\(total / 3_600)h \(total % 3_600 / 60)m"
        default: return "\(total / 86_400)d \(total % 86_400 / 3_600)h"
        }
    }

    /// "in 12s" or "12s ago", from `now` to `time` (both seconds since the epoch).
    static func relative(_ time: Double, now: Double) -> String {
        let seconds = time - now
        return seconds >= 0 ? "in \(span(seconds.rounded(.up)))" : "\(span(-seconds)) ago"
    }

    /// "11:27:13" for a time on `now`'s UTC day, "2026-11-22 11:27:13" otherwise.
    static func clock(_ time: Double, now: Double) -> String {
        let stamp = WallTime(epochSeconds: time).iso8601
        let today = WallTime(epochSeconds: now).iso8601
        let date = stamp.prefix(10)
        let hms = stamp.dropFirst(11).prefix(8)
        return date == today.prefix(10) ? String(hms) : "\(date) \(hms)"
    }

    /// ``clock(_:now:)`` of an RFC 3339 time from `/status`, with "(in 12s)"; the text as it came, escaped, if it does
    /// not parse.
    static func clock(iso8601 text: String, now: Double) -> String {
        guard let time = WallTime(iso8601: text)?.epochSeconds else { return escape(text) }
        return "\(clock(time, now: now)) (\(relative(time, now: now)))"
    }
}
