import Retry

/// What one response says about the vendor's quota: how many requests are left in the current window, when it
/// ends, and, when it says so, how many the window allows.
package struct QuotaReport: Sendable, Equatable {
    /// Requests left in the current window.
    package var remaining: Int
    /// Time from the response until the window ends.
    package var resetAfter: Duration
    /// Requests the window allows, when the response says.
    package var limit: Int?
    /// The window's length, when the response says (`RateLimit-Policy: ...;w=60`).
    package var window: Duration?

    /// Creates a report.
    package init(remaining: Int, resetAfter: Duration, limit: Int? = nil, window: Duration? = nil) {
        self.remaining = remaining
        self.resetAfter = resetAfter
        self.limit = limit
        self.window = window
    }

    /// The report in `headers`, from the first family that gives both a remaining count and a reset:
    /// `RateLimit-Limit/-Remaining/-Reset` (Mediagenix, BeBanjo, the older IETF draft), `X-RateLimit-*`, or the
    /// IETF `RateLimit` (`r`, `t`) with `RateLimit-Policy` (`q`, `w`). Values come from the network, so anything
    /// malformed is ignored rather than trusted.
    /// - Parameter now: wall-clock seconds since the Unix epoch, for epoch-valued `X-RateLimit-Reset`.
    package static func parse(_ headers: [(name: String, value: String)], now: Double) -> QuotaReport? {
        var fields = Fields()
        for header in headers {
            // Every response passes here: most fields are turned away by length and first letter before a
            // lowercased copy of their name is made.
            guard mayBeQuotaField(header.name) else { continue }
            switch header.name.lowercased() {
            case "ratelimit-limit": fields.plainLimit = firstInteger(header.value)
            case "ratelimit-remaining": fields.plainRemaining = firstInteger(header.value)
            case "ratelimit-reset": fields.plainReset = RateLimitHeaders.rateLimitReset(header.value)
            case "x-ratelimit-limit": fields.xLimit = firstInteger(header.value)
            case "x-ratelimit-remaining": fields.xRemaining = firstInteger(header.value)
            case "x-ratelimit-reset": fields.xReset = RateLimitHeaders.xRateLimitReset(header.value, now: now)
            case "ratelimit":
                fields.structuredRemaining = StructuredFieldList.integerParameters(named: "r", in: header.value)?.min()
                fields.structuredReset = StructuredFieldList.integerParameters(named: "t", in: header.value)?.max()
            case "ratelimit-policy":
                fields.policyQuota = StructuredFieldList.integerParameters(named: "q", in: header.value)?.min()
                fields.policyWindow = StructuredFieldList.integerParameters(named: "w", in: header.value)?.max()
            default: continue
            }
        }
        return fields.report
    }

    /// Whether `name` has the length and first letter of one of the fields `parse` reads.
    private static func mayBeQuotaField(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        switch name.utf8.count {
        case 9, 15, 16, 19: return first | 0x20 == UInt8(ascii: "r")
        case 17, 21: return first | 0x20 == UInt8(ascii: "x")
        default: return false
        }
    }

    /// The first decimal integer of a value: "100", or "100, 100;w=60" in the older drafts' list form.
    private static func firstInteger(_ value: String) -> Int? {
        let digits = value.drop { $0 == " " || $0 == "\t" }.prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : Int(digits)
    }

    /// The fields of each header family, as far as they parsed.
    private struct Fields {
        var plainLimit: Int?
        var plainRemaining: Int?
        var plainReset: Duration?
        var xLimit: Int?
        var xRemaining: Int?
        var xReset: Duration?
        var structuredRemaining: Int64?
        var structuredReset: Int64?
        var policyQuota: Int64?
        var policyWindow: Int64?

        var report: QuotaReport? {
            let window = policyWindow.map { Duration.seconds(max($0, 0)) }
            let policyLimit = policyQuota.map { Int(clamping: max($0, 0)) }
            if let remaining = plainRemaining, let reset = plainReset {
                return QuotaReport(
                    remaining: remaining, resetAfter: reset, limit: plainLimit ?? policyLimit, window: window)
            }
            if let remaining = xRemaining, let reset = xReset {
                return QuotaReport(
                    remaining: remaining, resetAfter: reset, limit: xLimit ?? policyLimit, window: window)
            }
            if let remaining = structuredRemaining, let reset = structuredReset {
                return QuotaReport(
                    remaining: Int(clamping: max(remaining, 0)), resetAfter: .seconds(max(reset, 0)),
                    limit: policyLimit,
                    window: window)
            }
            return nil
        }
    }
}
