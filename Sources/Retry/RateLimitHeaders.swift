/// Reads the waits upstreams announce: `Retry-After`, `RateLimit-Reset`, `RateLimit` (its `t`) and
/// `X-RateLimit-Reset`. Values come from the network, so anything malformed is ignored rather than trusted.
package enum RateLimitHeaders {
    /// Epoch-looking `X-RateLimit-Reset` values start here (2001-09-09); smaller ones are seconds from now.
    static let epochThreshold = 1_000_000_000.0

    /// The announced wait: the largest of the four fields, or nil when none parses.
    /// - Parameters:
    ///   - headers: the response headers; names compare case-insensitively, repeated fields all count.
    ///   - now: wall-clock time as seconds since the Unix epoch.
    package static func announcedWait(in headers: [(name: String, value: String)], now: Double) -> Duration? {
        longestAnnouncedWait(in: headers, now: now)?.wait
    }

    /// The announced wait and the header that announced it (as spelled in the response).
    package static func longestAnnouncedWait(
        in headers: [(name: String, value: String)], now: Double
    ) -> (wait: Duration, header: String)? {
        var largest: (wait: Duration, header: String)?
        for header in headers {
            // Turned away by length before a lowercased copy of the name is made.
            guard [9, 11, 15, 17].contains(header.name.utf8.count) else { continue }
            let wait: Duration?
            switch header.name.lowercased() {
            case "retry-after": wait = retryAfter(header.value, now: now)
            case "ratelimit-reset": wait = rateLimitReset(header.value)
            case "ratelimit": wait = rateLimitFieldReset(header.value)
            case "x-ratelimit-reset": wait = xRateLimitReset(header.value, now: now)
            default: continue
            }
            if let wait, largest.map({ wait > $0.wait }) ?? true { largest = (wait, header.name) }
        }
        return largest
    }

    /// `Retry-After` per RFC 9110 §10.2.3: delay-seconds or an HTTP-date; a past date yields zero.
    package static func retryAfter(_ value: String, now: Double) -> Duration? {
        let trimmed = value.trimmingOWS
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy(\.isASCIIDigit) {
            return decimalSeconds(trimmed)
        }
        guard let date = HTTPDate.parse(trimmed, now: now) else { return nil }
        return .clampedSeconds(date - now)
    }

    /// Seconds since the Unix epoch of an HTTP-date in any of the three formats of RFC 9110 §5.6.7.
    /// - Parameter now: when given, resolves RFC 850's two-digit year as §5.6.7 requires.
    package static func httpDate(_ value: String, now: Double? = nil) -> Double? {
        HTTPDate.parse(value, now: now)
    }

    /// `RateLimit-Reset` (older IETF draft): seconds until the quota resets.
    package static func rateLimitReset(_ value: String) -> Duration? {
        decimalSeconds(value.trimmingOWS)
    }

    /// `RateLimit` (current IETF draft): the largest `t` parameter across the list's items.
    static func rateLimitFieldReset(_ value: String) -> Duration? {
        guard let resets = StructuredFieldList.integerParameters(named: "t", in: value), let largest = resets.max()
        else { return nil }
        return .seconds(max(largest, 0))
    }

    /// `X-RateLimit-Reset`: epoch seconds when at least `epochThreshold`, else seconds from now.
    package static func xRateLimitReset(_ value: String, now: Double) -> Duration? {
        let trimmed = value.trimmingOWS
        guard let seconds = decimalSeconds(trimmed) else { return nil }
        guard seconds >= .seconds(epochThreshold) else { return seconds }
        guard let epoch = Double(trimmed) else { return nil }
        return .clampedSeconds(epoch - now)
    }

    /// A plain decimal number of seconds ("30", "1.5", "-2"); negative values clamp to zero, huge ones saturate.
    private static func decimalSeconds(_ text: Substring) -> Duration? {
        var scanner = ByteScanner(text)
        let negative = scanner.skip(UInt8(ascii: "-"))
        let whole = scanner.take { $0.isASCIIDigit }
        var fraction: ArraySlice<UInt8> = []
        if scanner.skip(UInt8(ascii: ".")) {
            fraction = scanner.take { $0.isASCIIDigit }
            guard !fraction.isEmpty else { return nil }
        }
        guard !whole.isEmpty, scanner.isAtEnd else { return nil }
        if negative { return .zero }
        var nanoseconds: Int64 = 0
        for digit in whole {
            // Checked every digit, so the multiplications below cannot overflow.
            nanoseconds = nanoseconds * 10 + Int64(digit - UInt8(ascii: "0"))
            if nanoseconds >= Int64.max / 1_000_000_000 { return .nanoseconds(Int64.max) }
        }
        nanoseconds *= 1_000_000_000
        var unit: Int64 = 100_000_000
        for digit in fraction.prefix(9) {
            nanoseconds += Int64(digit - UInt8(ascii: "0")) * unit
            unit /= 10
        }
        return .nanoseconds(nanoseconds)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmingOWS: Substring {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
